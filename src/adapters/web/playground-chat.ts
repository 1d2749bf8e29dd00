import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DateTime } from "luxon";
import { z } from "zod";
import { handleEvent, type ConversationDeps, type Outcome } from "../../conversation/handle-event.js";
import { sendPrompt } from "../../conversation/send-prompt.js";
import { dispatchPending } from "../../conversation/deliver.js";
import { formValues } from "../../cards/render-adaptive-card.js";
import { runDigests } from "../../schedule/run-digests.js";
import { loadScheduleSettings } from "../../schedule/scheduler.js";
import { nextRunAt, runScheduleUntil } from "../../schedule/run-until.js";
import { readBody, sendJson, type Route } from "../../http/route.js";
import { FileTooLargeError, type ChatFile } from "../../conversation/import-from-chat.js";
import { MAX_EVIDENCE_BYTES } from "../../conversation/evidence-from-chat.js";
import { MAX_FILE_BYTES } from "../../import/read-table.js";
import { mapRole } from "../../store/map-role.js";
import { rolesWithPeople } from "../../store/owners.js";
import { listPlans } from "../../store/list-plans.js";
import { executeCommand } from "../../commands/execute-command.js";
import { findPlaygroundPersona } from "../../store/people.js";
import { channelLocale, setChannelLocale } from "../../store/playground-sample.js";
import { createSample, SAMPLE, SAMPLE_SCOPE, summarise, type SampleSummary } from "../../sample/create-sample.js";
import { ChaserError } from "../../domain/chaser-error.js";
import { LOCALES, pickLocale, translator, type Locale } from "../../i18n.js";
import { messageView } from "./message-view.js";
import type { PlaygroundClock } from "./playground-clock.js";
import type { WebChannel } from "./web-channel.js";

const Name = z.string().trim().min(1).max(80);
const Lang = z.enum(LOCALES).optional();
const Hello = z.object({ locale: Lang });
const Say = z.object({ text: z.string().max(10_000), locale: Lang });
const Press = z.object({ answer: z.unknown(), inputs: z.record(z.string(), z.string()).optional(), locale: Lang });
const MapRoleBody = z.object({ role: z.string().trim().min(1).max(200), person: Name });
const ClockStep = z.object({ step: z.enum(["prompt", "digest", "week"]) });
const ChannelSay = z.object({ person: Name, text: z.string().max(10_000), locale: Lang });
const ChannelLocale = z.object({ locale: z.enum(LOCALES) });
/** A file sent in the chat: its name and the words sent with it ride in the query, its bytes are the body. */
const FileQuery = z.object({ file: z.string().trim().min(1).max(255), text: z.string().max(10_000).optional(), locale: Lang });
/** The most a file sent in the chat may be for anything Chaser takes one for (a plan, evidence). */
const MAX_CHAT_FILE_BYTES = Math.max(MAX_FILE_BYTES, MAX_EVIDENCE_BYTES);

/** The sample and the playground's clock; given only when no real platform is connected. */
export interface PlaygroundSample {
  clock: PlaygroundClock;
  /** Set once the sample is made: how far its dates were moved. */
  shiftedDays: number | null;
  /** When it was made: the day its dates were moved to. */
  madeAt?: Date | null;
}

export interface PlaygroundDeps extends ConversationDeps {
  web: WebChannel;
  locale: Locale;
  now: () => Date;
  settle: () => Promise<void>;
  sample?: PlaygroundSample;
}

/** Remakes the sample for today: the clock back to real time, the personas' and channel's chats emptied. */
export async function remakeSample(deps: PlaygroundDeps & { sample: PlaygroundSample }): Promise<SampleSummary> {
  deps.sample.clock.reset();
  await deps.settle();
  const summary = await createSample(deps.store, deps.sample.clock.now());
  deps.web.clear([...SAMPLE_SCOPE.personas, SAMPLE.channel]);
  deps.sample.shiftedDays = summary.shiftedDays;
  deps.sample.madeAt = deps.sample.clock.now();
  return summary;
}

/** A moment as people read it, in their language: "Monday 30 November 2026, 09:30". */
export function playgroundTime(when: Date, locale: Locale): string {
  return DateTime.fromJSDate(when, { zone: "Europe/London" }).setLocale(locale).toFormat("cccc d LLLL yyyy, HH:mm");
}

const require = createRequire(import.meta.url);

/** The header the page names its language in, so even a request that cannot be read is answered in it. */
export const PAGE_LANGUAGE = "x-chaser-language";

/**
 * The playground's chat, over plain JSON: a person is named in the URL, says things and presses
 * buttons exactly as they would in Teams or Slack, and sees Chaser's cards as both render them.
 * With the sample: who you are among its personas, its leadership channel, and a clock that runs
 * the real schedule. Converts and forwards; the core decides.
 */
export function playgroundChatRoutes(deps: PlaygroundDeps): Route[] {
  const person = (match: RegExpExecArray | null) => Name.parse(decodeURIComponent(match?.[1] ?? ""));
  // The locale rides on every event as Teams' and Slack's do; the core keeps the person's.
  const user = (name: string, locale?: Locale) => ({ platform: "web" as const, userId: name, ...(locale ? { locale } : {}) });
  const body = async <T>(req: Parameters<Route["handle"]>[0], schema: z.ZodType<T>): Promise<T> => {
    const raw = await readBody(req, 64 * 1024);
    if (!raw) throw new ChaserError("web.too_large");
    return schema.parse(JSON.parse(raw.toString("utf8") || "{}"));
  };
  // Only the language to draw the chat in: with the store unreachable, the chat (saying so) is still drawn.
  const localeOf = async (name: string): Promise<Locale> =>
    pickLocale((await findPlaygroundPersona(deps.store.db, name).catch(() => null))?.locale ?? deps.locale);
  const messages = async (address: string, locale?: Locale) => {
    const t = translator(locale ?? (await localeOf(address)));
    return deps.web.messages(address).map((m) => messageView(m, t));
  };
  const answerWith = async (res: Parameters<Route["handle"]>[1], address: string, run: () => Promise<Outcome>) => {
    const outcome = await run();
    await deps.settle();
    if (outcome.reply) await deps.web.send(address, outcome.reply);
    sendJson(res, 200, { messages: await messages(address) });
  };
  const guarded = (handle: Route["handle"]): Route["handle"] => async (req, res, match) => {
    // In the language the page speaks (the person's), which it names on every request.
    const asked = req.headers[PAGE_LANGUAGE];
    const t = translator(typeof asked === "string" ? pickLocale(asked) : deps.locale);
    try {
      await handle(req, res, match);
    } catch (error) {
      // Always words a person can act on, never a bare failure.
      if (error instanceof z.ZodError || error instanceof SyntaxError) return sendJson(res, 400, { error: "bad_request", message: t("sample.bad_request") });
      if (error instanceof ChaserError) return sendJson(res, 422, { error: error.code, message: t(error.code, error.params) });
      deps.log.error({ err: error, url: req.url }, "playground request failed");
      return sendJson(res, 500, { error: "internal", message: t("sample.internal") });
    }
  };
  const chat = /^\/api\/chat\/([^/]+)$/;
  const chatAction = (verb: string) => new RegExp(`^/api/chat/([^/]+)/${verb}$`);
  const sample = deps.sample;
  const clockTick = { namespace: SAMPLE.namespace };

  const state = async (locale: Locale) => {
    const t = translator(locale);
    const now = deps.now();
    const people = await Promise.all(
      SAMPLE.people.map(async (p) => {
        const persona = await findPlaygroundPersona(deps.store.db, p.name);
        return { name: p.name, job: p.job, roles: p.roles, locale: pickLocale(persona?.locale ?? deps.locale), label: t("sample.persona", { name: p.name, job: t(`sample.job.${p.job}`), roles: p.roles.join(", ") }) };
      }),
    );
    const summary = sample?.shiftedDays != null ? await summarise(deps.store, now, sample.shiftedDays) : null;
    const nextPrompt = sample ? await nextRunAt(deps, now, "prompt", clockTick) : null;
    const nextDigest = sample ? await nextRunAt(deps, now, "digest", clockTick) : null;
    return {
      clock: Boolean(sample),
      now: now.toISOString(),
      nowText: t("sample.now", { when: playgroundTime(now, locale) }),
      nextText: [nextPrompt && t("sample.next_prompt", { when: playgroundTime(nextPrompt, locale) }), nextDigest && t("sample.next_digest", { when: playgroundTime(nextDigest, locale) })].filter(Boolean).join(" "),
      sample: summary && {
        ...summary,
        text: t("sample.banner", { title: summary.title, seed: summary.seed, days: summary.shiftedDays, today: playgroundTime(sample?.madeAt ?? now, locale).replace(/,.*$/, "") }),
        counts: t("sample.counts", summary.counts),
      },
      people: sample ? people : [],
      channel: SAMPLE.channel,
      channelLocale: pickLocale(await channelLocale(deps.store.db, "web", SAMPLE.channel)),
    };
  };

  const routes: Route[] = [
    {
      method: "GET",
      path: "/vendor/adaptivecards.js",
      // Microsoft's renderer, served from node_modules: the page needs nothing from the internet.
      handle: async (_req, res) => {
        const file = join(dirname(require.resolve("adaptivecards/package.json")), "dist", "adaptivecards.min.js");
        res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "max-age=3600" });
        res.end(await readFile(file));
      },
    },
    {
      method: "GET",
      path: /^\/api\/playground$/,
      handle: guarded(async (req, res) => {
        const locale = pickLocale(new URL(req.url ?? "/", "http://localhost").searchParams.get("lang") ?? deps.locale);
        sendJson(res, 200, await state(locale));
      }),
    },
    {
      method: "GET",
      path: chat,
      handle: guarded(async (_req, res, match) => sendJson(res, 200, { messages: await messages(person(match)) })),
    },
    {
      method: "POST",
      path: chatAction("hello"),
      handle: guarded(async (req, res, match) => {
        const name = person(match);
        const { locale } = await body(req, Hello);
        await answerWith(res, name, () => handleEvent(deps, { type: "contact", user: user(name, locale), address: { platform: "web", address: name } }, deps.now()));
      }),
    },
    {
      method: "POST",
      path: chatAction("say"),
      handle: guarded(async (req, res, match) => {
        const name = person(match);
        const { text, locale } = await body(req, Say);
        deps.web.said(name, text);
        const deliveryId = `${name}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
        await answerWith(res, name, () => handleEvent(deps, { type: "text", user: user(name, locale), address: { platform: "web", address: name }, deliveryId, text }, deps.now()));
      }),
    },
    {
      method: "POST",
      path: chatAction("file"),
      handle: guarded(async (req, res, match) => {
        const name = person(match);
        const query = FileQuery.parse(Object.fromEntries(new URL(req.url ?? "/", "http://localhost").searchParams));
        const declared = Number(req.headers["content-length"]);
        const bytes = await readBody(req, MAX_CHAT_FILE_BYTES);
        const size = bytes?.length ?? (Number.isFinite(declared) ? declared : MAX_CHAT_FILE_BYTES + 1);
        // The page sends the bytes with the request; handed over as the Teams and Slack adapters fetch theirs, within the core's limit.
        const file: ChatFile = {
          name: query.file,
          size,
          download: async (maxBytes) => {
            if (!bytes || bytes.length > maxBytes) throw new FileTooLargeError(size);
            return bytes;
          },
        };
        const text = query.text?.trim();
        deps.web.said(name, text ? `${text}\n📎 ${query.file}` : `📎 ${query.file}`);
        const deliveryId = `${name}:file:${Date.now()}:${Math.random().toString(36).slice(2)}`;
        await answerWith(res, name, () => handleEvent(deps, { type: "file", user: user(name, query.locale), address: { platform: "web", address: name }, deliveryId, file, ...(text ? { text } : {}) }, deps.now()));
      }),
    },
    {
      method: "POST",
      path: chatAction("press"),
      handle: guarded(async (req, res, match) => {
        const name = person(match);
        const { answer, inputs, locale } = await body(req, Press);
        // As Teams sends it: the button's data with the form's inputs merged in, split here as the Teams adapter does.
        const data = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>) : {};
        const merged = typeof data.a === "string" && typeof data.k === "string" ? { ...formValues(data, data.a, data.k), ...(inputs ?? {}) } : (inputs ?? {});
        await answerWith(res, name, () =>
          handleEvent(deps, { type: "answer", user: user(name, locale), address: { platform: "web", address: name }, deliveryId: "web", payload: answer, inputs: merged, inline: false }, deps.now()),
        );
      }),
    },
    {
      method: "POST",
      path: chatAction("prompt"),
      handle: guarded(async (_req, res, match) => {
        const name = person(match);
        const who = await findPlaygroundPersona(deps.store.db, name);
        if (!who) return sendJson(res, 404, { error: "unknown_person", message: translator(deps.locale)("sample.unknown_person", { name }) });
        // The playground sends a prompt whenever asked; the schedule sends one a period.
        const result = await sendPrompt(deps, who.id, deps.now(), { key: `prompt:playground:${who.id}:${Date.now()}` });
        if (result.status === "nothing_to_ask") await deps.web.send(name, { type: "notice", text: translator(pickLocale(who.locale))("web.nothing_to_ask") });
        sendJson(res, 200, { messages: await messages(name) });
      }),
    },
    {
      method: "POST",
      path: chatAction("digest"),
      handle: guarded(async (_req, res, match) => {
        const name = person(match);
        const locale = await localeOf(name);
        // The playground shows each plan's digest on request; the schedule sends them on Mondays.
        // Subscribed as an admin would in chat: the same command, run by the playground on the persona's behalf.
        for (const plan of (await listPlans(deps.store.db, deps.now())).filter((p) => !p.archived)) {
          await executeCommand(deps, { kind: "digests.subscribe", plan: plan.slug, theme: null, channel: { platform: "web", address: name, locale } }, { person: null, label: "playground", via: "chat:web", locale, room: null, now: deps.now() });
        }
        // Under the playground's namespace, so resetting the sample forgets these runs too.
        await runDigests(deps, { key: `${SAMPLE.namespace}:digest-now:${Date.now()}` }, deps.now(), await loadScheduleSettings(deps.store.db));
        await dispatchPending(deps, deps.now());
        sendJson(res, 200, { messages: await messages(name) });
      }),
    },
    {
      method: "GET",
      path: "/api/roles",
      handle: guarded(async (_req, res) => {
        sendJson(res, 200, await rolesWithPeople(deps.store.db));
      }),
    },
    {
      method: "POST",
      path: "/api/roles/map",
      handle: guarded(async (req, res) => {
        const input = await body(req, MapRoleBody);
        // To a playground persona only: the playground can never give a real person's roles away.
        sendJson(res, 200, await mapRole(deps.store.db, { role: input.role, personName: input.person, via: "chat:web", actorLabel: "playground", playground: true }));
      }),
    },
    {
      method: "GET",
      path: "/api/channel",
      handle: guarded(async (req, res) => {
        const locale = pickLocale(new URL(req.url ?? "/", "http://localhost").searchParams.get("lang") ?? deps.locale);
        sendJson(res, 200, { messages: await messages(SAMPLE.channel, locale) });
      }),
    },
    {
      method: "POST",
      path: "/api/channel/say",
      handle: guarded(async (req, res) => {
        const { person: name, text, locale } = await body(req, ChannelSay);
        // Said in the leadership channel: the core knows it is a room (a subscribe lands there).
        deps.web.said(SAMPLE.channel, text, name);
        const deliveryId = `${SAMPLE.channel}:${name}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
        const outcome = await handleEvent(deps, { type: "text", user: user(name, locale), address: { platform: "web", address: name }, room: { platform: "web", address: SAMPLE.channel }, deliveryId, text }, deps.now());
        await deps.settle();
        if (outcome.reply) await deps.web.send(SAMPLE.channel, outcome.reply);
        sendJson(res, 200, { messages: await messages(SAMPLE.channel, locale) });
      }),
    },
    {
      method: "POST",
      path: "/api/channel/locale",
      handle: guarded(async (req, res) => {
        const { locale } = await body(req, ChannelLocale);
        await setChannelLocale(deps.store.db, "web", SAMPLE.channel, locale);
        sendJson(res, 200, { locale });
      }),
    },
  ];
  if (!sample) return routes;
  return [
    ...routes,
    {
      method: "POST",
      path: "/api/clock",
      handle: guarded(async (req, res) => {
        const { step } = await body(req, ClockStep);
        const from = deps.now();
        const to = step === "week" ? new Date(from.getTime() + 7 * 86_400_000) : await nextRunAt(deps, from, step, clockTick);
        const locale = pickLocale(new URL(req.url ?? "/", "http://localhost").searchParams.get("lang") ?? deps.locale);
        if (!to) return sendJson(res, 409, { error: "paused", message: translator(locale)("sample.paused") });
        // The real schedule, run through the days the clock passes, on the playground's time.
        await runScheduleUntil(deps, from, to, { ...clockTick, reached: (when) => sample.clock.moveTo(when) });
        await deps.settle();
        sendJson(res, 200, await state(locale));
      }),
    },
    {
      method: "POST",
      path: "/api/sample/reset",
      handle: guarded(async (req, res) => {
        const locale = pickLocale(new URL(req.url ?? "/", "http://localhost").searchParams.get("lang") ?? deps.locale);
        await remakeSample({ ...deps, sample });
        sendJson(res, 200, await state(locale));
      }),
    },
  ];
}

