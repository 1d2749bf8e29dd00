import { z } from "zod";

/** The one status vocabulary every plan is normalised to; the words as written are kept beside it. */
export const STATUSES = [
  "not_started",
  "in_progress",
  "delayed",
  "blocked",
  "on_hold",
  "complete",
  "ongoing",
  "cancelled",
] as const;
export const Status = z.enum(STATUSES);
export type Status = z.infer<typeof Status>;

export const RAGS = ["red", "amber", "green"] as const;
export const Rag = z.enum(RAGS);
export type Rag = z.infer<typeof Rag>;

/** Statuses that need no more chasing. */
export const CLOSED_STATUSES: ReadonlySet<Status> = new Set(["complete", "cancelled"]);

/** How a change reached the store; kept on every history entry. */
export const VIAS = ["import", "cli", "command", "chat:teams", "chat:slack", "chat:web", "schedule"] as const;
export const Via = z.enum(VIAS);
export type Via = z.infer<typeof Via>;
