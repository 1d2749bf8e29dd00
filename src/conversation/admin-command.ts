import type { TFunction } from "i18next";
import type { Person } from "../generated/sqlite/client.js";
import type { Db } from "../store/open-store.js";
import { mapRole } from "../store/map-role.js";
import { ChaserError } from "../domain/chaser-error.js";
import { SCHEDULE_SETTING } from "../schedule/scheduler.js";
import type { ChatAddress } from "./chat-user.js";
import type { Locale } from "../i18n.js";
import { trailingLanguage } from "./language-command.js";

export type AdminCommand =
  /** `locale`: the language the channel reads, when named ("subscribe PLAN cy"); else the subscriber's. */
  | { kind: "subscribe"; plan: string; theme: string | null; locale: Locale | null }
  | { kind: "unsubscribe"; plan: string }
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "map"; role: string; email: string };

// English and Welsh; the words are commands, so they are matched whole and at the start.
const PATTERNS: [RegExp, (m: RegExpExecArray) => AdminCommand][] = [
  [/^(?:subscribe|tanysgrifio)\s+(.+?)(?:\s+(?:theme|thema)\s+(.+))?$/i, (m) => subscribeCommand(m[1]!, m[2] ?? null)],
  [/^(?:unsubscribe|dad-danysgrifio)\s+(.+)$/i, (m) => ({ kind: "unsubscribe", plan: m[1]!.trim() })],
  [/^(?:pause|oedi)$/i, () => ({ kind: "pause" })],
  [/^(?:resume|ailddechrau)$/i, () => ({ kind: "resume" })],
  [/^(?:map|cysylltu)\s+(.+?)\s+(?:to|â|a)\s+(\S+@\S+\.\S+)$/i, (m) => ({ kind: "map", role: m[1]!.trim(), email: m[2]!.toLowerCase() })],
];

/** "subscribe PLAN [theme THEME] [LANGUAGE]": a language word at the end is the channel's language. */
function subscribeCommand(plan: string, theme: string | null): AdminCommand {
  const last = trailingLanguage(theme ?? plan);
  return { kind: "subscribe", plan: theme === null ? last.rest : plan.trim(), theme: theme === null ? null : last.rest, locale: last.locale };
}

/** An admin's command typed in chat, or null when the text is something else (an answer). */
export function parseAdminCommand(text: string): AdminCommand | null {
  const clean = text.trim().replace(/\s+/g, " ");
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(clean);
    if (match) return build(match);
  }
  return null;
}

/**
 * Runs an admin's command from chat: subscribe the channel it was typed in to a plan's digest,
 * pause or resume the schedule, map an owner role to a person by email. Only Chaser's admins (or,
 * for one plan's digest, that plan's admins) may; everyone else is told so. Returns what to say.
 */
export async function runAdminCommand(db: Db, t: TFunction, person: Person, command: AdminCommand, room: ChatAddress | undefined, via: "chat:teams" | "chat:slack" | "chat:web"): Promise<string> {
  const plan = "plan" in command ? await findPlan(db, command.plan) : null;
  if ("plan" in command && !plan) return t("admin.unknown_plan", { plan: command.plan });
  const allowed = person.isAdmin || (plan !== null && (await db.planAdmin.findUnique({ where: { planId_personId: { planId: plan.id, personId: person.id } } })) !== null);
  if (!allowed) return t("admin.not_admin");
  const record = (entity: string, after: unknown) =>
    db.history.create({ data: { entity, entityId: plan?.id ?? entity, planId: plan?.id ?? null, via, actorPersonId: person.id, actorLabel: person.name, after: JSON.stringify(after) } });
  switch (command.kind) {
    case "subscribe": {
      if (!room) return t("admin.subscribe_in_channel");
      const theme = command.theme ? await db.theme.findFirst({ where: { planId: plan!.id, name: { equals: command.theme } } }) : null;
      if (command.theme && !theme) return t("admin.unknown_theme", { plan: plan!.title, theme: command.theme });
      const subscription = await db.digestSubscription.upsert({
        where: { planId_platform_address: { planId: plan!.id, platform: room.platform, address: room.address } },
        create: { planId: plan!.id, themeId: theme?.id ?? null, platform: room.platform, address: room.address, locale: command.locale ?? person.locale },
        update: { themeId: theme?.id ?? null, ...(command.locale ? { locale: command.locale } : {}) },
      });
      await record("digest-subscription", { plan: plan!.slug, theme: theme?.name ?? null, platform: room.platform, ...(command.locale ? { locale: command.locale } : {}) });
      // Said every time, so an admin subscribing in one language sees which one the channel will read.
      return `${t("admin.subscribed", { plan: plan!.title })} ${t(subscription.locale === "cy" ? "language.digest_in_cy" : "language.digest_in_en")}`;
    }
    case "unsubscribe": {
      if (!room) return t("admin.subscribe_in_channel");
      const removed = await db.digestSubscription.deleteMany({ where: { planId: plan!.id, platform: room.platform, address: room.address } });
      await record("digest-subscription", { plan: plan!.slug, removed: removed.count });
      return t(removed.count > 0 ? "admin.unsubscribed" : "admin.not_subscribed", { plan: plan!.title });
    }
    case "pause":
    case "resume": {
      const stored = JSON.parse((await db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value ?? "{}") as Record<string, unknown>;
      const value = JSON.stringify({ ...stored, paused: command.kind === "pause" });
      await db.appSetting.upsert({ where: { key: SCHEDULE_SETTING }, create: { key: SCHEDULE_SETTING, value }, update: { value } });
      await record("settings", { paused: command.kind === "pause" });
      return t(command.kind === "pause" ? "cli.paused" : "cli.resumed");
    }
    case "map": {
      try {
        const name = command.email.split("@")[0]!.replace(/[._-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
        const result = await mapRole(db, { role: command.role, personName: name, email: command.email, via, actorLabel: person.name, actorPersonId: person.id });
        return t(result.created ? "cli.map_role.done" : "cli.map_role.already", result);
      } catch (error) {
        if (error instanceof ChaserError) return t(error.code, error.params);
        throw error;
      }
    }
  }
}

async function findPlan(db: Db, name: string) {
  const bySlug = await db.plan.findUnique({ where: { slug: name.toLowerCase() } });
  if (bySlug) return bySlug;
  const plans = await db.plan.findMany({ select: { id: true, slug: true, title: true } });
  const wanted = name.toLowerCase();
  const matches = plans.filter((p) => p.title.toLowerCase() === wanted);
  return matches.length === 1 ? (await db.plan.findUnique({ where: { id: matches[0]!.id } })) : null;
}
