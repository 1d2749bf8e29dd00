import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Request as BotRequest, type TurnContext } from "botbuilder";
import { z } from "zod";
import type { TeamsConfig } from "../../config/load-config.js";
import type { ConversationDeps } from "../../conversation/handle-event.js";
import { readBody, sendJson, type Route } from "../../http/route.js";
import { adaptResponse } from "./adapt-response.js";
import type { BotFrameworkAuthentication } from "./override-authentication.js";
import { refuseBadTokens } from "./refuse-bad-tokens.js";
import { reuseConnectors } from "./reuse-connectors.js";
import { rememberVerifiedTokens } from "./remember-verified-tokens.js";
import { TeamsChannel } from "./teams-channel.js";
import { teamsTurn } from "./teams-turn.js";

export type { BotFrameworkAuthentication } from "./override-authentication.js";

/** Teams activities are a few KB; a card submit with long notes stays well under this. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/** What botbuilder needs to see before it will take a body as an activity (else it throws, a 500). */
const InboundBody = z.looseObject({ type: z.string().min(1) });

export interface CreateTeamsOptions {
  config: TeamsConfig;
  deps: ConversationDeps;
  /** Tests inject one pointing at local fakes; by default built from `config`. */
  auth?: BotFrameworkAuthentication;
  now?: () => Date;
}

export interface Teams {
  /** Put it in deps.channels.teams so the core can send and update cards. */
  channel: TeamsChannel;
  /** POST /api/messages, for startServer's `routes`. */
  routes: Route[];
  adapter: CloudAdapter;
}

/**
 * The Teams adapter: botbuilder's CloudAdapter behind the one server's POST /api/messages, the turn
 * logic converting activities for handleEvent, and the channel the core sends cards through.
 */
export function createTeams(options: CreateTeamsOptions): Teams {
  const { config, deps } = options;
  const now = options.now ?? (() => new Date());
  if (!config.appId) {
    deps.log.warn(
      "Teams authentication is OFF: set MicrosoftAppId (and MicrosoftAppPassword) so only Teams can post to /api/messages. " +
        "Without it anyone who can reach this server can act as any Teams user: local/test use only.",
    );
  }
  const auth = options.auth ?? defaultAuthentication(config);
  const adapter = new CloudAdapter(reuseConnectors(refuseBadTokens(rememberVerifiedTokens(auth))));
  const channel = new TeamsChannel(adapter, config.appId);
  const turn = teamsTurn({ deps, now });
  const logic = async (context: TurnContext): Promise<void> => {
    try {
      await turn(context);
    } catch (error) {
      deps.log.error({ err: error, type: context.activity.type, name: context.activity.name }, "teams turn failed");
      throw error;
    }
  };

  const messages: Route = {
    method: "POST",
    path: "/api/messages",
    async handle(req, res) {
      const raw = await readBody(req, MAX_ACTIVITY_BYTES);
      if (!raw) return sendJson(res, 413, { error: "too_large" });
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return sendJson(res, 400, { error: "bad_json" });
      }
      if (!InboundBody.safeParse(body).success) return sendJson(res, 400, { error: "not_an_activity" });
      // CloudAdapter.process wants the body already parsed, as Express or Restify would leave it.
      const request = Object.assign(req, { body }) as unknown as BotRequest;
      await adapter.process(request, adaptResponse(res), logic);
    },
  };
  return { channel, routes: [messages], adapter };
}

function defaultAuthentication(config: TeamsConfig): BotFrameworkAuthentication {
  if (!config.appId) return new ConfigurationBotFrameworkAuthentication({});
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword ?? undefined,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId ?? undefined,
  });
}
