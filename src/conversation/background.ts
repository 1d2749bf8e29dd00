import type { Logger } from "../log.js";

/**
 * Work a person need not wait for, run after their answer is acknowledged. Failures are logged,
 * never lost silently; `settle` waits for everything started so far (shutdown, tests, playground).
 */
export class Background {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly log: Logger) {}

  readonly run = (task: () => Promise<unknown>): void => {
    const promise: Promise<unknown> = task()
      .catch((error: unknown) => this.log.error({ err: error }, "background task failed"))
      .finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  };

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
