import type { Card } from "../../src/conversation/card.js";
import type { ChatChannel } from "../../src/conversation/chat-channel.js";

/**
 * A chat channel that posts each card to an HTTP endpoint the test runs: a stand-in platform that
 * several processes can share, so what each of them sent can be counted in one place.
 */
export function httpChannel(url: string): ChatChannel {
  return {
    platform: "web",
    send: async (address: string, card: Card) => {
      const res = await fetch(`${url}/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ address, card }) });
      if (!res.ok) throw new Error(`platform answered ${res.status}`);
      return (await res.json()) as { messageRef: string };
    },
    update: async () => undefined,
  };
}
