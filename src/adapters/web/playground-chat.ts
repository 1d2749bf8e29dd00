import { z } from "zod";
import { handleEvent, type ConversationDeps } from "../../conversation/handle-event.js";
import { sendPrompt } from "../../conversation/send-prompt.js";
import { dispatchPending } from "../../conversation/deliver.js";
import { runDigests } from "../../schedule/run-digests.js";
import { loadScheduleSettings } from "../../schedule/scheduler.js";
import { readBody, sendJson, type Route } from "../../http/route.js";
import { mapRole } from "../../store/map-role.js";
import { listPlans } from "../../store/list-plans.js";
import { executeCommand } from "../../commands/execute-command.js";
import { findPlaygroundPersona } from "../../store/people.js";
import { ChaserError } from "../../domain/chaser-error.js";
import { translator, type Locale } from "../../i18n.js";
import type { WebChannel } from "./web-channel.js";

const Name = z.string().trim().min(1).max(80);
const Say = z.object({ text: z.string().max(10_000) });
const Press = z.object({ answer: z.unknown(), inputs: z.record(z.string(), z.string()).optional() });
const MapRoleBody = z.object({ role: z.string().trim().min(1).max(200), person: Name });

export interface PlaygroundDeps extends ConversationDeps {
  web: WebChannel;
  locale: Locale;
  now: () => Date;
  settle: () => Promise<void>;
}

/**
 * The playground's chat, over plain JSON: a person is named in the URL, says things and presses
 * buttons exactly as they would in Teams or Slack, and sees Chaser's cards. Converts and forwards.
 */
export function playgroundChatRoutes(deps: PlaygroundDeps): Route[] {
  const person = (match: RegExpExecArray | null) => Name.parse(decodeURIComponent(match?.[1] ?? ""));
  const user = (name: string) => ({ platform: "web" as const, userId: name });
  const body = async <T>(req: Parameters<Route["handle"]>[0], schema: z.ZodType<T>): Promise<T> => {
    const raw = await readBody(req, 64 * 1024);
    if (!raw) throw new ChaserError("web.too_large");
    return schema.parse(JSON.parse(raw.toString("utf8") || "{}"));
  };
  const answerWith = async (res: Parameters<Route["handle"]>[1], name: string, run: () => Promise<{ reply: import("../../conversation/card.js").Card | null }>) => {
    const outcome = await run();
    await deps.settle();
    if (outcome.reply) await deps.web.send(name, outcome.reply);
    sendJson(res, 200, { messages: deps.web.messages(name) });
  };
  const guarded = (handle: Route["handle"]): Route["handle"] => async (req, res, match) => {
    try {
      await handle(req, res, match);
    } catch (error) {
      if (error instanceof z.ZodError || error instanceof SyntaxError) return sendJson(res, 400, { error: "bad_request" });
      if (error instanceof ChaserError) return sendJson(res, 422, { error: error.code, message: translator(deps.locale)(error.code, error.params) });
      throw error;
    }
  };
  const chat = /^\/api\/chat\/([^/]+)$/;
  const chatAction = (verb: string) => new RegExp(`^/api/chat/([^/]+)/${verb}$`);
  return [
    {
      method: "GET",
      path: chat,
      handle: guarded(async (_req, res, match) => sendJson(res, 200, { messages: deps.web.messages(person(match)) })),
    },
    {
      method: "POST",
      path: chatAction("hello"),
      handle: guarded(async (_req, res, match) => {
        const name = person(match);
        await answerWith(res, name, () => handleEvent(deps, { type: "contact", user: user(name), address: { platform: "web", address: name } }, deps.now()));
      }),
    },
    {
      method: "POST",
      path: chatAction("say"),
      handle: guarded(async (req, res, match) => {
        const name = person(match);
        const { text } = await body(req, Say);
        deps.web.said(name, text);
        const deliveryId = `${name}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
        await answerWith(res, name, () => handleEvent(deps, { type: "text", user: user(name), address: { platform: "web", address: name }, deliveryId, text }, deps.now()));
      }),
    },
    {
      method: "POST",
      path: chatAction("press"),
      handle: guarded(async (req, res, match) => {
        const name = person(match);
        const { answer, inputs } = await body(req, Press);
        await answerWith(res, name, () =>
          handleEvent(deps, { type: "answer", user: user(name), address: { platform: "web", address: name }, deliveryId: "web", payload: answer, inputs: inputs ?? {}, inline: false }, deps.now()),
        );
      }),
    },
    {
      method: "POST",
      path: chatAction("prompt"),
      handle: guarded(async (_req, res, match) => {
        const name = person(match);
        const who = await findPlaygroundPersona(deps.store.db, name);
        if (!who) return sendJson(res, 404, { error: "unknown_person" });
        // The playground sends a prompt whenever asked; the schedule sends one a period.
        const result = await sendPrompt(deps, who.id, deps.now(), { key: `prompt:playground:${who.id}:${Date.now()}` });
        if (result.status === "nothing_to_ask") await deps.web.send(name, { type: "notice", text: translator(deps.locale)("web.nothing_to_ask") });
        sendJson(res, 200, { messages: deps.web.messages(name) });
      }),
    },
    {
      method: "POST",
      path: chatAction("digest"),
      handle: guarded(async (_req, res, match) => {
        const name = person(match);
        // The playground shows each plan's digest on request; the schedule sends them on Mondays.
        // Subscribed as an admin would in chat: the same command, run by the playground on the persona's behalf.
        for (const plan of (await listPlans(deps.store.db, deps.now())).filter((p) => !p.archived)) {
          await executeCommand(deps, { kind: "digests.subscribe", plan: plan.slug, theme: null, channel: { platform: "web", address: name, locale: deps.locale } }, { person: null, label: "playground", via: "chat:web", locale: deps.locale, room: null, now: deps.now() });
        }
        await runDigests(deps, { key: `digest:playground:${Date.now()}` }, deps.now(), await loadScheduleSettings(deps.store.db));
        await dispatchPending(deps, deps.now());
        sendJson(res, 200, { messages: deps.web.messages(name) });
      }),
    },
    {
      method: "GET",
      path: "/api/roles",
      handle: guarded(async (_req, res) => {
        const roles = await deps.store.db.ownerRole.findMany({ orderBy: { name: "asc" }, include: { assignments: { include: { person: true } } } });
        sendJson(res, 200, roles.map((r) => ({ name: r.name, people: r.assignments.map((a) => a.person.name) })));
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
  ];
}
