import type { TFunction } from "i18next";
import { londonDate } from "../domain/london-date.js";
import type { Via } from "../domain/vocabulary.js";
import { pickLocale, translator } from "../i18n.js";
import { decideClaim, findClaim, isPrivileged, namesakes, openClaims, reachableAdmins, type Person } from "../store/people.js";
import type { ClaimPayload } from "./card.js";
import type { ChatUser } from "./chat-user.js";
import { deliver } from "./deliver.js";
import type { ConversationDeps, Outcome } from "./handle-event.js";

/**
 * A request from a Teams tenant or Slack workspace Chaser does not serve: refused before anyone is
 * looked up or stored, logged, and the admins told once a day per tenant (so a stranger cannot
 * flood them). The person is told, in their language, that Chaser is not available to them.
 */
export async function refuseTenant(deps: ConversationDeps, user: ChatUser, reason: string, now: Date): Promise<Outcome> {
  const tenant = user.tenantId ?? "none";
  deps.log.warn({ platform: user.platform, tenantId: user.tenantId ?? null, userId: user.userId, name: user.name ?? null, reason }, "refused a request from a tenant or workspace that is not allowed");
  deps.later(async () => {
    for (const admin of await reachableAdmins(deps.store.db)) {
      const t = translator(pickLocale(admin.locale));
      await deliver(deps, {
        key: `tenant-refused:${user.platform}:${tenant.slice(0, 100)}:${londonDate(now)}:${admin.id}`,
        kind: "notice",
        to: { person: admin },
        card: () => ({ type: "notice", text: t("trust.tenant_refused_admin", { platform: t(`trust.platform.${user.platform}`), tenant, name: user.name ?? user.userId }) }),
      }, now);
    }
  });
  return { pressed: null, reply: { type: "notice", text: translator(pickLocale(user.locale))("trust.tenant_refused") } };
}

/**
 * Someone new whose display name is also the name of someone Chaser knows. The name binds nothing:
 * for each person an admin named without an email a claim is opened and the admins are asked (a
 * card with Confirm and Not them); for an admin of the same name, the admins are warned.
 */
export async function checkNamesakes(deps: ConversationDeps, person: Person, now: Date): Promise<void> {
  const { db } = deps.store;
  const { unclaimed, others } = await namesakes(db, person);
  const platform = person.preferredPlatform ?? person.origin;
  const claims = unclaimed.length > 0 ? await openClaims(db, person, unclaimed, now) : [];
  const privileged = [];
  for (const other of others) {
    if (await isPrivileged(db, other)) privileged.push(other);
  }
  if (claims.length === 0 && privileged.length === 0) return;
  const admins = await reachableAdmins(deps.store.db, person.id);
  let told = 0;
  for (const admin of admins) {
    const t = translator(pickLocale(admin.locale));
    for (const claimId of claims) {
      const result = await deliver(deps, {
        key: `claim:${claimId}:${admin.id}`,
        kind: "notice",
        to: { person: admin },
        card: () => ({
          type: "choose",
          text: t("trust.claim_ask", { name: person.name, platform: t(`trust.platform.${platform}`), who: describe(person), id: claimId }),
          options: [
            { label: t("trust.claim_confirm"), answer: { v: 1, c: claimId, y: true } },
            { label: t("trust.claim_reject"), answer: { v: 1, c: claimId, y: false } },
          ],
        }),
      }, now);
      if (result.status === "sent" || result.status === "retrying") told += 1;
    }
    if (privileged.length > 0) {
      const result = await deliver(deps, {
        key: `lookalike:${person.id}:${admin.id}`,
        kind: "notice",
        to: { person: admin },
        card: () => ({ type: "notice", text: t("trust.lookalike_admin", { name: person.name, platform: t(`trust.platform.${platform}`), who: describe(person) }) }),
      }, now);
      if (result.status === "sent" || result.status === "retrying") told += 1;
    }
  }
  deps.log.warn({ personId: person.id, name: person.name, claims, lookalikes: privileged.map((p) => p.id), adminsTold: told }, "a new chat user shares a name with someone Chaser knows; nothing was bound");
}

function describe(person: Person): string {
  const id = person.teamsUserId ? `Teams ${person.teamsUserId}${person.teamsTenantId ? ` (tenant ${person.teamsTenantId})` : ""}` : person.slackUserId ? `Slack ${person.slackUserId}${person.slackTeamId ? ` (${person.slackTeamId})` : ""}` : person.id;
  return person.email ? `${id}, ${person.email}` : id;
}

/** An admin's Confirm or Not them on a claim card. Returns what to tell them. */
export async function answerClaim(deps: ConversationDeps, person: Person, t: TFunction, via: Via, payload: ClaimPayload, now: Date): Promise<string> {
  const { db } = deps.store;
  const claim = await findClaim(db, payload.c);
  if (!claim) return t("trust.claim_unknown");
  // Only Chaser's admins decide who someone is, and never about themselves.
  if (!person.isAdmin || claim.claimant?.id === person.id) return t("admin.not_admin");
  const decision = await decideClaim(db, claim.id, payload.y, { personId: person.id, label: person.name, via }, now);
  switch (decision.outcome) {
    case "not_found":
      return t("trust.claim_unknown");
    case "already":
      return t("trust.claim_already", { status: t(`trust.claim_status.${decision.status}`) });
    case "stale":
      return t("trust.claim_stale", { name: claim.person?.name ?? "" });
    case "rejected":
      return t("trust.claim_rejected", { name: claim.claimant?.name ?? "", person: claim.person?.name ?? "" });
    case "confirmed": {
      const confirmed = decision.person;
      deps.later(async () => {
        const tc = translator(pickLocale(confirmed.locale));
        await deliver(deps, { key: `claim-confirmed:${claim.id}`, kind: "notice", to: { person: confirmed }, card: () => ({ type: "notice", text: tc("trust.claim_welcome", { name: confirmed.name }) }) }, now);
      });
      return t("trust.claim_confirmed", { name: confirmed.name });
    }
  }
}
