import { parseArgs } from "node:util";
import { userInfo } from "node:os";
import type { Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { translator } from "./i18n.js";
import { openStore, type Store } from "./store/open-store.js";
import { decideClaim, findClaim, listClaims } from "./store/people.js";
import { badInput, executeCommand } from "./commands/execute-command.js";
import { parseCliCommand } from "./commands/parse-cli-command.js";
import { createLogger } from "./log.js";
import type { CliIo } from "./cli.js";

async function withStore<T>(config: Config, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.database);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** Who runs the terminal, as history names them. */
export function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

/**
 * A command typed at the terminal (`npx chaser pause`, `npx chaser owner "Monitoring Officer"
 * sam@council.gov.uk` …): parsed into the one Command model and carried out by executeCommand, as
 * chat's are. Exit codes: 0 done, 1 refused or not found, 2 not written right.
 */
export async function commandCli(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { parsed, options } = parseCliCommand(argv);
  if (parsed.kind === "none") {
    io.err(t("cli.unknown_command", { command: argv[0] ?? "" }));
    io.err(t("cli.help"));
    return 2;
  }
  if (parsed.kind === "bad") {
    io.err(badInput(t, parsed.code, parsed.topic, parsed.params).text);
    return 2;
  }
  return withStore(config, async (store) => {
    // Nothing is sent from here: a digest sent now waits in the outbox for the running server.
    const deps = { store, log: createLogger({ level: config.logLevel ?? "warn", format: "json" }), channels: {} };
    const result = await executeCommand(deps, parsed.command, { person: null, label: operator(), via: "cli", locale: config.locale, room: null, now: io.now() });
    if (result.outcome !== "done") {
      io.err(result.text);
      return 1;
    }
    io.out(options.json && result.data !== undefined ? JSON.stringify(result.data, null, 2) : result.text);
    return 0;
  });
}

/** `chaser claim [--all]` lists claims; `chaser claim ID --confirm|--reject` decides one. */
export async function claimCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { confirm: { type: "boolean" }, reject: { type: "boolean" }, all: { type: "boolean" }, json: { type: "boolean" } } });
  const id = positionals[0];
  if (Boolean(values.confirm || values.reject) !== Boolean(id) || (values.confirm && values.reject) || positionals.length > 1) {
    io.err(t("trust.cli_claim_usage"));
    return 2;
  }
  return withStore(config, async (store) => {
    if (id) {
      const claim = await findClaim(store.db, id);
      if (!claim) throw new ChaserError("trust.claim_unknown");
      const decision = await decideClaim(store.db, id, Boolean(values.confirm), { personId: null, label: "cli", via: "cli" }, new Date());
      switch (decision.outcome) {
        case "not_found":
          throw new ChaserError("trust.claim_unknown");
        case "already":
          io.out(t("trust.claim_already", { status: t(`trust.claim_status.${decision.status}`) }));
          return 1;
        case "stale":
          io.out(t("trust.claim_stale", { name: claim.person?.name ?? "?" }));
          return 1;
        case "rejected":
          io.out(t("trust.claim_rejected", { name: claim.claimant?.name ?? "?", person: claim.person?.name ?? "?" }));
          return 0;
        case "confirmed":
          io.out(t("trust.claim_confirmed", { name: decision.person.name }));
          return 0;
      }
    }
    const claims = await listClaims(store.db, values.all ? {} : { status: "pending" });
    if (values.json) io.out(JSON.stringify(claims, null, 2));
    else if (claims.length === 0) io.out(t("trust.cli_claims_none"));
    else {
      for (const c of claims) {
        io.out(t("trust.cli_claim_row", {
          id: c.id,
          status: t(`trust.claim_status.${c.status}`),
          person: c.person?.name ?? "?",
          claimant: c.claimant?.name ?? "?",
          platform: c.platform,
          userId: c.claimant?.userId ?? "?",
          tenant: c.claimant?.tenantId ? `, ${c.claimant.tenantId}` : "",
        }));
      }
    }
    return 0;
  });
}
