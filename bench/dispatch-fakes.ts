// The platform fakes for the dispatch bench in a process of their own, as the real services are:
// the bench's process then spends its CPU on Chaser's sender alone. Driven over IPC by dispatch.ts.
import { startFakeConnector, type FakeConnector } from "../tests/fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack } from "../tests/fakes/fake-slack-api.js";

export type FakesRequest =
  | { op: "teams" }
  | { op: "slack"; channels: string[] }
  | { op: "teamsSent" }
  | { op: "slackSent"; channels: string[] };

export type FakesAnswer =
  | { op: "teams"; url: string }
  | { op: "slack"; url: string; token: string }
  | { op: "teamsSent"; perConversation: Record<string, number>; limitViolations: number; connections: number }
  | { op: "slackSent"; perChannel: number[]; limitViolations: number; refused: Record<string, number> };

let connector: FakeConnector | null = null;
let slack: FakeSlack | null = null;

/**
 * Idle connections are kept open for a minute, as the platforms' front ends keep them, not the test
 * fakes' second: a client that reuses connections (undici keeps one only if the server promises more
 * than two seconds) would otherwise open one a message here and never in production.
 */
async function answer(request: FakesRequest): Promise<FakesAnswer> {
  switch (request.op) {
    case "teams":
      connector = await startFakeConnector({ limits: true, keepAliveMs: 60_000 });
      return { op: "teams", url: connector.url };
    case "slack":
      slack = await startFakeSlack({ limits: true, users: [], keepAliveMs: 60_000 });
      for (const id of request.channels) slack.addChannel(id, []);
      return { op: "slack", url: slack.url, token: slack.token };
    case "teamsSent": {
      const perConversation: Record<string, number> = {};
      for (const a of connector!.activities()) perConversation[a.conversationId] = (perConversation[a.conversationId] ?? 0) + 1;
      return { op: "teamsSent", perConversation, limitViolations: connector!.limitViolations, connections: connector!.connections };
    }
    case "slackSent": {
      const refused: Record<string, number> = {};
      for (const c of slack!.calls) if (c.status === 429) refused[c.method] = (refused[c.method] ?? 0) + 1;
      return { op: "slackSent", perChannel: request.channels.map((c) => slack!.messages(c).length), limitViolations: slack!.limitViolations, refused };
    }
  }
}

process.on("message", (request: FakesRequest) => {
  answer(request).then(
    (result) => process.send!(result),
    (error: unknown) => process.send!({ op: "error", error: String(error) }),
  );
});
// The parent closing the channel ends this process.
process.on("disconnect", () => {
  void Promise.all([connector?.close(), slack?.close()]).finally(() => process.exit(0));
});
