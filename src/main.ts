import { createSlack } from "./adapters/slack/create-slack.js";
import { createTeams } from "./adapters/teams/create-teams.js";
import { playgroundChatRoutes, remakeSample, type PlaygroundSample } from "./adapters/web/playground-chat.js";
import { PlaygroundClock } from "./adapters/web/playground-clock.js";
import { WebChannel } from "./adapters/web/web-channel.js";
import { isLoopback } from "./config/is-loopback.js";
import { ConfigError, loadConfig, type Config } from "./config/load-config.js";
import { Background } from "./conversation/background.js";
import type { ConversationDeps } from "./conversation/handle-event.js";
import { Pacer } from "./conversation/pacer.js";
import { Tenancy } from "./conversation/tenancy.js";
import type { Route } from "./http/route.js";
import { createLogger } from "./log.js";
import { startScheduler } from "./schedule/scheduler.js";
import { openStore } from "./store/open-store.js";
import { ensureInstallAdmins } from "./store/permissions.js";
import { startServer } from "./web/start-server.js";

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + "\n");
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const store = await openStore(config.database);
  log.info({ provider: config.database.provider, ...(config.database.provider === "sqlite" ? { file: config.database.file } : {}) }, "store ready");
  const made = await ensureInstallAdmins(store.db, config.admins, new Date());
  if (made > 0) log.info({ admins: made }, "CHASER_ADMINS made admins");

  const now = () => new Date();
  const background = new Background(log);
  // With no Teams or Slack credentials the playground offers its sample and a clock of its own.
  const connectedTeams = Boolean(config.teams.appId);
  const withSample = config.playground.mode !== "off" && !connectedTeams && !config.slack;
  const sample: PlaygroundSample | undefined = withSample ? { clock: new PlaygroundClock(now), shiftedDays: null } : undefined;
  const playgroundNow = sample?.clock.now ?? now;
  const web = new WebChannel(playgroundNow);
  // Teams tenants and Slack workspaces served; with no app id (the emulator, loopback only) no
  // token is checked, so a tenant id proves nothing and any is let in unless some are listed.
  const tenancy = new Tenancy({ teamsTenants: config.teams.tenants ?? [], anyTeamsTenant: !config.teams.appId, slackTeams: config.slack?.teams ?? [] });
  const deps: ConversationDeps = { store, log, channels: { web }, later: background.run, pacer: new Pacer(), tenancy, defaultLocale: config.locale };
  const routes: Route[] = [];
  const playgroundDeps = { ...deps, web, locale: config.locale, now: playgroundNow, settle: () => background.settle(), sample };
  const playgroundRoutes = playgroundChatRoutes(playgroundDeps);
  if (sample) {
    // A sample that cannot be made (sample/ missing from a copy) leaves the playground empty, not Chaser down.
    await remakeSample({ ...playgroundDeps, sample })
      .then((summary) => log.info({ plan: summary.slug, shiftedDays: summary.shiftedDays, ...summary.counts }, "playground sample made for today"))
      .catch((error: unknown) => log.error({ err: error }, "could not make the playground's sample; the playground opens without it"));
  }
  if (config.playground.mode === "off") log.warn(`The playground is off: HOST=${config.host} is not a loopback address and CHASER_PLAYGROUND_SECRET is not set`);

  // Without an app id the Bot Framework token check is off, so Teams is only offered on loopback
  // (for the Bot Framework Emulator), never on an address the network can reach.
  if (config.teams.appId || isLoopback(config.host)) {
    const teams = createTeams({ config: config.teams, deps, now });
    deps.channels.teams = teams.channel;
    routes.push(...teams.routes);
  }
  const slack = config.slack ? await createSlack({ config: config.slack, deps, now }) : null;
  if (slack) {
    deps.channels.slack = slack.channel;
    routes.push(...slack.routes);
  }

  const connected = { teams: Boolean(config.teams.appId), slack: Boolean(slack) };
  const server = await startServer(config.port, { store, log, locale: config.locale, now: playgroundNow, routes, playgroundRoutes, playground: config.playground, connected }, config.host);
  await slack?.start();
  const scheduler = startScheduler(deps, now);
  log.info(
    { teams: Boolean(deps.channels.teams), teamsAuth: Boolean(config.teams.appId), slack: Boolean(slack), socketMode: Boolean(config.slack?.appToken) },
    `Chaser is listening on http://${config.host}:${config.port}/ (playground: ${config.playground.mode}), /api/messages (Teams), /slack/events (Slack), /healthz, /readyz`,
  );

  const stop = async (signal: string) => {
    log.info({ signal }, "stopping");
    await scheduler.stop();
    await slack?.stop();
    server.close();
    await background.settle();
    await store.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

await main();
