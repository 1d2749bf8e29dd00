import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { CliIo } from "./cli.js";
import type { Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { buildDigestCard } from "./digest/build-digest-card.js";
import { readDigestView } from "./digest/read-digest-view.js";
import { renderDigestDocx } from "./digest/render-digest-docx.js";
import { renderDigestText } from "./digest/render-digest-text.js";
import { translator } from "./i18n.js";
import { planSettings } from "./schedule/plan-settings.js";
import { DIGEST_CARD_TOP } from "./schedule/run-digests.js";
import { loadScheduleSettings } from "./schedule/scheduler.js";
import { openStore } from "./store/open-store.js";
import { findDigestPlan } from "./store/read-digest.js";

const DigestArgs = z
  .object({
    plan: z.string().trim().min(1),
    theme: z.string().trim().min(1).optional(),
    "as-of": z.iso.date("a date as YYYY-MM-DD").optional(),
    json: z.boolean().default(false),
    format: z.enum(["text", "json", "docx"]).optional(),
    out: z.string().min(1).optional(),
  })
  .refine((a) => a.format !== "docx" || a.out, { message: "--format docx needs --out FILE", path: ["out"] });

/**
 * `chaser digest --plan SLUG [--theme NAME] [--as-of DATE] [--json] [--format docx --out FILE]`:
 * the digest's view model as JSON, the digest as text, or the monthly theme summary as Word.
 * Reading only: the figures a sent digest keeps for the trend are not written.
 */
export async function digestCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values } = parseArgs({
    args: argv,
    options: { plan: { type: "string" }, theme: { type: "string" }, "as-of": { type: "string" }, json: { type: "boolean" }, format: { type: "string" }, out: { type: "string" } },
  });
  if (!values.plan) throw new ChaserError("cli.digest_usage");
  const args = DigestArgs.parse(values);
  const format = args.format ?? (args.json ? "json" : "text");
  // A past day's digest is read as at midday that day.
  const now = args["as-of"] ? new Date(`${args["as-of"]}T12:00:00Z`) : io.now();
  const store = await openStore(config.database);
  try {
    const found = await findDigestPlan(store, args.plan, args.theme ?? null);
    if (!found) throw new ChaserError("cli.digest_no_plan", { slug: args.plan });
    if (args.theme && !found.theme) throw new ChaserError("cli.digest_no_theme", { plan: args.plan, theme: args.theme, themes: found.themes.map((th) => th.name).join(", ") });
    const settings = planSettings(await loadScheduleSettings(store.db), found.plan.settings);
    const view = await readDigestView(store, {
      plan: found.plan,
      themeId: found.theme?.id ?? null,
      now,
      since: new Date(now.getTime() - 7 * 86_400_000),
      settings,
      listThemes: "all",
    });
    if (format === "json") {
      io.out(JSON.stringify(view, null, 2));
      return 0;
    }
    const card = buildDigestCard(view, { t, top: DIGEST_CARD_TOP });
    if (format === "docx") {
      await writeFile(args.out!, await renderDigestDocx(view, t));
      io.out(t("cli.digest_written", { file: args.out }));
      return 0;
    }
    io.out(renderDigestText(card));
    return 0;
  } finally {
    await store.close();
  }
}
