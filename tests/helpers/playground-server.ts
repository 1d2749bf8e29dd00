import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { playgroundChatRoutes } from "../../src/adapters/web/playground-chat.js";
import { WebChannel } from "../../src/adapters/web/web-channel.js";
import { Background } from "../../src/conversation/background.js";
import type { PlaygroundAccess } from "../../src/config/load-config.js";
import type { Store } from "../../src/store/open-store.js";
import { startServer } from "../../src/web/start-server.js";

/**
 * The real server with the playground's chat, its clock stopped at `now`: open, on loopback,
 * unless told who may use it, whether Teams and Slack are connected and where to listen. `base`
 * reaches it on loopback wherever it listens.
 */
export async function startPlayground(
  store: Store,
  log: Logger,
  now: Date,
  options: { access?: PlaygroundAccess; connected?: { teams: boolean; slack: boolean }; host?: string } = {},
): Promise<{ base: string; close(): Promise<void> }> {
  const background = new Background(log);
  const web = new WebChannel(() => now);
  const deps = { store, log, channels: { web }, later: background.run };
  const playgroundRoutes = playgroundChatRoutes({ ...deps, web, locale: "en-GB", now: () => now, settle: () => background.settle() });
  const server: Server = await startServer(
    0,
    { store, log, locale: "en-GB", now: () => now, playgroundRoutes, playground: options.access ?? { mode: "open" }, connected: options.connected ?? { teams: false, slack: false } },
    options.host ?? "127.0.0.1",
  );
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
