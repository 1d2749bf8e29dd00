import { WebChannel } from "./adapters/web/web-channel.js";
import { playgroundChatRoutes } from "./adapters/web/playground-chat.js";
import { ConfigError, loadConfig, type Config } from "./config/load-config.js";
import { Background } from "./conversation/background.js";
import type { ConversationDeps } from "./conversation/handle-event.js";
import type { Route } from "./http/route.js";
import { createLogger } from "./log.js";
import { openStore } from "./store/open-store.js";
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
  const log = createLogger(config.logLevel);
  const store = await openStore(config.database);
  log.info({ provider: config.database.provider, ...(config.database.provider === "sqlite" ? { file: config.database.file } : {}) }, "store ready");

  const now = () => new Date();
  const background = new Background(log);
  const web = new WebChannel(now);
  const deps: ConversationDeps = { store, log, channels: { web }, later: background.run };
  const routes: Route[] = [...playgroundChatRoutes({ ...deps, web, locale: config.locale, now, settle: () => background.settle() })];

  const server = await startServer(config.port, { store, log, locale: config.locale, routes }, config.host);
  log.info(`Chaser is listening on http://${config.host}:${config.port}/ (playground), /healthz`);
  const stop = async (signal: string) => {
    log.info({ signal }, "stopping");
    server.close();
    await background.settle();
    await store.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

await main();
