import type { Prisma } from "../generated/sqlite/client.js";

/** What a card shows of an action: the action, its plan, its recommendation and its owners' roles. */
export const ACTION_CARD_INCLUDE = {
  plan: { select: { id: true, title: true, slug: true } },
  recommendation: { select: { ref: true, key: true } },
  owners: { include: { role: true }, orderBy: { position: "asc" } },
} as const satisfies Prisma.ActionInclude;
export type CardAction = Prisma.ActionGetPayload<{ include: typeof ACTION_CARD_INCLUDE }>;
