import {
  AppHomeOpenedEvent,
  BlockActionsBody,
  MessageEvent,
  ModalMetadata,
  parseJson,
  SlackUserInfo,
  SlashCommand,
  ViewSubmissionBody,
} from "../../src/adapters/slack/slack-payloads.js";
import { AdaptiveCardAction, localeOf, mentionsOf, TeamsActivity } from "../../src/adapters/teams/teams-activity.js";
import { modalValues } from "../../src/cards/render-block-kit.js";
import { formValues } from "../../src/cards/render-adaptive-card.js";
import { AnswerInputs, AnswerPayload } from "../../src/conversation/card.js";
import { checkAnswer } from "../../src/conversation/record-answer.js";

/**
 * What the adapters do with a payload, step by step as they do it, for the fuzz worker: each schema's
 * verdict and, where it accepts, what the next step makes of the result. Nothing here decides.
 */
export const SLACK_SCHEMAS = { BlockActionsBody, ViewSubmissionBody, SlashCommand, MessageEvent, AppHomeOpenedEvent, ModalMetadata, SlackUserInfo };

export function convertSlack(value: unknown, text: string) {
  const verdicts = Object.fromEntries(Object.entries(SLACK_SCHEMAS).map(([name, schema]) => [name, schema.safeParse(value)]));
  const view = ViewSubmissionBody.safeParse(value);
  const press = BlockActionsBody.safeParse(value);
  const buttonValue = press.success ? parseJson(press.data.actions[0]!.value) : undefined;
  const metadata = view.success ? ModalMetadata.safeParse(parseJson(view.data.view.private_metadata)) : null;
  return {
    accepted: Object.fromEntries(Object.entries(verdicts).map(([name, v]) => [name, v.success ? v.data : null])),
    modalValues: view.success ? modalValues(view.data.view.state) : null,
    buttonAnswer: press.success ? AnswerPayload.safeParse(buttonValue).data ?? null : null,
    metadata: metadata?.success ? metadata.data : null,
    parsedText: parseJson(text) ?? null,
  };
}

export function convertTeams(value: unknown) {
  const activity = TeamsActivity.safeParse(value);
  if (!activity.success) return { activity: null };
  const a = activity.data;
  const action = AdaptiveCardAction.safeParse(a.value);
  const data = action.success ? action.data.action.data : a.value;
  const record = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  const inputs = record && typeof record.a === "string" && typeof record.k === "string" ? formValues(record, record.a, record.k) : {};
  return { activity: a, mentions: mentionsOf(a), locale: localeOf(a) ?? null, action: action.success ? action.data : null, inputs };
}

/** The button's payload and the form's inputs as handleEvent reads them, then checkAnswer's verdict. */
export function readAnswer(payload: unknown, inputs: unknown, today: string) {
  const p = AnswerPayload.safeParse(payload);
  const i = AnswerInputs.safeParse(inputs ?? {});
  if (!p.success || !i.success) return { payload: null, inputs: null, invalid: null };
  const text = i.data.text?.trim() || undefined;
  const kind = i.data.kind ?? p.data.k;
  const invalid = checkAnswer(
    {
      kind,
      date: i.data.date?.trim() || p.data.d || null,
      reason: i.data.reason?.trim() || (kind === "delayed" || kind === "blocked" ? text : undefined) || p.data.r || null,
      note: i.data.note?.trim() || text || p.data.r || null,
      evidence: i.data.evidence?.trim() || null,
    },
    today,
  );
  return { payload: p.data, inputs: i.data, invalid };
}
