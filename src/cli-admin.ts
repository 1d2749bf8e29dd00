import { parseArgs } from "node:util";
import { z } from "zod";
import type { Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { Platform } from "./conversation/chat-user.js";
import { translator } from "./i18n.js";
import { openStore, type Store } from "./store/open-store.js";
import { decideClaim, findClaim, findOrNamePerson, listClaims, openClaimsForNamed } from "./store/people.js";
import { SCHEDULE_SETTING, loadScheduleSettings } from "./schedule/scheduler.js";
import { ScheduleSettings } from "./schedule/schedule-settings.js";
import type { CliIo } from "./cli.js";

/** "key=value" pairs as typed; values are JSON where they parse (numbers, lists), else text. */
function assignments(pairs: string[]): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new ChaserError("cli.settings_usage");
      const raw = pair.slice(at + 1);
      try {
        return [pair.slice(0, at), JSON.parse(raw)];
      } catch {
        return [pair.slice(0, at), raw.includes(",") ? raw.split(",").map((s) => s.trim()) : raw];
      }
    }),
  );
}

async function withStore<T>(config: Config, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.database);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** `chaser settings [--plan SLUG] [key=value …]`: shows or changes the schedule settings. */
export async function settingsCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { plan: { type: "string" } } });
  return withStore(config, async (store) => {
    const defaults = await loadScheduleSettings(store.db);
    const plan = values.plan ? await store.db.plan.findUnique({ where: { slug: values.plan } }) : null;
    if (values.plan && !plan) throw new ChaserError("admin.unknown_plan", { plan: values.plan });
    const stored = plan ? (JSON.parse(plan.settings) as Record<string, unknown>) : JSON.parse((await store.db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value ?? "{}");
    if (positionals.length > 0) {
      const next = { ...stored, ...assignments(positionals) };
      const checked = ScheduleSettings.safeParse({ ...defaults, ...next });
      if (!checked.success) throw new ChaserError("settings.invalid", { problems: checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      const value = JSON.stringify(next);
      if (plan) await store.db.plan.update({ where: { id: plan.id }, data: { settings: value } });
      else await store.db.appSetting.upsert({ where: { key: SCHEDULE_SETTING }, create: { key: SCHEDULE_SETTING, value }, update: { value } });
      await store.db.history.create({ data: { entity: "settings", entityId: plan?.id ?? SCHEDULE_SETTING, planId: plan?.id ?? null, via: "cli", actorLabel: "cli", before: JSON.stringify(stored), after: value } });
      io.out(t("cli.settings.saved"));
    }
    const effective = plan ? { ...defaults, ...(JSON.parse((await store.db.plan.findUniqueOrThrow({ where: { id: plan.id } })).settings) as object) } : await loadScheduleSettings(store.db);
    io.out(JSON.stringify(effective, null, 2));
    return 0;
  });
}

/** `chaser pause` / `chaser resume`: stops or restarts all scheduled prompts and digests. */
export async function pauseCommand(paused: boolean, config: Config, io: CliIo): Promise<number> {
  return withStore(config, async (store) => {
    const stored = JSON.parse((await store.db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value ?? "{}") as Record<string, unknown>;
    const value = JSON.stringify({ ...stored, paused });
    await store.db.appSetting.upsert({ where: { key: SCHEDULE_SETTING }, create: { key: SCHEDULE_SETTING, value }, update: { value } });
    await store.db.history.create({ data: { entity: "settings", entityId: SCHEDULE_SETTING, via: "cli", actorLabel: "cli", before: JSON.stringify(stored), after: value } });
    io.out(translator(config.locale)(paused ? "cli.paused" : "cli.resumed"));
    return 0;
  });
}

const SubscribeArgs = z.object({ plan: z.string().min(1), platform: Platform, address: z.string().min(1).max(4000), theme: z.string().optional(), locale: z.enum(["en-GB", "cy"]).default("en-GB"), name: z.string().max(200).optional() });

/** `chaser subscribe --plan SLUG --platform slack|teams|web --address CHANNEL [--theme NAME] [--locale cy]`. */
export async function subscribeCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values } = parseArgs({ args: argv, options: { plan: { type: "string" }, platform: { type: "string" }, address: { type: "string" }, theme: { type: "string" }, locale: { type: "string" }, name: { type: "string" } } });
  const args = SubscribeArgs.parse(values);
  return withStore(config, async (store) => {
    const plan = await store.db.plan.findUnique({ where: { slug: args.plan } });
    if (!plan) throw new ChaserError("admin.unknown_plan", { plan: args.plan });
    const theme = args.theme ? await store.db.theme.findFirst({ where: { planId: plan.id, name: args.theme } }) : null;
    if (args.theme && !theme) throw new ChaserError("admin.unknown_theme", { theme: args.theme, plan: args.plan });
    await store.db.digestSubscription.upsert({
      where: { planId_platform_address: { planId: plan.id, platform: args.platform, address: args.address } },
      create: { planId: plan.id, themeId: theme?.id ?? null, platform: args.platform, address: args.address, locale: args.locale, name: args.name ?? null },
      update: { themeId: theme?.id ?? null, locale: args.locale, name: args.name ?? null },
    });
    io.out(t("cli.subscribed", { plan: plan.title, address: args.name ?? args.address }));
    return 0;
  });
}

/** `chaser outbox [--failed]`: messages waiting, parked as failed, or to people who cannot be reached. */
export async function outboxCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values } = parseArgs({ args: argv, options: { failed: { type: "boolean" }, json: { type: "boolean" } } });
  return withStore(config, async (store) => {
    const rows = await store.db.chatMessage.findMany({
      where: { status: values.failed ? { in: ["failed", "unreachable"] } : { not: "sent" } },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { key: true, kind: true, platform: true, status: true, attempts: true, lastError: true, createdAt: true },
    });
    if (values.json) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.out(t("cli.outbox.empty"));
    else for (const r of rows) io.out(t("cli.outbox.row", { ...r, createdAt: r.createdAt.toISOString(), lastError: r.lastError ?? "" }));
    return 0;
  });
}

/** `chaser admin NAME [--email E] [--plan SLUG]`: makes a person a Chaser admin, or one plan's admin. */
export async function adminCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { email: { type: "string" }, plan: { type: "string" } } });
  const name = z.string().trim().min(1).max(200).parse(positionals[0]);
  return withStore(config, async (store) => {
    const email = values.email?.trim().toLowerCase() || null;
    // By email, else among the people admins named: never a chat user who merely calls themselves that.
    const { person, claims } = await store.db.$transaction(async (tx) => {
      const named = await findOrNamePerson(tx, name, email);
      return { person: named.person, claims: named.created ? await openClaimsForNamed(tx, named.person, "cli", "cli") : 0 };
    });
    if (values.plan) {
      const plan = await store.db.plan.findUnique({ where: { slug: values.plan } });
      if (!plan) throw new ChaserError("admin.unknown_plan", { plan: values.plan });
      await store.db.planAdmin.upsert({ where: { planId_personId: { planId: plan.id, personId: person.id } }, create: { planId: plan.id, personId: person.id }, update: {} });
    } else {
      await store.db.person.update({ where: { id: person.id }, data: { isAdmin: true } });
    }
    await store.db.history.create({ data: { entity: "admin", entityId: person.id, via: "cli", actorLabel: "cli", after: JSON.stringify({ person: person.name, plan: values.plan ?? null }) } });
    io.out(t("cli.admin_done", { person: person.name, scope: values.plan ?? "Chaser" }));
    if (claims > 0) io.out(t("trust.cli_claims_opened", { count: claims, person: person.name }));
    return 0;
  });
}

/** `chaser delegate FROM --to NAME [--until YYYY-MM-DD]`: cover while someone is away. */
export async function delegateCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { to: { type: "string" }, until: { type: "string" }, remove: { type: "boolean" } } });
  const args = z.object({ from: z.string().min(1), to: z.string().min(1), until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD").optional() }).parse({ from: positionals[0], to: values.to, until: values.until });
  return withStore(config, async (store) => {
    const find = async (name: string) => {
      const person = await store.db.person.findFirst({ where: { OR: [{ name, origin: "admin" }, { email: name.toLowerCase() }] } });
      if (!person) throw new ChaserError("admin.unknown_person", { person: name });
      return person;
    };
    const [principal, delegate] = [await find(args.from), await find(args.to)];
    if (values.remove) await store.db.delegation.deleteMany({ where: { principalId: principal.id, delegateId: delegate.id } });
    else await store.db.delegation.upsert({
      where: { principalId_delegateId: { principalId: principal.id, delegateId: delegate.id } },
      create: { principalId: principal.id, delegateId: delegate.id, until: args.until ?? null },
      update: { until: args.until ?? null },
    });
    await store.db.history.create({ data: { entity: "delegation", entityId: `${principal.id}:${delegate.id}`, via: "cli", actorLabel: "cli", after: JSON.stringify({ from: principal.name, to: delegate.name, until: args.until ?? null, removed: Boolean(values.remove) }) } });
    io.out(t(values.remove ? "cli.delegate_removed" : "cli.delegate_done", { from: principal.name, to: delegate.name, until: args.until ?? "—" }));
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
