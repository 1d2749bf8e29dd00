/** One item's outcome in a batch: its value, or why it failed. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit: items that arrive while a batch runs wait for it and go in the next, so a lone item
 * runs at once and a burst in a few batches of at most `max`, with `parallel` batches running at
 * once. `run` settles each item of its batch, in order; if it throws, every item of the batch fails
 * with that error. Used for answers (record-answer.ts) and sends marked as sent (outbox.ts).
 */
export class Batches<T, R> {
  private queue: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<Settled<R>[]>,
    private readonly max: number,
    private readonly parallel = 1,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running >= this.parallel) return;
      this.running += 1;
      // After this turn of the event loop: items that arrived in it go in the same batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.max);
        let settled: Settled<R>[];
        try {
          settled = await this.run(batch.map((entry) => entry.item));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
          continue;
        }
        for (const [i, entry] of batch.entries()) {
          const s = settled[i]!;
          if (s.ok) entry.resolve(s.value);
          else entry.reject(s.error);
        }
      }
    } finally {
      this.running -= 1;
    }
  }
}

/** A promise's outcome as a Settled, never rejecting. */
export function settle<R>(promise: Promise<R>): Promise<Settled<R>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
