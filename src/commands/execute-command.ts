import type { TFunction } from "i18next";
import { londonDate, ukDate } from "../domain/london-date.js";
import type { Via } from "../domain/vocabulary.js";
import { pickLocale, translator, type Locale } from "../i18n.js";
import type { Card } from "../conversation/card.js";
import type { ChatAddress } from "../conversation/chat-user.js";
import { dispatchPending, type Deliverer } from "../conversation/deliver.js";
import { buildDigestCard } from "../digest/build-digest-card.js";
import { exportPlan } from "../export/export-plan.js";
import { offerExport } from "../conversation/offer-export.js";
import { readDigestView } from "../digest/read-digest-view.js";
import { renderDigestText } from "../digest/render-digest-text.js";
import { DIGEST_CARD_TOP, runDigests } from "../schedule/run-digests.js";
import { planSettings } from "../schedule/plan-settings.js";
import { ScheduleSettings } from "../schedule/schedule-settings.js";
import { loadScheduleSettings } from "../schedule/scheduler.js";
import { CHECK_SETTING_KEYS } from "../store/checked-changes.js";
import type { Actor } from "../store/history.js";
import { listPlans } from "../store/list-plans.js";
import { mapRole } from "../store/map-role.js";
import { ChaserError } from "../domain/chaser-error.js";
import { assignAction, findOrNameAtTerminal, findPerson, handOver, mapRoleToPerson, setCover, unmappedRoles, rolePlans, type PersonLookup } from "../store/owners.js";
import type { Person } from "../store/people.js";
import { covers, grant, rightsOf, whoCan } from "../store/permissions.js";
import { markMilestone } from "../store/mark-milestone.js";
import { choosePersonLocale } from "../store/person-locale.js";
import { findPlan, setArchived, type PlanRef } from "../store/plans.js";
import { changeSettings, readStoredSettings } from "../store/settings.js";
import { notAnswered, overdueActions, undelivered } from "../store/status.js";
import { findTheme, listSubscriptions, subscribe, unsubscribe } from "../store/subscriptions.js";
import { TOPIC_OF, TOPICS, type Command, type PersonRef, type Topic } from "./command.js";

/** Who gave a command and where. `person` null: the terminal, run by whoever operates the server. */
export interface CommandContext {
  person: Person | null;
  label: string;
  via: Via;
  locale: Locale;
  /** The channel or group chat it was typed in; a 1:1 chat and the terminal have none. */
  room?: ChatAddress | null;
  now: Date;
}

export type CommandResult =
  | { outcome: "done"; text: string; card?: Card; data?: unknown }
  | { outcome: "refused"; text: string; code: string }
  | { outcome: "bad_input"; text: string; code: string };

/** Thrown inside a command to stop with a clear answer; nothing has been written when it is. */
class Stop extends Error {
  constructor(readonly result: CommandResult) {
    super(result.outcome);
  }
}

type Need = "anyone" | "admin" | "plan_admin" | "viewer";

/**
 * Carries out one command, whichever parser built it: checks who may, then makes the change and
 * its history row in one transaction (in src/store/). Refusals and bad input change nothing and
 * say, in the person's language, who may or how to write it.
 */
export async function executeCommand(deps: Deliverer, command: Command, ctx: CommandContext): Promise<CommandResult> {
  const t = translator(ctx.locale);
  try {
    return await run(deps, command, ctx, t);
  } catch (error) {
    if (error instanceof Stop) return error.result;
    throw error;
  }
}

export function usageOf(t: TFunction, topic: Topic): string {
  return t("commands.usage_line", { usage: t(`commands.topic.${topic}.usage`), example: t(`commands.topic.${topic}.example`) });
}

/** A bad-input answer: what was wrong, then the right usage and an example. */
export function badInput(t: TFunction, code: string, topic: Topic | null, params: Record<string, string | number> = {}): CommandResult {
  const said = t(code, params);
  return { outcome: "bad_input", code, text: topic ? `${said}\n${usageOf(t, topic)}` : `${said}\n${t("commands.see_help")}` };
}

async function run(deps: Deliverer, command: Command, ctx: CommandContext, t: TFunction): Promise<CommandResult> {
  const { db } = deps.store;
  const topic = TOPIC_OF[command.kind];
  const actor: Actor = { personId: ctx.person?.id ?? null, label: ctx.label, via: ctx.via, room: ctx.room?.address ?? null, now: ctx.now };
  const today = londonDate(ctx.now);
  const done = (text: string, extra: { card?: Card; data?: unknown } = {}): CommandResult => ({ outcome: "done", text, ...extra });

  const plan = async (name: string): Promise<PlanRef> => {
    const found = await findPlan(db, name);
    if ("plan" in found) return found.plan;
    if (found.problem === "ambiguous") throw new Stop(badInput(t, "commands.ambiguous_plan", topic, { plan: name, matches: found.matches.join(", ") }));
    const known = (await listPlans(db, ctx.now)).map((p) => p.slug).join(", ") || t("card.none");
    throw new Stop(badInput(t, "commands.unknown_plan", topic, { plan: name, plans: known }));
  };
  const maybePlan = async (name: string | null) => (name ? plan(name) : null);
  const person = async (ref: PersonRef, create = false) => {
    const found: PersonLookup = await findPerson(db, ref, { create });
    if ("person" in found) return found.person;
    const shown = ref.by === "email" ? ref.email : ref.by === "name" ? ref.name : (ref.name ?? ref.userId);
    if (found.problem === "ambiguous") throw new Stop(badInput(t, "commands.ambiguous_person", topic, { person: shown, matches: found.matches.join("; ") }));
    throw new Stop(badInput(t, "commands.unknown_person", topic, { person: shown }));
  };
  const allow = async (need: Need, p: PlanRef | null, extra = false) => {
    if (need === "anyone" || extra || !ctx.person) return;
    const rights = await rightsOf(db, ctx.person.id, p?.id ?? null);
    if (rights.admin) return;
    if (p && need === "plan_admin" && rights.planAdmin) return;
    if (p && need === "viewer" && (rights.planAdmin || rights.viewer)) return;
    const names = (await whoCan(db, p?.id ?? null)).slice(0, 5).join(", ") || t("card.none");
    const code = p ? (need === "viewer" ? "commands.refused.viewer" : "commands.refused.plan_admin") : "commands.refused.admin";
    throw new Stop({ outcome: "refused", code, text: t(code, { plan: p?.title ?? "", who: names }) });
  };

  switch (command.kind) {
    case "help": {
      if (command.topic) {
        const wanted = TOPICS.find((x) => x === command.topic);
        if (!wanted) return badInput(t, "commands.unknown_topic", null, { topic: command.topic });
        return done(`${t(`commands.topic.${wanted}.summary`)}\n${usageOf(t, wanted)}`);
      }
      return done([t("commands.help_intro"), ...TOPICS.map((x) => t("commands.help_row", { usage: t(`commands.topic.${x}.usage`), summary: t(`commands.topic.${x}.summary`) })), t("commands.help_more")].join("\n"));
    }
    case "plans.list": {
      const plans = (await listPlans(db, ctx.now)).filter((p) => command.archived || !p.archived);
      if (plans.length === 0) return done(t("cli.plans.none"), { data: [] });
      return done(plans.map((p) => t("cli.plans.row", { ...p }) + (p.archived ? ` ${t("commands.archived_mark")}` : "")).join("\n"), { data: plans });
    }
    case "plans.pause":
    case "plans.resume": {
      const p = await maybePlan(command.plan);
      await allow(p ? "plan_admin" : "admin", p);
      const paused = command.kind === "plans.pause";
      await changeSettings(db, p?.id ?? null, (s) => ({ ...s, paused }), actor);
      const key = paused ? (p ? "commands.paused_plan" : "commands.paused") : p ? "commands.resumed_plan" : "commands.resumed";
      return done(t(key, { plan: p?.title ?? "" }));
    }
    case "plans.archive": {
      const p = await plan(command.plan);
      await allow("plan_admin", p);
      const { changed } = await setArchived(db, p.id, !command.undo, actor);
      return done(t(command.undo ? (changed ? "commands.unarchived" : "commands.not_archived") : changed ? "commands.archived" : "commands.already_archived", { plan: p.title }));
    }
    case "plans.export": {
      const p = await plan(command.plan);
      await allow("viewer", p);
      // A bot in Teams may not attach a file, only offer one (a file consent card) in a 1:1 chat.
      if (ctx.via === "chat:teams" && ctx.person) {
        const offered = await offerExport(deps, { person: ctx.person, platform: "teams", plan: p, format: command.format, room: ctx.room ?? null, t, now: ctx.now });
        return done(offered.text, offered.card ? { card: offered.card } : {});
      }
      const file = await exportPlan(deps.store, { slug: p.slug, format: command.format, t, now: ctx.now });
      const text = t("chat_export.sent", { plan: p.title, what: t(`chat_export.what.${command.format}`), file: file.fileName });
      return done(text, { card: { type: "file", text, file: { name: file.fileName, mediaType: file.mediaType, base64: file.bytes.toString("base64") } }, data: { fileName: file.fileName, bytes: file.bytes.length } });
    }
    case "owners.map": {
      if (ctx.person) {
        const rights = await rightsOf(db, ctx.person.id, null);
        // A plan's admins may map the roles that own that plan's actions.
        const mine = rights.admin ? true : await Promise.all((await rolePlans(db, command.role)).map(async (id) => (await rightsOf(db, ctx.person!.id, id)).planAdmin)).then((r) => r.some(Boolean));
        await allow("admin", null, mine);
      }
      if (!ctx.person && command.person.by === "name") {
        // The terminal may name someone new (from a plan's owner list); chat may not, so no chat user is taken for them.
        try {
          const named = await mapRole(db, { role: command.role, personName: command.person.name, email: command.person.email ?? null, via: ctx.via, actorLabel: ctx.label });
          const text = t(named.created ? "commands.mapped" : "commands.already_mapped", named);
          return done(named.claims > 0 ? `${text}\n${t("trust.cli_claims_opened", { count: named.claims, person: named.person })}` : text, { data: named });
        } catch (error) {
          if (error instanceof ChaserError && error.code === "roles.unknown_role") return badInput(t, "commands.unknown_role", topic, { role: command.role });
          throw error;
        }
      }
      const who = await person(command.person, command.person.by !== "name");
      const result = await mapRoleToPerson(db, command.role, who.id, actor);
      if (result.outcome === "unknown_role") return badInput(t, "commands.unknown_role", topic, { role: command.role });
      return done(t(result.created ? "commands.mapped" : "commands.already_mapped", { role: result.role, person: result.person }));
    }
    case "owners.unmapped": {
      const p = await maybePlan(command.plan);
      await allow(p ? "plan_admin" : "admin", p);
      const roles = await unmappedRoles(db, p?.id ?? null);
      if (roles.length === 0) return done(t("commands.unmapped.none"), { data: [] });
      return done([t("commands.unmapped.intro", { count: roles.length }), ...roles.map((r) => t("commands.unmapped.row", { role: r.role, count: r.openActions, plans: r.plans.join(", ") }))].join("\n"), { data: roles });
    }
    case "owners.assign": {
      const p = await plan(command.plan);
      await allow("plan_admin", p);
      const result = await assignAction(db, p.id, command.action, command.role, actor);
      switch (result.outcome) {
        case "unknown_action":
          return badInput(t, "commands.unknown_action", topic, { ref: command.action, plan: p.title });
        case "ambiguous_action":
          return badInput(t, "commands.ambiguous_action", topic, { ref: command.action, matches: result.matches.join("; ") });
        case "unknown_role":
          return badInput(t, "commands.unknown_role", topic, { role: command.role });
        case "assigned":
          return done(t("commands.assigned", { ref: result.ref, role: result.role, before: result.before.join(", ") || t("card.none") }));
      }
      break;
    }
    case "actions.milestone": {
      try {
        const marked = await markMilestone(db, {
          plan: command.plan,
          ref: command.ref,
          on: command.on,
          via: ctx.via,
          actorLabel: ctx.label,
          actorPersonId: ctx.person?.id ?? null,
          // The plan is known once the action is found: Chaser's admins and that plan's may mark.
          mayMark: async (planId) => {
            if (!ctx.person) return true;
            const rights = await rightsOf(db, ctx.person.id, planId);
            return rights.admin || rights.planAdmin;
          },
        });
        const key = marked.on ? (marked.changed ? "milestone.marked" : "milestone.already") : marked.changed ? "milestone.unmarked" : "milestone.already_not";
        return done(t(key, { ref: marked.ref, title: marked.title, plan: marked.planTitle }));
      } catch (error) {
        if (!(error instanceof ChaserError)) throw error;
        // Each of these says how to put it right: no usage beneath.
        return { outcome: error.code === "milestone.not_admin" ? "refused" : "bad_input", code: error.code, text: t(error.code, error.params) };
      }
    }
    case "owners.cover": {
      const principal = await person(command.person);
      const delegate = await person(command.cover, command.cover.by === "platform");
      if (principal.id === delegate.id) return badInput(t, "commands.cover_self", topic);
      if (command.until && command.until < today) return badInput(t, "commands.date_past", topic, { date: ukDate(command.until) });
      // Owners set their own cover; someone covering may end it.
      const own = ctx.person !== null && (ctx.person.id === principal.id || (command.remove && ctx.person.id === delegate.id && (await covers(db, delegate.id, principal.id, today))));
      await allow("admin", null, own);
      const { changed } = await setCover(db, principal.id, delegate.id, command.until, command.remove, actor);
      if (command.remove) return done(t(changed ? "commands.cover_removed" : "commands.cover_none", { person: principal.name, cover: delegate.name }));
      return done(t(command.until ? "commands.cover_until" : "commands.cover_set", { person: principal.name, cover: delegate.name, until: command.until ? ukDate(command.until) : "" }));
    }
    case "owners.handover": {
      await allow("admin", null);
      const from = await person(command.from);
      const to = await person(command.to, command.to.by === "platform");
      if (from.id === to.id) return badInput(t, "commands.cover_self", topic);
      const { roles } = await handOver(db, from.id, to.id, actor);
      return done(t(roles.length > 0 ? "commands.handed_over" : "commands.nothing_to_hand_over", { from: from.name, to: to.name, roles: roles.join(", "), count: roles.length }));
    }
    case "people.language": {
      // Someone's own choice (the platform's locale no longer overrides it), or an admin's for them.
      if (!command.person) {
        if (!ctx.person) return badInput(t, "commands.missing", topic);
        if (!command.locale) return done(t("language.current"));
        const chosen = await choosePersonLocale(db, ctx.person, command.locale, actor);
        return done(translator(pickLocale(chosen.locale))("language.chosen"));
      }
      const who = await person(command.person, command.person.by === "platform");
      await allow("admin", null, ctx.person?.id === who.id);
      if (!command.locale) return badInput(t, "commands.missing", topic);
      await choosePersonLocale(db, who, command.locale, actor);
      return done(t(`commands.language_set.${command.locale}`, { person: who.name }));
    }
    case "admins.grant": {
      const p = await maybePlan(command.plan);
      await allow(p ? "plan_admin" : "admin", p);
      if (command.viewer && !p) return badInput(t, "commands.viewer_needs_plan", topic);
      let claims = 0;
      let who: Person;
      if (!ctx.person && command.person.by === "name") ({ person: who, claims } = await findOrNameAtTerminal(db, command.person.name, command.person.email ?? null, actor));
      else who = await person(command.person, command.person.by !== "name");
      const { changed } = await grant(db, who.id, p?.id ?? null, command.viewer ? "viewer" : "admin", actor);
      const key = command.viewer ? "commands.granted_viewer" : p ? "commands.granted_plan_admin" : "commands.granted_admin";
      const text = t(changed ? key : "commands.already_granted", { person: who.name, plan: p?.title ?? "" });
      return done(claims > 0 ? `${text}\n${t("trust.cli_claims_opened", { count: claims, person: who.name })}` : text);
    }
    case "digests.subscribe":
    case "digests.unsubscribe": {
      const p = await plan(command.plan);
      await allow("plan_admin", p);
      const channel = command.channel ?? ctx.room ?? null;
      if (!channel) return badInput(t, "commands.subscribe_in_channel", topic);
      if (command.kind === "digests.unsubscribe") {
        const removed = await unsubscribe(db, p.id, channel.platform, channel.address, actor);
        return done(t(removed ? "commands.unsubscribed" : "commands.not_subscribed", { plan: p.title }));
      }
      const named = command.channel?.locale ?? command.locale ?? null;
      const locale: string = named ?? ctx.person?.locale ?? ctx.locale;
      const name: string | undefined = command.channel?.name;
      const result = await subscribe(db, { planId: p.id, theme: command.theme, platform: channel.platform, address: channel.address, locale, localeNamed: Boolean(named), ...(name !== undefined ? { name } : {}) }, actor);
      if (result.outcome === "unknown_theme") return badInput(t, "commands.unknown_theme", topic, { plan: p.title, theme: command.theme ?? "", themes: result.themes.join(", ") || t("card.none") });
      const settings = planSettings(await loadScheduleSettings(db), p.settings);
      const when = t("commands.digest_when", { day: t(`commands.weekday.${settings.digestDay}`), time: settings.digestTime });
      // Said whatever the admin's own language: the channel's readers get the digest in this one.
      const language = t(pickLocale(result.locale) === "cy" ? "language.digest_in_cy" : "language.digest_in_en");
      return done(`${t(result.theme ? "commands.subscribed_theme" : "commands.subscribed", { plan: p.title, theme: result.theme ?? "", when })} ${language}`);
    }
    case "digests.send": {
      const p = await plan(command.plan);
      await allow("plan_admin", p);
      if ((await listSubscriptions(db, { planId: p.id })).length === 0) return badInput(t, "commands.no_subscribers", topic, { plan: p.title });
      const result = await runDigests(deps, { key: `digest:now:${p.id}:${ctx.now.getTime()}` }, ctx.now, await loadScheduleSettings(db), { planId: p.id });
      // Sent at once where this process can send; otherwise the running server's outbox sends them.
      if (Object.keys(deps.channels).length > 0) await dispatchPending(deps, ctx.now);
      return done(t("commands.digest_sent", { plan: p.title, count: result.digests }));
    }
    case "digests.preview": {
      const p = await plan(command.plan);
      await allow("viewer", p);
      let themeId: string | null = null;
      if (command.theme) {
        const found = await findTheme(db, p.id, command.theme);
        if (!found.theme) return badInput(t, "commands.unknown_theme", topic, { plan: p.title, theme: command.theme, themes: found.themes.join(", ") || t("card.none") });
        themeId = found.theme.id;
      }
      const settings = planSettings(await loadScheduleSettings(db), p.settings);
      const view = await readDigestView(deps.store, { plan: p, themeId, now: ctx.now, since: new Date(ctx.now.getTime() - 7 * 86_400_000), settings });
      const card = buildDigestCard(view, { t, top: DIGEST_CARD_TOP });
      return done(renderDigestText(card), { card, data: view });
    }
    case "schedule.show":
    case "schedule.set": {
      const p = await maybePlan(command.plan);
      if (command.kind === "schedule.show") await allow(p ? "viewer" : "admin", p);
      else await allow(p ? "plan_admin" : "admin", p);
      const defaults = await loadScheduleSettings(db);
      if (command.kind === "schedule.set") {
        // Checked changes are a plan's choice (its admins decide them); set for every plan at once
        // they would be shown as inherited and applied nowhere.
        const planOnly = p ? [] : Object.keys(command.changes).filter((k) => (CHECK_SETTING_KEYS as readonly string[]).includes(k));
        if (planOnly.length > 0) return badInput(t, "commands.settings_plan_only", topic, { keys: planOnly.join(", "), example: planOnly.map((k) => `${k}=${String((command.changes as Record<string, unknown>)[k])}`).join(" ") });
        const stored = await readStoredSettings(db, p?.id ?? null);
        const checked = ScheduleSettings.safeParse({ ...(p ? defaults : {}), ...stored, ...command.changes });
        if (!checked.success) return badInput(t, "commands.settings_invalid", topic, { problems: checked.error.issues.map((i) => `${i.path.join(".") || "?"}: ${i.message}`).join("; ") });
        await changeSettings(db, p?.id ?? null, (s) => ({ ...s, ...command.changes }), actor);
      }
      const effective = p ? planSettings(await loadScheduleSettings(db), (await plan(p.slug)).settings) : await loadScheduleSettings(db);
      const lines = Object.entries(effective).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
      const head = t(command.kind === "schedule.set" ? "commands.schedule_saved" : "commands.schedule_of", { plan: p?.title ?? t("commands.deployment") });
      return done([head, ...lines].join("\n"), { data: effective });
    }
    case "status.overdue": {
      const p = await maybePlan(command.plan);
      await allow(p ? "viewer" : "admin", p);
      const { rows, total } = await overdueActions(db, today, p?.id ?? null);
      if (total === 0) return done(t("commands.status.overdue_none"), { data: [] });
      const lines = rows.map((r) => t("commands.status.overdue_row", { plan: r.plan, ref: r.ref, title: clip(r.title, 70), date: ukDate(r.targetTo), owners: r.owners.join(", ") || t("card.none") }));
      return done([t("commands.status.overdue_intro", { count: total }), ...lines, ...(total > rows.length ? [t("commands.status.more", { count: total - rows.length })] : [])].join("\n"), { data: rows });
    }
    case "status.unanswered": {
      const p = await maybePlan(command.plan);
      await allow(p ? "viewer" : "admin", p);
      const rows = await notAnswered(db, new Date(ctx.now.getTime() - 14 * 86_400_000), p?.id ?? null);
      if (rows.length === 0) return done(t("commands.status.unanswered_none"), { data: [] });
      return done([t("commands.status.unanswered_intro", { count: rows.length }), ...rows.map((r) => t("commands.status.unanswered_row", { person: r.person, count: r.actions, since: ukDate(londonDate(r.since)) }))].join("\n"), { data: rows });
    }
    case "status.failed": {
      await allow("admin", null);
      const found = await undelivered(db, { pending: command.pending });
      const lines = found.messages.map((m) => t("commands.status.failed_row", { key: m.key, kind: m.kind, platform: m.platform, status: m.status, attempts: m.attempts, createdAt: m.createdAt.toISOString(), lastError: m.lastError ?? "" }));
      const people = found.unreachable.length > 0 ? [t("commands.status.unreachable", { people: found.unreachable.join(", ") })] : [];
      if (lines.length === 0 && people.length === 0) return done(t("commands.status.failed_none"), { data: found });
      return done([...lines, ...people].join("\n"), { data: found });
    }
  }
  return badInput(t, "commands.unknown", null);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
