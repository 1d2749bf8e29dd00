import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { SlackChannel } from "../src/adapters/slack/slack-channel.js";
import type { DigestCard } from "../src/conversation/card.js";
import { digestChartSvg } from "../src/digest/render-digest-chart.js";
import { startFakeSlack, type FakeSlack } from "./fakes/fake-slack-api.js";

const card: DigestCard = {
  type: "digest",
  title: "Weekly digest: Improvement plan",
  subtitle: "As at 23/11/2026.",
  note: null,
  chart: { title: "Main actions by RAG rating", slices: [{ label: "Red", value: 1, rag: "red" }, { label: "Amber", value: 34, rag: "amber" }, { label: "Green", value: 29, rag: "green" }] },
  themeChart: { title: "Main actions by RAG rating, theme by theme", themes: [{ name: "Organisational Culture", bars: [{ label: "Red", value: 0, rag: "red" }, { label: "Amber", value: 7, rag: "amber" }, { label: "Green", value: 9, rag: "green" }] }] },
  trendChart: { title: "Over the last 2 digests", series: [{ rag: "red", label: "Red", values: [{ x: "16/11", y: 3 }, { x: "23/11", y: 1 }] }] },
  trendText: "Red 3 → 1 (down), Amber 34, Green 29",
  sections: [],
  detail: [],
  showAllLabel: "Show all",
  footer: null,
};

describe("the digest's charts in Slack", () => {
  let fake: FakeSlack | undefined;
  afterEach(async () => fake?.close());

  it("labels every bar with its word and number in the picture", () => {
    const svg = digestChartSvg(card)!;
    for (const words of ["Red 1", "Amber 34", "Green 29", "Organisational Culture", "Main actions by RAG rating"]) expect(svg).toContain(words);
  });

  it("renders a PNG on the server, uploads it with files.getUploadURLExternal and completeUploadExternal, and shows it in the digest with the numbers in text", async () => {
    fake = await startFakeSlack();
    fake.addChannel("C0LEADERS");
    const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, logLevel: webApi.LogLevel.ERROR });
    await new SlackChannel(client).send("C0LEADERS", card);

    const [file] = fake.files();
    expect(file).toMatchObject({ filename: "digest-charts.png", completed: true, title: "Main actions by RAG rating" });
    expect(file!.bytes!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(file!.bytes!.length).toBe(file!.length);
    expect(fake.calls.map((c) => c.method)).toEqual(["files.getUploadURLExternal", "files.completeUploadExternal", "chat.postMessage"]);

    const [message] = fake.messages("C0LEADERS");
    const blocks = message!.blocks as { type: string; slack_file?: { id: string }; alt_text?: string; text?: { text: string } }[];
    const image = blocks.find((b) => b.type === "image")!;
    expect(image.slack_file).toEqual({ id: file!.id });
    expect(image.alt_text).toContain("Amber 34");
    // Numbers in the text as well, never by colour alone.
    expect(JSON.stringify(blocks.filter((b) => b.type !== "image"))).toContain("Amber");
    expect(JSON.stringify(blocks)).toContain("Red 3 → 1 (down)");
  });

  it("sends the digest without its picture when the upload fails", async () => {
    fake = await startFakeSlack();
    fake.addChannel("C0LEADERS");
    fake.failNext("files.getUploadURLExternal", { error: "internal_error" });
    const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, logLevel: webApi.LogLevel.ERROR, retryConfig: { retries: 0 } });
    await new SlackChannel(client).send("C0LEADERS", card);
    const [message] = fake.messages("C0LEADERS");
    expect((message!.blocks as { type: string }[]).some((b) => b.type === "image")).toBe(false);
    expect(fake.files().filter((f) => f.completed)).toEqual([]);
  });

  it("refuses a message showing a file that was never uploaded, as Slack does", async () => {
    fake = await startFakeSlack();
    fake.addChannel("C0LEADERS");
    const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, logLevel: webApi.LogLevel.ERROR });
    await expect(client.chat.postMessage({ channel: "C0LEADERS", text: "x", blocks: [{ type: "image", slack_file: { id: "F0NOPE" }, alt_text: "x" }] })).rejects.toMatchObject({ data: { error: "invalid_blocks" } });
  });
});
