import type { Platform } from "./chat-user.js";

interface Window {
  limit: number;
  ms: number;
}

/**
 * The platforms' documented send limits (shared/notes/platform-facts.md). Teams: per thread 7 in
 * 1 s, 8 in 2 s, 60 in 30 s; per app per tenant 50 a second. Slack: about one message a second
 * per channel, and a workspace cap of "several hundred a minute" for chat.postMessage (the fake
 * uses 300). The playground has none.
 *
 * Each window is a little longer than documented, as send times jitter and a platform counting its
 * own second must never see one send too many. The per-app second is also cut into tenths: fifty
 * sends let go at once leave one after another as the process gets to them, the last ones late,
 * so the next second's first sends reach the platform inside the same second it counts. Spread
 * through the second, each send leaves about when it was let go, and a margin of a twentieth holds.
 */
export const SEND_LIMITS: Record<Platform, { perAddress: Window[]; overall: Window[] }> = {
  teams: { perAddress: [{ limit: 7, ms: 1100 }, { limit: 8, ms: 2200 }, { limit: 60, ms: 33_000 }], overall: [{ limit: 50, ms: 1050 }, { limit: 5, ms: 105 }] },
  // The minute's allowance in a few seconds, not all at once: Slack documents no per-second cap.
  slack: { perAddress: [{ limit: 1, ms: 1100 }], overall: [{ limit: 300, ms: 61_000 }, { limit: 10, ms: 105 }] },
  web: { perAddress: [], overall: [] },
};

/**
 * Waits until a send fits every window: sliding windows of recent send times, per address and
 * overall, per platform. Pacing ahead of the limits means the platforms rarely answer 429.
 */
export class Pacer {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly limits = SEND_LIMITS,
    private readonly clock: { now(): number; sleep(ms: number): Promise<void> } = {
      now: () => performance.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
  ) {}

  async take(platform: Platform, address: string): Promise<void> {
    const { perAddress, overall } = this.limits[platform];
    const keys: [string, Window[]][] = [[`${platform}:*`, overall], [`${platform}:${address}`, perAddress]];
    for (;;) {
      const now = this.clock.now();
      let wait = 0;
      for (const [key, windows] of keys) {
        const times = this.sent.get(key) ?? [];
        const longest = Math.max(0, ...windows.map((w) => w.ms));
        while (times.length > 0 && times[0]! <= now - longest) times.shift();
        for (const w of windows) {
          const inWindow = times.filter((t) => t > now - w.ms);
          if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit]! + w.ms - now);
        }
        this.sent.set(key, times);
      }
      if (wait <= 0) break;
      await this.clock.sleep(Math.ceil(wait) + 1);
    }
    const at = this.clock.now();
    for (const [key] of keys) this.sent.get(key)!.push(at);
    // Forget addresses not used for a while, so a long-running process does not grow.
    if (this.sent.size > 10_000) for (const [key, times] of this.sent) if ((times.at(-1) ?? 0) < at - 60_000) this.sent.delete(key);
  }
}
