import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnreachableError, type ChatChannel } from "../src/conversation/chat-channel.js";
import { dispatchPending, enqueue, MAX_ATTEMPTS, type Deliverer } from "../src/conversation/deliver.js";
import { Pacer } from "../src/conversation/pacer.js";
import { markReplySent, recordReply } from "../src/store/outbox.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

describe.each(PROVIDERS)("the outbox (%s)", (provider) => {
  let store: TestStore;
  let failures: (Error | null)[];
  let sent: string[];
  let deps: Deliverer;
  const channel: ChatChannel = {
    platform: "web",
    send: async (address) => {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(address);
      return { messageRef: `ref-${sent.length}` };
    },
    update: async () => undefined,
  };
  const T0 = new Date("2026-11-23T09:30:00Z");
  const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

  beforeEach(async () => {
    store = await freshStore(provider);
    failures = [];
    sent = [];
    deps = { store, log: pino({ level: "silent" }), channels: { web: channel }, pacer: new Pacer() };
  });
  afterEach(async () => store.drop());

  const queue = async (key: string, address = "Leadership") => {
    const result = await enqueue(deps, { key, kind: "digest", to: { platform: "web", address, locale: "en-GB" }, card: () => ({ type: "notice", text: key }) }, T0);
    return result.messageId!;
  };

  it("records a message once per key", async () => {
    const first = await enqueue(deps, { key: "digest:2026-W48:x", kind: "digest", to: { platform: "web", address: "L", locale: "en-GB" }, card: () => ({ type: "notice", text: "a" }) }, T0);
    const second = await enqueue(deps, { key: "digest:2026-W48:x", kind: "digest", to: { platform: "web", address: "L", locale: "en-GB" }, card: () => ({ type: "notice", text: "b" }) }, T0);
    expect(first.status).toBe("queued");
    expect(second).toEqual({ status: "duplicate", messageId: first.messageId });
    expect(await store.db.chatMessage.count()).toBe(1);
  });

  it("records a reply card sent in the same turn beside the outbox's messages, and never sends it itself", async () => {
    const person = await store.db.person.create({ data: { name: "Sam Jones", webUserId: "Sam", preferredPlatform: "web", locale: "cy" } });
    await recordReply(store.db, person, { id: "reply-1", key: "reply:sam:1", actionIds: ["a1"], card: '{"type":"notice","text":"x"}' }, T0);
    await queue("digest:1");
    expect(await store.db.chatMessage.findUniqueOrThrow({ where: { id: "reply-1" } })).toMatchObject({ kind: "reply", status: "replying", personId: person.id, platform: "web", locale: "cy", actionIds: '["a1"]', nextAttemptAt: null });
    // The sender takes up the digest only; the adapter says where the reply went.
    await dispatchPending(deps, later(1));
    expect(sent).toEqual(["Leadership"]);
    await markReplySent(store.db, "reply-1", { platform: "web", address: "Sam", messageRef: "r1" }, later(1));
    expect(await store.db.chatMessage.findUniqueOrThrow({ where: { id: "reply-1" } })).toMatchObject({ status: "sent", address: "Sam", messageRef: "r1" });
    expect(await store.db.promptedAction.count()).toBe(0);
  });

  it("retries a failed send with backoff, then parks it as failed after five attempts", async () => {
    const id = await queue("digest:w1");
    failures = Array.from({ length: MAX_ATTEMPTS }, () => new Error("503 Service Unavailable"));
    expect(await dispatchPending(deps, T0)).toMatchObject([{ status: "retrying" }]);
    const after1 = await store.db.chatMessage.findUniqueOrThrow({ where: { id } });
    expect(after1).toMatchObject({ status: "pending", attempts: 1, lastError: "503 Service Unavailable" });
    // Not retried before its backoff has passed (about 30 seconds for the first).
    expect(await dispatchPending(deps, new Date(T0.getTime() + 10_000))).toEqual([]);
    let now = T0;
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      now = (await store.db.chatMessage.findUniqueOrThrow({ where: { id } })).nextAttemptAt!;
      await dispatchPending(deps, now);
    }
    expect(await store.db.chatMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    expect(await dispatchPending(deps, later(600))).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("sends after a transient failure, once", async () => {
    await queue("digest:w2");
    failures = [new Error("502 Bad Gateway")];
    await dispatchPending(deps, T0);
    await dispatchPending(deps, later(5));
    await dispatchPending(deps, later(10));
    expect(sent).toEqual(["Leadership"]);
    expect(await store.db.chatMessage.findFirstOrThrow()).toMatchObject({ status: "sent", attempts: 2, messageRef: "ref-1" });
  });

  it("marks a person who blocked the bot unreachable and does not retry", async () => {
    const person = await store.db.person.create({ data: { name: "Sam Jones", webUserId: "Sam Jones", origin: "playground", preferredPlatform: "web" } });
    await enqueue(deps, { key: "prompt:2026-11-23:sam", kind: "prompt", to: { person }, card: () => ({ type: "notice", text: "hi" }) }, T0);
    failures = [new UnreachableError("web", "MessageWritesBlocked")];
    expect(await dispatchPending(deps, T0)).toMatchObject([{ status: "unreachable" }]);
    expect((await store.db.person.findUniqueOrThrow({ where: { id: person.id } })).unreachableAt).toEqual(T0);
    expect(await dispatchPending(deps, later(60))).toEqual([]);
  });

  it("finds a person mapped only by email on a platform that can look them up", async () => {
    const slack: ChatChannel = {
      platform: "slack",
      send: async (address) => {
        sent.push(address);
        return { messageRef: "ts" };
      },
      update: async () => undefined,
      findUser: async (email) => (email === "sam@example.gov.uk" ? { userId: "U123", locale: "cy-GB" } : null),
    };
    const withSlack: Deliverer = { ...deps, channels: { slack } };
    const sam = await store.db.person.create({ data: { name: "Sam Jones", email: "sam@example.gov.uk" } });
    const nobody = await store.db.person.create({ data: { name: "No One", email: "none@example.gov.uk" } });
    expect(await enqueue(withSlack, { key: "p:sam", kind: "prompt", to: { person: sam }, card: () => ({ type: "notice", text: "x" }) }, T0)).toMatchObject({ status: "queued" });
    expect(await enqueue(withSlack, { key: "p:none", kind: "prompt", to: { person: nobody }, card: () => ({ type: "notice", text: "x" }) }, T0)).toEqual({ status: "unreachable", messageId: null });
    await dispatchPending(withSlack, T0);
    expect(sent).toEqual(["U123"]);
    expect(await store.db.person.findUniqueOrThrow({ where: { id: sam.id } })).toMatchObject({ slackUserId: "U123", locale: "cy", preferredPlatform: "slack" });
  });

  it("records a burst of sends in a few statements, each message with its own reference, time and attempts", async () => {
    const marks: string[] = [];
    const counted = await freshStore(provider, { onQuery: (sql) => void (sql.includes(`SET "status" = 'sent'`) && marks.push(sql)) });
    try {
      const refs = new Map<string, string>();
      const web: ChatChannel = {
        platform: "web",
        send: async (address) => {
          // The third address fails once: its second attempt is recorded as the second.
          if (address === "room-3" && !refs.has("failed")) {
            refs.set("failed", "");
            throw new Error("503 Service Unavailable");
          }
          refs.set(address, `ref-of-${address}`);
          return { messageRef: `ref-of-${address}` };
        },
        update: async () => undefined,
      };
      const burst: Deliverer = { store: counted, log: pino({ level: "silent" }), channels: { web }, pacer: new Pacer() };
      const ids = new Map<string, string>();
      for (let i = 0; i < 60; i++) {
        const queued = await enqueue(burst, { key: `notice-${i}`, kind: "notice", to: { platform: "web", address: `room-${i}`, locale: "en-GB" }, card: () => ({ type: "notice", text: `${i}` }) }, T0);
        ids.set(`room-${i}`, queued.messageId!);
      }
      const first = await dispatchPending(burst, T0);
      expect(first.filter((r) => r.status === "sent")).toHaveLength(59);
      expect(marks.length).toBeGreaterThan(0);
      expect(marks.length).toBeLessThan(15);
      const retryAt = (await counted.db.chatMessage.findUniqueOrThrow({ where: { id: ids.get("room-3")! } })).nextAttemptAt!;
      expect(await dispatchPending(burst, retryAt)).toMatchObject([{ status: "sent" }]);
      for (const [address, id] of ids) {
        const row = await counted.db.chatMessage.findUniqueOrThrow({ where: { id } });
        expect(row).toMatchObject({ status: "sent", messageRef: `ref-of-${address}`, attempts: address === "room-3" ? 2 : 1, claimedUntil: null });
        expect(row.sentAt).toBeInstanceOf(Date);
      }
    } finally {
      await counted.drop();
    }
  });

  it("lets only one of two senders send a message", async () => {
    const id = await queue("digest:w3");
    const other: Deliverer = { ...deps, workerId: "other" };
    const results = await Promise.all([dispatchPending(deps, T0), dispatchPending(other, T0)]);
    expect(results.flat().filter((r) => r.status === "sent")).toHaveLength(1);
    expect(sent).toEqual(["Leadership"]);
    expect((await store.db.chatMessage.findUniqueOrThrow({ where: { id } })).status).toBe("sent");
  });
});
