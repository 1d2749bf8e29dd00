import { randomUUID } from "node:crypto";
import type { Card } from "../../conversation/card.js";
import type { ChatChannel } from "../../conversation/chat-channel.js";

export interface WebMessage {
  id: string;
  from: "chaser" | "person";
  card: Card | null;
  text: string | null;
  /** Who said it, in a channel where several people speak. */
  author?: string;
  at: string;
  updatedAt: string | null;
}

/**
 * The local playground's chat: each person's conversation kept in memory, so Chaser can be tried
 * with no Teams or Slack. Sends and updates behave as on a real platform (updates replace in place).
 */
export class WebChannel implements ChatChannel {
  readonly platform = "web" as const;
  private readonly conversations = new Map<string, WebMessage[]>();
  private static readonly KEEP = 200;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async send(address: string, card: Card): Promise<{ messageRef: string }> {
    const message: WebMessage = { id: randomUUID(), from: "chaser", card, text: null, at: this.now().toISOString(), updatedAt: null };
    this.push(address, message);
    return { messageRef: message.id };
  }

  async update(address: string, messageRef: string, card: Card): Promise<void> {
    const message = this.messages(address).find((m) => m.id === messageRef);
    if (!message) throw new Error(`no message ${messageRef} for ${address}`);
    message.card = card;
    message.updatedAt = this.now().toISOString();
  }

  /** What the person typed, shown in their conversation (or the channel, with who said it). */
  said(address: string, text: string, author?: string): void {
    this.push(address, { id: randomUUID(), from: "person", card: null, text, ...(author ? { author } : {}), at: this.now().toISOString(), updatedAt: null });
  }

  /** Forgets these conversations (the playground's sample was reset). */
  clear(addresses: readonly string[]): void {
    for (const address of addresses) this.conversations.delete(address);
  }

  messages(address: string): WebMessage[] {
    return this.conversations.get(address) ?? [];
  }

  people(): string[] {
    return [...this.conversations.keys()];
  }

  private push(address: string, message: WebMessage): void {
    const list = this.conversations.get(address) ?? [];
    list.push(message);
    if (list.length > WebChannel.KEEP) list.splice(0, list.length - WebChannel.KEEP);
    this.conversations.set(address, list);
  }
}
