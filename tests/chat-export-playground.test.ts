/**
 * "export" typed in the playground: the file comes back in the conversation as a download link,
 * through the real server and the same command as Teams and Slack.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlayground } from "./helpers/playground-server.js";
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2020-12-20T09:30:00Z");
const log = pino({ level: "silent" });

interface View {
  card: { type: string; text?: string } | null;
  download: { name: string; href: string; label: string } | null;
  slack: { text: string } | null;
}

describe("export in the playground", () => {
  let store: TestStore;
  let playground: Awaited<ReturnType<typeof startPlayground>> | undefined;
  let base: string;
  const say = async (name: string, text: string, locale?: string): Promise<View> => {
    const res = await fetch(`${base}/api/chat/${encodeURIComponent(name)}/say`, { method: "POST", body: JSON.stringify({ text, ...(locale ? { locale } : {}) }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { messages: View[] }).messages.at(-1)!;
  };

  beforeAll(async () => {
    store = await freshStore("sqlite");
    playground = await startPlayground(store, log, NOW);
    base = playground.base;
    const imported = await fetch(`${base}/api/import?file=procurement.tsv`, { method: "POST", body: readFileSync(resolve(SEEDS, SEED_FILES.procurement), "utf8") });
    expect(imported.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await playground?.close();
    await store?.drop();
  });

  it("refuses someone who may not read the plan, and offers the file to an admin as a download, in their language", async () => {
    const refused = await say("Sam Jones", "export procurement docx");
    expect(refused.download).toBeNull();
    expect(refused.card?.text).toMatch(/^Only the admins and viewers of procurement\.tsv/);

    await store.db.person.update({ where: { webUserId: "Sam Jones" }, data: { isAdmin: true } });
    const docx = await say("Sam Jones", "export procurement docx");
    expect(docx.card).toMatchObject({ type: "file", text: "procurement.tsv: the progress report for a committee paper (procurement-actions-2020-12-20.docx)." });
    expect(docx.download).toMatchObject({ name: "procurement-actions-2020-12-20.docx", label: "Download procurement-actions-2020-12-20.docx" });
    const [head, data] = docx.download!.href.split(",");
    expect(head).toBe("data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64");
    expect(Buffer.from(data!, "base64").subarray(0, 2).toString()).toBe("PK");
    // Slack's and Teams' renderings of the same card say it in words.
    expect(docx.slack?.text).toBe(docx.card?.text);

    const csv = await say("Sam Jones", "allforio procurement csv", "cy");
    expect(csv.download?.label).toBe("Lawrlwytho procurement-history-2020-12-20.csv");
    expect(Buffer.from(csv.download!.href.split(",")[1]!, "base64").toString("utf8")).toContain("procurement");
  });
});
