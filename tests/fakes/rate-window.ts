/**
 * Sliding-window rate limits, as the fakes enforce them: a request is admitted when every window
 * has room; admitted requests are remembered, refused ones are not. When one is refused, the answer
 * says how long until it would be admitted (what a Retry-After header carries).
 */
export interface WindowLimit {
  /** Requests allowed within `windowMs`. */
  limit: number;
  windowMs: number;
}

export class SlidingWindows {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Admits the request (recording it) and returns 0, or returns the milliseconds to wait. */
  take(key: string, limits: readonly WindowLimit[]): number {
    const now = this.now();
    const longest = Math.max(0, ...limits.map((l) => l.windowMs));
    const hits = (this.hits.get(key) ?? []).filter((t) => t > now - longest);
    let waitMs = 0;
    for (const { limit, windowMs } of limits) {
      const inWindow = hits.filter((t) => t > now - windowMs);
      if (inWindow.length >= limit) {
        // The request fits once enough of the oldest hits leave the window.
        const oldestThatMustLeave = inWindow[inWindow.length - limit] ?? now;
        waitMs = Math.max(waitMs, oldestThatMustLeave + windowMs - now);
      }
    }
    if (waitMs > 0) {
      this.hits.set(key, hits);
      return waitMs;
    }
    hits.push(now);
    this.hits.set(key, hits);
    return 0;
  }

  reset(): void {
    this.hits.clear();
  }
}

/** Retry-After in whole seconds, never 0 for a refused request. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** A token bucket: `burst` requests at once, refilled at `perSecond`. Returns 0 or the ms to wait. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) / this.perSecond) * 1000;
  }

  reset(): void {
    this.buckets.clear();
  }
}
