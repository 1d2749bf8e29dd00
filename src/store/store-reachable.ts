import type { Store } from "./open-store.js";

/** How long a readiness check waits for the database before calling it unreachable. */
export const REACHABLE_TIMEOUT_MS = 2_000;

/**
 * True when the database answers a trivial query in time: what /readyz reports, and how a failed
 * request tells "the database is down" from a fault of its own.
 */
export async function storeReachable(store: Pick<Store, "db">, timeoutMs = REACHABLE_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  // Settled either way, so a query that fails after the timeout is not an unhandled rejection.
  const answered = store.db.$queryRawUnsafe("SELECT 1").then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
