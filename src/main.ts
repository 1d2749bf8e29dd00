import { ConfigError, loadConfig } from "./config/load-config.js";
import { createLogger } from "./log.js";
import { openStore } from "./store/open-store.js";
import { startServer } from "./web/start-server.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + "\n");
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const store = await openStore(config.database);
  log.info({ provider: config.database.provider, ...(config.database.provider === "sqlite" ? { file: config.database.file } : {}) }, "store ready");
  const server = await startServer(config.port, { store, log, locale: config.locale }, config.host);
  log.info(`Chaser is listening on http://${config.host}:${config.port}/ (playground), /healthz`);
  const stop = async (signal: string) => {
    log.info({ signal }, "stopping");
    server.close();
    await store.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

await main();
