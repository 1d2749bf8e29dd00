import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { CliIo } from "./cli.js";
import type { Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { translator } from "./i18n.js";
import { markMilestone } from "./store/mark-milestone.js";
import { openStore } from "./store/open-store.js";

/** `chaser milestone --plan SLUG REF [--off]`: marks an action as a key milestone of its plan, or unmarks it. */
export async function milestoneCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { plan: { type: "string" }, off: { type: "boolean" } } });
  if (positionals.length !== 1 || !values.plan?.trim()) throw new ChaserError("cli.milestone_usage");
  const store = await openStore(config.database);
  try {
    const done = await markMilestone(store.db, { plan: values.plan, ref: positionals[0]!, on: !values.off, via: "cli", actorLabel: cliActor() });
    const key = done.on ? (done.changed ? "milestone.marked" : "milestone.already") : done.changed ? "milestone.unmarked" : "milestone.already_not";
    io.out(t(key, { ref: done.ref, title: done.title, plan: done.planTitle }));
    return 0;
  } finally {
    await store.close();
  }
}

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}
