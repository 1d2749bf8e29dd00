import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { CliIo } from "./cli.js";
import type { Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { exportPlan, ExportFormat } from "./export/export-plan.js";
import { translator } from "./i18n.js";
import { openStore } from "./store/open-store.js";

const ExportArgs = z.object({
  plan: z.string().trim().min(1),
  format: ExportFormat,
  out: z.string().min(1),
});

/** `chaser export --plan SLUG --format xlsx|docx|csv --out FILE`: the plan for a committee paper. */
export async function exportCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values } = parseArgs({ args: argv, options: { plan: { type: "string" }, format: { type: "string" }, out: { type: "string" } } });
  if (!values.plan || !values.format || !values.out) throw new ChaserError("cli.export_usage");
  const args = ExportArgs.parse(values);
  const store = await openStore(config.database);
  try {
    const file = await exportPlan(store, { slug: args.plan, format: args.format, t, now: io.now() });
    await writeFile(args.out, file.bytes);
    io.out(t("cli.export_written", { file: args.out, format: args.format }));
    return 0;
  } finally {
    await store.close();
  }
}
