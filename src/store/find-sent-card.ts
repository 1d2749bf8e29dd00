import type { Card } from "../conversation/card.js";
import type { Store } from "./open-store.js";

/** The card recorded for a sent message, found by the platform's reference to it. */
export async function findSentCard(store: Store, platform: string, messageRef: string): Promise<{ card: Card; locale: string } | null> {
  const row = await store.db.chatMessage.findFirst({ where: { platform, messageRef }, select: { card: true, locale: true }, orderBy: { createdAt: "desc" } });
  if (!row?.card) return null;
  try {
    return { card: JSON.parse(row.card) as Card, locale: row.locale };
  } catch {
    return null;
  }
}
