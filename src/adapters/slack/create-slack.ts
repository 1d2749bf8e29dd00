import { App, HTTPReceiver, SocketModeReceiver, type RespondFn, type types, type ViewResponseAction, type webApi } from "@slack/bolt";
import { ANSWER_ACTION, DIGEST_SHOW_ALL, FORM_ACTION, MODAL_CALLBACK, modalValues, renderBlockKit, renderDigestModal, renderSlackModal } from "../../cards/render-block-kit.js";
import { findSentCard } from "../../store/find-sent-card.js";
import { AnswerPayload, type Card } from "../../conversation/card.js";
import type { ChatAddress, ChatUser } from "../../conversation/chat-user.js";
import { replySent } from "../../conversation/deliver.js";
import type { ChatFile } from "../../conversation/import-from-chat.js";
import { downloadFile } from "../download-file.js";
import { handleEvent, type ConversationDeps, type InboundEvent, type Outcome } from "../../conversation/handle-event.js";
import type { SlackConfig } from "../../config/load-config.js";
import { londonDate } from "../../domain/london-date.js";
import { sendJson, type Route } from "../../http/route.js";
import { pickLocale, translator } from "../../i18n.js";
import { ackAfterCommit } from "./ack-after-commit.js";
import { boltLogger } from "./bolt-logger.js";
import { findSlackUserByEmail } from "./find-slack-user-by-email.js";
import { formForAnswer } from "./form-for-answer.js";
import { SlackChannel } from "./slack-channel.js";
import {
  AppHomeOpenedEvent,
  BlockActionsBody,
  MessageEvent,
  ModalMetadata,
  parseJson,
  SlackMessageRef,
  SlashCommand,
  ViewSubmissionBody,
} from "./slack-payloads.js";
import { SlackUserDirectory } from "./slack-user-directory.js";

/** Where Slack posts events, interactions and slash commands (the manifest's request URLs). */
export const SLACK_EVENTS_PATH = "/slack/events";

export interface SlackOptions {
  config: SlackConfig;
  deps: ConversationDeps;
  now?: () => Date;
  /** WebClient's retry policy; its default retries for about 30 minutes, so tests pass a short one. */
  clientOptions?: { retryConfig?: webApi.RetryOptions };
}

export interface Slack {
  channel: SlackChannel;
  /** POST /slack/events on the one server (HTTP mode); none in Socket Mode. */
  routes: Route[];
  /** Checks the bot token (auth.test, once); in Socket Mode also opens the socket. */
  start(): Promise<void>;
  /** Refuses new requests, waits for those under way, and closes the socket in Socket Mode. */
  stop(): Promise<void>;
  /** Resolves when every Slack request received so far has been handled (shutdown, tests). */
  settle(): Promise<void>;
  /** users.lookupByEmail (tier 3) and the person's language, for matching people to Slack users. */
  findUserByEmail(email: string): Promise<{ userId: string; locale: string | null } | null>;
}

/** Bolt refuses requests older than five minutes; Chaser also refuses those dated further ahead. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Chaser on Slack: a Bolt app whose handlers acknowledge at once, convert what Slack sent into the
 * core's InboundEvent, and show the Outcome. Over HTTP (no app token) Bolt's HTTPReceiver verifies
 * each request's signature and is mounted on the one server at /slack/events; with an app token
 * it uses Socket Mode, which needs no public URL and is started by `start()`.
 */
export async function createSlack(options: SlackOptions): Promise<Slack> {
  const { config, deps } = options;
  const now = options.now ?? (() => new Date());
  const log = deps.log.child({ platform: "slack" });
  const logger = boltLogger(deps.log);
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    ...(options.clientOptions?.retryConfig ? { retryConfig: options.clientOptions.retryConfig } : {}),
  };
  const receiver = config.appToken
    ? // Socket Mode opens its connection with the app token through the same API URL.
      new SocketModeReceiver({ appToken: config.appToken, logger, installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: config.signingSecret, signatureVerification: true, endpoints: [SLACK_EVENTS_PATH], logger });
  // Deferred, so auth.test runs once, in start(), rather than in the constructor unawaited.
  const app = new App({ token: config.botToken, receiver, logger, clientOptions, deferInitialization: true });
  const channel = new SlackChannel(app.client, deps.log.child({ platform: "slack" }));
  const users = new SlackUserDirectory(app.client, log);
  let started = false;

  // Every request Bolt processes is tracked from before its ack, so settle() cannot miss one
  // whose HTTP answer has already gone.
  const inFlight = new Set<Promise<unknown>>();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const work: Promise<void> = processEvent(event).finally(() => inFlight.delete(work));
    inFlight.add(work);
    return work;
  };
  const settle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const guard = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      log.error({ err: error, what }, "slack request failed after it was acknowledged");
    }
  };
  const forward = (event: InboundEvent): Promise<Outcome> => handleEvent(deps, event, now());
  const address = (userId: string): ChatAddress => ({ platform: "slack", address: userId });
  /**
   * Replies go to the person's DM with Chaser, wherever they pressed or typed. A card the core
   * recorded as a message (a list of the person's actions) is then tied to where it was posted, as
   * SlackChannel's address and messageRef, so the core can update it in place later.
   */
  const tell = async (to: string, card: Card | null) => {
    if (!card) return;
    const sent = await channel.send(to, card);
    if (card.type !== "prompt" || !card.messageId) return;
    try {
      await replySent(deps, card.messageId, { platform: "slack", address: to, messageRef: sent.messageRef });
    } catch (error) {
      log.warn({ err: error, messageId: card.messageId }, "slack: could not record where the reply card went");
    }
  };
  /** Shows the pressed card as it now stands, in the message that was pressed. */
  const showPressed = async (where: SlackMessageRef | null, card: Card | null) => {
    if (!where || !card) return;
    try {
      await channel.update(where.channel, JSON.stringify(where), card);
    } catch (error) {
      log.warn({ err: error, ...where }, "slack: could not update the pressed message");
    }
  };
  /**
   * "Not saved" goes where the person acted, through the interaction's response_url, leaving the
   * card and its buttons as they were; by DM when Slack gave no response_url or it failed.
   */
  const respondOrTell = async (respond: RespondFn | undefined, to: string, card: Card | null) => {
    if (!card) return;
    if (respond) {
      try {
        const { text, blocks } = renderBlockKit(card);
        await respond({ response_type: "ephemeral", replace_original: false, text, blocks: blocks as unknown as types.KnownBlock[] });
        return;
      } catch (error) {
        log.warn({ err: error, to }, "slack: response_url failed; telling the person by DM");
      }
    }
    await tell(to, card);
  };

  app.action({ type: "block_actions" }, async ({ ack, body, respond }) => {
    await ackAfterCommit(ack, (ackOnce) =>
      guard("block_actions", async () => {
        const parsed = BlockActionsBody.safeParse(body);
        if (!parsed.success) return log.warn({ issues: parsed.error.issues }, "slack: block_actions payload not understood");
        const press = parsed.data;
        const action = press.actions[0]!;
        const isAnswer = hasPrefix(action.action_id, ANSWER_ACTION);
        const isForm = hasPrefix(action.action_id, FORM_ACTION);
        if (action.action_id === DIGEST_SHOW_ALL) {
          // Opening a modal records nothing: acknowledged at once, with the trigger still fresh.
          await ackOnce();
          return showAllDigest(press.trigger_id ?? null, messageOf(press), press.user.id);
        }
        // Buttons Chaser did not make (another app's, or from a future version) are not its to answer.
        if (!isAnswer && !isForm) return log.debug({ actionId: action.action_id }, "slack: ignored an action that is not Chaser's");
        const userId = press.user.id;
        const teamId = press.team?.id ?? press.user.team_id;
        const user = await users.chatUser(userId, teamId);
        const where = messageOf(press);
        const payload = parseJson(action.value);
        if (isForm) {
          const answer = AnswerPayload.safeParse(payload);
          // The modal speaks the card's language (the person's choice when it was sent), not Slack's.
          const sent = where ? await findSentCard(deps.store, "slack", JSON.stringify(where)).catch(() => null) : null;
          const { form, cancelLabel } = answer.success ? formForAnswer(answer.data, sent?.locale ?? user.locale, londonDate(now())) : { form: null, cancelLabel: "" };
          if (answer.success && form && press.trigger_id) {
            const view = renderSlackModal(form, answer.data, cancelLabel);
            // The modal also carries the message it came from, so that message shows the answer.
            view.private_metadata = JSON.stringify({ p: answer.data, ...(where ? { c: where.channel, ts: where.ts } : {}) } satisfies ModalMetadata);
            try {
              await app.client.views.open({ trigger_id: press.trigger_id, view: view as unknown as types.View });
            } catch (error) {
              log.warn({ err: error, userId }, "slack: views.open failed");
              await tell(userId, { type: "notice", text: translator(pickLocale(sent?.locale ?? user.locale))("slack.form_failed") });
            }
            return;
          }
          // A form button whose answer needs no form, or that is not a button Chaser knows: the core judges.
        }
        const outcome = await forward({
          type: "answer",
          user,
          address: address(userId),
          deliveryId: press.trigger_id ?? action.action_ts ?? `${userId}:${Date.now()}`,
          payload,
          inputs: {},
          // Slack updates the pressed message itself (below), so also cards the core has no reference for.
          inline: where !== null,
        });
        await ackOnce();
        if (outcome.notSaved) return respondOrTell(respond, userId, outcome.reply);
        await showPressed(where, outcome.pressed);
        await tell(userId, outcome.reply);
      }),
    );
  });

  /** A digest's "Show all": the full lists recorded with the sent digest, in a modal. */
  const showAllDigest = async (triggerId: string | null, where: SlackMessageRef | null, userId: string) => {
    if (!triggerId || !where) return;
    const sent = await findSentCard(deps.store, "slack", JSON.stringify(where));
    if (sent?.card.type !== "digest") return log.debug({ where }, "slack: show all for a message with no digest");
    const t = translator(pickLocale(sent.locale));
    try {
      await app.client.views.open({ trigger_id: triggerId, view: renderDigestModal(sent.card, t("digest.show_all_title"), t("digest.close")) as unknown as types.View });
    } catch (error) {
      log.warn({ err: error, userId }, "slack: views.open failed for a digest");
    }
  };

  app.view({ type: "view_submission" }, async ({ ack, body }) => {
    // The core is the judge of what was entered: the modal closes, and its answer comes by DM.
    await ackAfterCommit(ack as (response?: ViewResponseAction) => Promise<void>, (ackOnce) =>
      guard("view_submission", async () => {
        const parsed = ViewSubmissionBody.safeParse(body);
        if (!parsed.success) return log.warn({ issues: parsed.error.issues }, "slack: view_submission payload not understood");
        const submission = parsed.data;
        if (submission.view.callback_id !== MODAL_CALLBACK) return log.debug({ callbackId: submission.view.callback_id }, "slack: ignored a view that is not Chaser's");
        const userId = submission.user.id;
        const user = await users.chatUser(userId, submission.team?.id ?? submission.user.team_id);
        const metadata = ModalMetadata.safeParse(parseJson(submission.view.private_metadata));
        const where = metadata.success && metadata.data.c && metadata.data.ts ? { channel: metadata.data.c, ts: metadata.data.ts } : null;
        const outcome = await forward({
          type: "answer",
          user,
          address: address(userId),
          deliveryId: submission.trigger_id ?? submission.view.id,
          payload: metadata.success ? metadata.data.p : undefined,
          inputs: modalValues(submission.view.state),
          inline: where !== null,
        });
        if (outcome.notSaved && outcome.reply?.type === "notice") {
          // Not saved: the modal stays open saying so, with what was typed, to submit again.
          const field = Object.keys(submission.view.state.values)[0];
          if (field && (await ackOnce({ response_action: "errors", errors: { [field]: outcome.reply.text } }))) return;
          return tell(userId, outcome.reply);
        }
        await ackOnce();
        await showPressed(where, outcome.pressed);
        await tell(userId, outcome.reply);
      }),
    );
  });

  app.command("/chaser", async ({ ack, command, respond }) => {
    await ackAfterCommit(ack, (ackOnce) =>
      guard("command", async () => {
        const parsed = SlashCommand.safeParse(command);
        if (!parsed.success) return log.warn({ issues: parsed.error.issues }, "slack: slash command not understood");
        const { user_id: userId, team_id: teamId, text, channel_id: channelId } = parsed.data;
        const user = await users.chatUser(userId, teamId);
        // What follows /chaser is for the core to read, as any words said to Chaser (help, my actions,
        // an admin's command, an answer). A channel other than the person's DM is the room it was said in.
        const room = channelId && !channelId.startsWith("D") ? { platform: "slack" as const, address: channelId } : undefined;
        const outcome = await forward({ type: "text", command: true, user, address: address(userId), ...(room ? { room } : {}), deliveryId: `command:${command.trigger_id ?? Date.now()}`, text });
        // Said in the command's own answer, where the person typed it and seen by them alone: a
        // refusal, and anything said to a command typed in a channel (its pointer to the DM, an
        // admin's "this channel will get the digest"), which would read oddly in the DM.
        if ((outcome.notSaved || room) && outcome.reply?.type === "notice") {
          if (await ackOnce({ response_type: "ephemeral", text: outcome.reply.text })) return;
          return respondOrTell(respond, userId, outcome.reply);
        }
        await ackOnce();
        // A file (an export) goes into the conversation it was asked in; by DM when Chaser cannot post there.
        if (room && outcome.reply?.type === "file") {
          try {
            return await tell(room.address, outcome.reply);
          } catch (error) {
            log.warn({ err: error, channelId: room.address }, "slack: could not share the file in the channel; sending it by DM");
          }
        }
        await tell(userId, outcome.reply);
      }),
    );
  });

  app.event("message", async ({ event, context }) => {
    await guard("message", async () => {
      const parsed = MessageEvent.safeParse(event);
      if (!parsed.success) return log.warn({ issues: parsed.error.issues }, "slack: message event not understood");
      const message = parsed.data;
      if (message.channel_type === "im" && message.subtype === "file_share" && message.user && !message.bot_id && message.files?.length) {
        const deliveryId = `file:${message.client_msg_id ?? message.ts}`;
        const user = await users.chatUser(message.user, context.teamId);
        const shared = message.files[0]!;
        const url = shared.url_private_download ?? shared.url_private;
        // Slack serves a shared file only to a request carrying the bot token; read no further than the core's limit.
        const download = async (maxBytes: number) => {
          if (!url) throw new Error("slack: the shared file has no download address");
          return downloadFile(url, { headers: { authorization: `Bearer ${config.botToken}` } }, maxBytes, "slack");
        };
        const file: ChatFile = {
          name: shared.name ?? shared.id,
          id: shared.id,
          download,
          ...(shared.size !== undefined ? { size: shared.size } : {}),
          ...(shared.permalink ? { link: shared.permalink } : {}),
          ...(shared.mimetype ? { type: shared.mimetype } : {}),
        };
        // Words sent with the file ("R3 done") say what it is for.
        const text = message.text?.trim();
        const outcome = await forward({ type: "file", user, address: address(message.user), deliveryId, file, ...(text ? { text } : {}) });
        await tell(message.channel, outcome.reply);
        return;
      }
      // Only what a person typed in their DM with Chaser: not edits, joins, bots or Chaser itself.
      if (message.channel_type !== "im" || message.subtype || message.bot_id || !message.user || message.text === undefined) return;
      // Slack retries an event it thinks was missed: the same id, which the core answers once.
      const deliveryId = message.client_msg_id ?? message.ts;
      const user = await users.chatUser(message.user, context.teamId);
      const outcome = await forward({ type: "text", user, address: address(message.user), deliveryId, text: message.text, retry: context.retryNum !== undefined });
      await tell(message.channel, outcome.reply);
    });
  });

  app.event("app_home_opened", async ({ event, context }) => {
    await guard("app_home_opened", async () => {
      const parsed = AppHomeOpenedEvent.safeParse(event);
      if (!parsed.success) return log.warn({ issues: parsed.error.issues }, "slack: app_home_opened event not understood");
      const opened = parsed.data;
      // Opening the Messages tab is contact; the core welcomes a person once.
      if (opened.tab !== "messages") return;
      const user: ChatUser = await users.chatUser(opened.user, context.teamId);
      const outcome = await forward({ type: "contact", user, address: address(opened.user) });
      await tell(opened.channel ?? opened.user, outcome.reply);
    });
  });

  const routes: Route[] =
    receiver instanceof HTTPReceiver
      ? [
          {
            method: "POST",
            path: SLACK_EVENTS_PATH,
            handle: async (req, res) => {
              // Before auth.test has run Bolt cannot authorise a request; Slack retries a 503.
              if (!started) return sendJson(res, 503, { error: "slack_not_started" });
              // Bolt refuses old timestamps but not ones in the future: a signature made for later is refused too.
              const stamp = Number(req.headers["x-slack-request-timestamp"]);
              // The wall clock, as Bolt uses for old ones (not the conversation clock, which tests set).
              if (Number.isFinite(stamp) && stamp - Math.floor(Date.now() / 1000) > MAX_CLOCK_SKEW_S) {
                log.warn({ timestamp: stamp }, "slack: refused a request dated in the future");
                req.resume();
                return sendJson(res, 401, { error: "unauthorized" });
              }
              // Bolt reads the raw body itself (it is signed), answers at ack(), and goes on after.
              receiver.requestListener(req, res);
            },
          },
        ]
      : [];

  return {
    channel,
    routes,
    async start() {
      // The bot token's own workspace is always served; others only when listed (CHASER_SLACK_TEAMS).
      // Bolt's one auth.test at init says which workspace that is; its answer is read on the way past.
      const authTest = app.client.auth.test.bind(app.client.auth);
      app.client.auth.test = async (args) => {
        const result = await authTest(args);
        if (result.ok && typeof result.team_id === "string") deps.tenancy?.allowSlackTeam(result.team_id);
        return result;
      };
      for (const team of config.teams ?? []) deps.tenancy?.allowSlackTeam(team);
      await app.init();
      if (receiver instanceof SocketModeReceiver) await app.start();
      started = true;
    },
    async stop() {
      started = false;
      await settle();
      if (receiver instanceof SocketModeReceiver) await app.stop();
    },
    settle,
    findUserByEmail: (email) => findSlackUserByEmail(app.client, email),
  };
}

function hasPrefix(actionId: string, prefix: string): boolean {
  return actionId === prefix || actionId.startsWith(`${prefix}.`);
}

/** The message a button was pressed in, when it was a message (not a modal or the Home tab). */
function messageOf(press: BlockActionsBody): SlackMessageRef | null {
  const ref = SlackMessageRef.safeParse({ channel: press.container?.channel_id, ts: press.container?.message_ts });
  return press.container?.type === "message" && ref.success ? ref.data : null;
}
