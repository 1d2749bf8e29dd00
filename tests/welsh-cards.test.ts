import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundPage } from "../src/adapters/web/playground-page.js";
import { formForAnswer } from "../src/adapters/slack/form-for-answer.js";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { renderBlockKit, renderDigestModal, renderSlackModal } from "../src/cards/render-block-kit.js";
import type { AnswerPayload, Card, ChooseCard, PromptCard } from "../src/conversation/card.js";
import type { ChatChannel } from "../src/conversation/chat-channel.js";
import { replySent } from "../src/conversation/deliver.js";
import { handleEvent, notSaved, type ConversationDeps, type InboundEvent } from "../src/conversation/handle-event.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { Tenancy } from "../src/conversation/tenancy.js";
import { digestChartAlt, digestChartSvg } from "../src/digest/render-digest-chart.js";
import { translator, type Locale } from "../src/i18n.js";
import { parsePlanFile } from "../src/import/parse-plan.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { englishIn } from "./helpers/english-words.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

/**
 * Every kind of card Chaser sends a person or a channel, drawn in Welsh through every renderer
 * (the view model the playground shows, the Adaptive Card for Teams, Block Kit and its modals for
 * Slack, the digest's chart): none may hold a word of English. The plan is written in Welsh, as a
 * Welsh council's would be, so that any English found is Chaser's own; the few words the file's
 * headings bring, quoted in the import preview, are data, taken out before looking. The same run in English proves
 * each card was really read.
 */

const PLAN = [
  "Ref\tRecommendation\tAction Ref\tAction\tResponsible Officer\tAccountable\tTarget Date\tStatus\tProgress",
  "R1\tGwella trefniadau caffael\t1.1\tAdolygu'r strategaeth gaffael\tSwyddog Monitro\tPrif Weithredwr\t30/11/2020\t\tCyfarfod â'r cyflenwyr",
  "R1\tGwella trefniadau caffael\t1.2\tHyfforddi staff y gwasanaethau\tSwyddog Monitro\tPrif Weithredwr\t31/12/2020\t\t",
  "R2\tCryfhau llywodraethu\t2.1\tCyhoeddi'r gofrestr risg\tSwyddog Monitro\tPrif Weithredwr\t31/03/2021\tWedi'i oedi\tAros am y Cabinet",
  "R2\tCryfhau llywodraethu\t2.2\tPenodi cadeirydd annibynnol\tSwyddog Monitro\tPrif Weithredwr\t31/10/2020\tWedi'i gwblhau\tWedi'i benodi",
  "R2\tCryfhau llywodraethu\t2.3\tSefydlu fforwm y tenantiaid\tSwyddog Monitro\tPrif Weithredwr\t30/06/2021\t\t",
  "R3\tArbed arian\t3.1\tCau'r swyddfa yn y dref\tSwyddog Monitro\tCyfarwyddwr Cyllid\t01/12/2020\t\t",
].join("\n");

/**
 * What the plan file says that is not Welsh: its headings, which Chaser's column vocabulary knows
 * in English, quoted in the import preview as the file has them, and its file names.
 */
const DATA = [
  ...["Ref", "Recommendation", "Action Ref", "Action", "Responsible Officer", "Accountable", "Target Date", "Status", "Progress"].map((h) => `"${h}"`),
  "cynllun.tsv", "cynllun-arall.tsv",
  // An export's file name is the plan's slug, what it holds and the day, as Chaser names every export.
  "cynllun-actions-2020-12-21.xlsx", "cynllun-actions-2020-12-21.docx",
];

const IMPORTED = new Date("2020-11-02T09:00:00Z");
/** Monday 14 December 2020, then Monday 21 December 2020: digests at 08:30, prompts at 09:30 (GMT). */
const FIRST_DIGEST = new Date("2020-12-14T08:30:00Z");
const MONDAY = new Date("2020-12-21T08:30:00Z");
const PROMPT_TIME = new Date("2020-12-21T09:30:00Z");
const NOW = new Date("2020-12-21T10:00:00Z");

interface Drawn {
  /** What the card is, for the report: "prompt", "welcome", "escalation"… */
  label: string;
  card: Card;
}

/** The words people read in a rendered card, not the ids, payloads and layout words around them. */
const TECHNICAL = new Set([
  "type", "style", "spacing", "size", "weight", "color", "horizontalAlignment", "verticalAlignment", "verticalContentAlignment", "width",
  "height", "id", "verb", "version", "$schema", "$when", "$data", "associatedInputs", "mode", "fallback", "action_id", "block_id",
  "callback_id", "private_metadata", "data", "url", "image_url", "msteams", "min", "max", "initial", "messageId", "actionId",
  "answer", "rag", "kind", "inputId", "imageSize", "fontType", "slack_file", "colorSet",
  // A file offer's context (ids, sent back when it is answered) and a file's platform handles.
  "offer", "uniqueId", "fileType", "contentUrl",
]);

function readable(node: unknown, key = ""): string[] {
  if (TECHNICAL.has(key)) return [];
  // A fact's value is words; a button's or a choice's value is its payload or an id ("delayed").
  if (key === "value" && typeof node === "string" && (/^[[{]/.test(node) || /^[a-z_]+$/.test(node))) return [];
  if (typeof node === "string") return [node];
  if (Array.isArray(node)) return node.flatMap((n) => readable(n));
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => readable(v, k));
  return [];
}

/** Each renderer's output for a card, as the words it shows. */
function renderings(card: Card, locale: Locale): { renderer: string; text: string }[] {
  const t = translator(locale);
  const out = [
    { renderer: "view model (playground)", text: readable(card).join("\n") },
    { renderer: "Adaptive Card", text: readable(renderAdaptiveCard(card)).join("\n") },
    { renderer: "Block Kit", text: readable(renderBlockKit(card)).join("\n") },
  ];
  if (card.type === "prompt") {
    for (const button of card.items.flatMap((i) => i.buttons).filter((b) => b.form)) {
      const { form, cancelLabel } = formForAnswer(button.answer, locale, "2020-12-21");
      out.push({ renderer: "Slack modal", text: readable(renderSlackModal(form!, button.answer, cancelLabel)).join("\n") });
    }
  }
  if (card.type === "digest") {
    out.push({ renderer: "Slack digest modal", text: readable(renderDigestModal(card, t("digest.show_all_title"), t("digest.close"))).join("\n") });
    out.push({ renderer: "digest chart", text: `${(digestChartSvg(card) ?? "").replace(/<[^>]+>/g, " ")}\n${digestChartAlt(card)}` });
  }
  return out;
}

/** The people, channels and plan of one council, every one of them reading `locale`. */
async function councilDay(locale: Locale): Promise<{ drawn: Drawn[]; store: TestStore; deps: ConversationDeps }> {
  const store = await freshStore("sqlite");
  const web = new WebChannel(() => NOW);
  const pending: Promise<unknown>[] = [];
  // What Teams is sent: the cards themselves (how Teams shows them is the Teams adapter's, tested there).
  const teamsCards: Card[] = [];
  const teams: ChatChannel = {
    platform: "teams",
    send: async (_address, card) => ({ messageRef: String(teamsCards.push(card)) }),
    update: async (_address, _ref, card) => void teamsCards.push(card),
  };
  const deps: ConversationDeps = {
    store,
    log: pino({ level: "silent" }),
    channels: { web, teams },
    later: (task) => void pending.push(task()),
    tenancy: new Tenancy({ teamsTenants: ["tenant-ours"], anyTeamsTenant: false, slackTeams: [] }),
  };
  const settle = async () => {
    while (pending.length > 0) await Promise.all(pending.splice(0));
  };
  const drawn: Drawn[] = [];
  const other: Locale = locale === "cy" ? "en-GB" : "cy";
  const web1 = (name: string, withLocale: Locale | null = locale) => ({ platform: "web" as const, userId: name, ...(withLocale ? { locale: withLocale } : {}) });
  let n = 0;
  const event = async (label: string, e: InboundEvent, at = NOW) => {
    const outcome = await handleEvent(deps, e, at);
    await settle();
    if (outcome.pressed) drawn.push({ label: `${label} (card as pressed)`, card: outcome.pressed });
    if (outcome.reply) drawn.push({ label, card: outcome.reply });
    return outcome;
  };
  const say = (label: string, name: string, text: string, room?: string) =>
    event(label, { type: "text", user: web1(name), address: { platform: "web", address: name }, ...(room ? { room: { platform: "web", address: room } } : {}), deliveryId: `d${n++}`, text });
  const press = (label: string, name: string, answer: AnswerPayload, inputs: Record<string, string> = {}) =>
    event(label, { type: "answer", user: web1(name), address: { platform: "web", address: name }, deliveryId: `p${n++}`, payload: answer, inputs, inline: false });

  await importPlan(store, await parsePlanFile(Buffer.from(PLAN), "cynllun.tsv"), { sourceDocument: "cynllun.tsv", via: "cli", actorLabel: "prawf", now: IMPORTED });
  const plan = await store.db.plan.findFirstOrThrow();

  // Elin, Chaser's admin; Dafydd, accountable; Siân, the officer, first meets Chaser in the other
  // language and chooses hers by command.
  await event("welcome", { type: "contact", user: web1("Elin Gweinyddwr"), address: { platform: "web", address: "Elin Gweinyddwr" } }, IMPORTED);
  await store.db.person.update({ where: { webUserId: "Elin Gweinyddwr" }, data: { isAdmin: true } });
  await event("welcome", { type: "contact", user: web1("Dafydd Prif"), address: { platform: "web", address: "Dafydd Prif" } }, IMPORTED);
  await handleEvent(deps, { type: "contact", user: web1("Siân Swyddog", null), address: { platform: "web", address: "Siân Swyddog" } }, IMPORTED);
  await store.db.person.update({ where: { webUserId: "Siân Swyddog" }, data: { locale: other } });
  await mapRole(store.db, { role: "Swyddog Monitro", personName: "Siân Swyddog", via: "cli", actorLabel: "prawf", playground: true });
  await mapRole(store.db, { role: "Prif Weithredwr", personName: "Dafydd Prif", via: "cli", actorLabel: "prawf", playground: true });
  const siân = (text: string, label: string) => say(label, "Siân Swyddog", text);
  const officer = { platform: "web" as const, userId: "Siân Swyddog" };
  await event("language chosen", { type: "text", user: officer, address: { platform: "web", address: "Siân Swyddog" }, deliveryId: "lang", text: locale === "cy" ? "iaith Cymraeg" : "language English" });
  await siân(locale === "cy" ? "iaith" : "language", "language asked");
  await siân(locale === "cy" ? "cymorth" : "help", "help");
  await event("help (Slack's /chaser help)", { type: "help", user: officer });

  // Leadership subscribes a channel to the digest, in the channel's language.
  const tag = locale === "cy" ? "cy" : "English";
  await say("admin: subscribe", "Elin Gweinyddwr", `tanysgrifio ${plan.slug} ${tag}`, "Arweinyddiaeth");
  await say("admin: subscribe outside a channel", "Elin Gweinyddwr", `tanysgrifio ${plan.slug}`);
  await say("admin: unknown plan", "Elin Gweinyddwr", "tanysgrifio dim-cynllun");
  await say("admin: not an admin", "Siân Swyddog", "oedi");
  await say("admin: map", "Elin Gweinyddwr", "cysylltu Cyfarwyddwr Cyllid â gareth@cyngor.cymru");
  await say("admin: map unknown role", "Elin Gweinyddwr", "cysylltu Rôl Ffug â neb@cyngor.cymru");
  await say("admin: pause", "Elin Gweinyddwr", "oedi");
  await say("admin: resume", "Elin Gweinyddwr", "ailddechrau");
  await say("admin: unsubscribe", "Elin Gweinyddwr", `dad-danysgrifio ${plan.slug}`, "Ystafell Arall");

  // Two Mondays of the schedule: a digest each week (the second with its trend), prompts, escalations.
  await store.db.roleAssignment.deleteMany({ where: { role: { name: "Cyfarwyddwr Cyllid" } } });
  await tick(deps, FIRST_DIGEST);
  await tick(deps, MONDAY);
  await tick(deps, PROMPT_TIME);
  await settle();
  for (const [who, label] of [["Arweinyddiaeth", "digest"], ["Siân Swyddog", "prompt (schedule)"], ["Dafydd Prif", "escalation (accountable)"], ["Elin Gweinyddwr", "escalation (admin)"]] as const) {
    for (const m of web.messages(who)) if (m.card) drawn.push({ label, card: m.card });
  }

  // The officer's day: buttons, the More… form, words, mistakes.
  const sent = await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { webUserId: "Siân Swyddog" } })).id, NOW, { key: "prompt:again" });
  expect(sent.status).toBe("sent");
  const prompt = web.messages("Siân Swyddog").filter((m) => m.card?.type === "prompt").at(-1)!.card as PromptCard;
  drawn.push({ label: "prompt", card: prompt });
  const buttonOf = (ref: string, kind: string) => prompt.items.find((i) => i.heading.startsWith(`${ref} ·`))!.buttons.find((b) => b.answer.k === kind)!.answer;
  await press("answer: on track", "Siân Swyddog", buttonOf("1.2", "on_track"));
  await press("answer: pressed twice", "Siân Swyddog", buttonOf("1.2", "on_track"));
  await press("error: not a date", "Siân Swyddog", buttonOf("2.3", "note"), { kind: "delayed", date: "rywbryd", text: "Aros am arian" });
  await press("error: date in the past", "Siân Swyddog", buttonOf("2.3", "note"), { kind: "delayed", date: "2020-01-01", text: "Aros am arian" });
  await press("error: delay without date", "Siân Swyddog", buttonOf("2.3", "note"), { kind: "delayed", text: "Aros am arian" });
  await press("answer: delayed", "Siân Swyddog", buttonOf("2.3", "note"), { kind: "delayed", date: "2021-09-30", text: "Aros am arian" });
  await press("answer: snooze", "Siân Swyddog", buttonOf("3.1", "note"), { kind: "snooze", date: "2021-01-15" });
  await press("error: bad button", "Siân Swyddog", { v: 1, m: null, a: "", k: "note" } as unknown as AnswerPayload);
  await press("answer: not found", "Siân Swyddog", { v: 1, m: null, a: "dim-o-gwbl", k: "on_track" });
  await siân("fy nghamau", "list");
  await siân("1.1 wedi'i gwblhau", "answer in words: complete");
  await siân("2.2 wedi'i gwblhau", "already complete");
  await siân("9.9 wedi'i gwblhau", "unknown ref");
  await siân("wedi'i gwblhau", "which action (choose)");
  await siân("2.1 wedi'i oedi", "delay needs a date and reason");
  await siân("bron wedi gorffen", "unsure");
  await siân("blah blah", "not understood");
  await siân("x".repeat(2500), "too long");
  await siân("1.1 wedi'i gwblhau", "nothing left to ask");
  await say("room pointer", "Siân Swyddog", "fy nghamau", "Arweinyddiaeth");
  await siân("2.1 nid fy un i", "answer: not mine");
  await say("not the owner", "Dafydd Prif", "2.3 wedi'i gwblhau");
  for (const m of web.messages("Elin Gweinyddwr").slice(-1)) if (m.card) drawn.push({ label: "not mine, told to the admin", card: m.card });

  // A plan file sent to Chaser in chat: the preview, Import, Cancel, refusals.
  const file = (name: string, text: string) => ({ name, size: text.length, download: async () => Buffer.from(text) });
  const preview = await event("import preview", { type: "file", user: web1("Elin Gweinyddwr"), address: { platform: "web", address: "Elin Gweinyddwr" }, deliveryId: `f${n++}`, file: file("cynllun-arall.tsv", PLAN) });
  const importButton = preview.reply?.type === "choose" ? preview.reply.options[0]!.answer : null;
  expect(importButton).not.toBeNull();
  await event("import done", { type: "answer", user: web1("Elin Gweinyddwr"), deliveryId: `p${n++}`, payload: importButton, inputs: {}, inline: false });
  await event("import expired", { type: "answer", user: web1("Elin Gweinyddwr"), deliveryId: `p${n++}`, payload: importButton, inputs: {}, inline: false });
  const again = await event("import preview", { type: "file", user: web1("Elin Gweinyddwr"), address: { platform: "web", address: "Elin Gweinyddwr" }, deliveryId: `f${n++}`, file: file("cynllun-arall.tsv", PLAN) });
  const cancel = again.reply?.type === "choose" ? again.reply.options.at(-1)!.answer : null;
  await event("import cancelled", { type: "answer", user: web1("Elin Gweinyddwr"), deliveryId: `p${n++}`, payload: cancel, inputs: {}, inline: false });
  await event("import refused", { type: "file", user: web1("Elin Gweinyddwr"), address: { platform: "web", address: "Elin Gweinyddwr" }, deliveryId: `f${n++}`, file: file("gwag.csv", "") });
  await event("import: admins only", { type: "file", user: web1("Siân Swyddog"), address: { platform: "web", address: "Siân Swyddog" }, deliveryId: `f${n++}`, file: file("cynllun.tsv", PLAN) });

  // Checked changes: a completion held for verification, a file sent as its evidence, the decision drawn in place.
  await store.db.plan.update({ where: { id: plan.id }, data: { settings: JSON.stringify({ verifyCompletion: true }) } });
  // Both plans have a 2.3: the one asked back is chosen by its button.
  const which = await siân("2.3 wedi'i gwblhau", "checked: which plan's 2.3");
  const ours = (await store.db.action.findFirstOrThrow({ where: { planId: plan.id, key: "2.3" } })).id;
  const option = which.reply?.type === "choose" ? which.reply.options.find((o) => (o.answer as AnswerPayload).a === ours)!.answer : null;
  await press("checked: completion held", "Siân Swyddog", option as AnswerPayload);
  const evidence = { type: "file" as const, user: web1("Siân Swyddog"), address: { platform: "web" as const, address: "Siân Swyddog" }, file: file("tystiolaeth.pdf", "%PDF tystiolaeth") };
  await event("checked: evidence attached", { ...evidence, deliveryId: `f${n++}` });
  await event("checked: no evidence waiting", { ...evidence, deliveryId: `f${n++}` });
  await settle();
  const request = web.messages("Elin Gweinyddwr").filter((m) => m.card?.type === "choose").at(-1)!.card as ChooseCard;
  expect(request.text).toContain("tystiolaeth.pdf");
  drawn.push({ label: "checked: request card", card: request });
  await event("checked: decided", { type: "answer", user: web1("Elin Gweinyddwr"), deliveryId: `p${n++}`, payload: request.options[0]!.answer, inputs: {}, inline: false });
  await event("checked: already decided", { type: "answer", user: web1("Elin Gweinyddwr"), deliveryId: `p${n++}`, payload: request.options[0]!.answer, inputs: {}, inline: false });
  expect(drawn.find((d) => d.label === "checked: decided (card as pressed)")?.card.type).toBe("notice");

  // Teams: another tenant refused; a newcomer who shares a name an admin gave; someone who leaves.
  const teamsUser = (userId: string, name: string, tenantId = "tenant-ours") => ({ platform: "teams" as const, userId, tenantId, name, locale: locale === "cy" ? "cy-GB" : "en-GB" });
  await event("tenant refused", { type: "text", user: teamsUser("29:dieithryn", "Dieithryn", "tenant-arall"), deliveryId: `t${n++}`, text: "helo" });
  await mapRole(store.db, { role: "Cyfarwyddwr Cyllid", personName: "Gareth Huws", via: "cli", actorLabel: "prawf" });
  await event("welcome (Teams)", { type: "contact", user: teamsUser("29:gareth", "Gareth Huws"), address: { platform: "teams", address: "{}" } });
  await event("gone", { type: "gone", user: teamsUser("29:gareth", "Gareth Huws") });

  // Teams: an export offered as a file consent card, allowed, declined, refused; asked in a channel.
  const nia = teamsUser("29:nia", "Nia Teams");
  const niaSays = (label: string, text: string, room?: boolean) =>
    event(label, { type: "text", user: nia, address: { platform: "teams", address: "{}" }, ...(room ? { room: { platform: "teams", address: "{}" } } : {}), deliveryId: `t${n++}`, text });
  const consent = (label: string, offer: unknown, accepted: boolean, user = nia, put = async () => undefined) =>
    event(label, { type: "file_answer", user, deliveryId: `c${n++}`, accepted, context: offer, upload: accepted ? { name: "cynllun-actions-2020-12-21.xlsx", contentUrl: "https://onedrive.invalid/f", uniqueId: "1150D938", fileType: "xlsx", put } : null });
  await event("welcome (Teams)", { type: "contact", user: nia, address: { platform: "teams", address: "{}" } });
  await store.db.person.update({ where: { teamsUserId: "29:nia" }, data: { isAdmin: true } });
  // The offer is the reply in the 1:1 chat; the Teams adapter records where it went, so it can be replaced once answered.
  const offerOf = async (outcome: Awaited<ReturnType<typeof event>>) => {
    if (outcome.reply?.type !== "file_offer") return null;
    await replySent(deps, outcome.reply.messageId, { platform: "teams", address: "{}", messageRef: outcome.reply.messageId });
    return outcome.reply.offer;
  };
  const allowed = await offerOf(await niaSays("export: file offer", `allforio ${plan.slug}`));
  expect(allowed).not.toBeNull();
  await consent("export: allowed", allowed, true);
  await consent("export: already answered", allowed, true);
  await consent("export: someone else's offer", allowed, true, teamsUser("29:gareth", "Gareth Huws"));
  await consent("export: not an offer", { v: 1 }, true);
  await consent("export: declined", await offerOf(await niaSays("export: file offer", `allforio ${plan.slug} docx`)), false);
  await consent("export: could not upload", await offerOf(await niaSays("export: file offer", `allforio ${plan.slug}`)), true, nia, async () => {
    throw new Error("the session has lapsed");
  });
  await niaSays("export: asked in a channel", `allforio ${plan.slug}`, true);
  await store.db.person.create({ data: { name: "Dieithryn Arall", teamsUserId: "29:dieithryn-2", teamsTenantId: "tenant-ours", isAdmin: true, locale } });
  await event("export: asked in a channel, no 1:1 chat", { type: "text", user: teamsUser("29:dieithryn-2", "Dieithryn Arall"), room: { platform: "teams", address: "{}" }, deliveryId: `t${n++}`, text: `allforio ${plan.slug}` });
  await settle();
  for (const card of teamsCards) drawn.push({ label: `sent on Teams (${card.type})`, card });
  await settle();
  const told = new Set(drawn.map((d) => d.card));
  for (const m of web.messages("Elin Gweinyddwr")) if (m.card && !told.has(m.card)) drawn.push({ label: "told to the admin", card: m.card });
  drawn.push({ label: "not saved", card: notSaved(locale).reply! });
  return { drawn, store, deps };
}

describe.each(["cy", "en-GB"] as const)("every card, every renderer, in %s", (locale) => {
  let day: Awaited<ReturnType<typeof councilDay>>;
  beforeAll(async () => {
    day = await councilDay(locale);
  }, 120_000);
  afterAll(async () => day?.store.drop());

  it("draws every kind of card", () => {
    const labels = new Set(day.drawn.map((d) => d.label.replace(/ \(card as pressed\)$/, "")));
    for (const kind of ["welcome", "help", "language chosen", "prompt", "prompt (schedule)", "list", "which action (choose)", "digest", "escalation (accountable)", "escalation (admin)", "import preview", "import done", "answer: on track", "error: not a date", "tenant refused", "told to the admin", "not saved", "admin: subscribe", "export: file offer", "export: declined", "export: someone else's offer", "export: asked in a channel", "sent on Teams (file_sent)", "checked: evidence attached", "checked: request card", "checked: decided"]) {
      expect(labels, kind).toContain(kind);
    }
    const types = new Set(day.drawn.map((d) => d.card.type));
    expect([...types].sort()).toEqual(["choose", "digest", "file_offer", "file_sent", "notice", "prompt"]);
  });

  if (locale === "cy") {
    it("leaves no English in any Welsh card, through any renderer", () => {
      const found = day.drawn.flatMap(({ label, card }) =>
        renderings(card, locale)
          .map(({ renderer, text }) => ({ label, renderer, english: englishIn(text, DATA), text: text.slice(0, 200) }))
          .filter((r) => r.english.length > 0),
      );
      if (process.env.SHOW_CARDS) for (const d of day.drawn) console.log(`--- ${d.label}\n${renderings(d.card, locale)[0]!.text}`);
      expect(found).toEqual([]);
    });

    it("leaves no English on the playground's page in Welsh", async () => {
      const html = await playgroundPage(day.store, "cy", NOW);
      const shown = html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ").replace(/<[^>]+>/g, " ").replace(/&[a-z#0-9]+;/g, " ");
      const attributes = [...html.matchAll(/(?:placeholder|title|aria-label|alt)="([^"]*)"/g)].map((m) => m[1]!);
      const { lang, defaultWho: _persona, ...strings } = JSON.parse(/const S = (\{.*?\});/.exec(html)![1]!) as Record<string, string>;
      expect(lang).toBe("cy");
      // The sample's channel is named as an admin named it; a language is offered in its own name.
      expect(englishIn([shown, ...attributes, ...Object.values(strings)].join("\n"), [...DATA, "#leadership", "English"])).toEqual([]);
    });
  } else {
    it("finds English in each English card, so the Welsh run really read each one", () => {
      const silent = day.drawn.filter(({ card }) => englishIn(renderings(card, locale).map((r) => r.text).join("\n"), DATA).length === 0).map((d) => d.label);
      expect(silent).toEqual([]);
    });
  }
});
