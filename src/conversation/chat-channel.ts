import type { Card } from "./card.js";
import type { Platform } from "./chat-user.js";

/**
 * What the core needs of a chat platform to start or update a conversation. Adapters implement it
 * by converting the card and forwarding; they decide nothing.
 */
export interface ChatChannel {
  platform: Platform;
  /**
   * Sends a card to a person (or channel); returns the platform's reference for later updates and,
   * for a person on a platform that gives one (Slack's D…), the direct channel it went to, which
   * the next send is given back as `directChannel`.
   */
  send(address: string, card: Card, options?: { directChannel?: string | null }): Promise<{ messageRef: string; directChannel?: string }>;
  /** Replaces a sent card in place. */
  update(address: string, messageRef: string, card: Card): Promise<void>;
  /** Finds a person on the platform by email, where the platform allows it (Slack does; Teams cannot message an email). */
  findUser?(email: string): Promise<{ userId: string; locale: string | null } | null>;
}

/** A platform's refusal that retrying will not mend: the person blocked or removed the bot. */
export class UnreachableError extends Error {
  constructor(readonly platform: Platform, readonly reason: string) {
    super(`${platform}: ${reason}`);
    this.name = "UnreachableError";
  }
}
