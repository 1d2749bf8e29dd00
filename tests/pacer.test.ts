import { describe, expect, it } from "vitest";
import { Pacer, SEND_LIMITS } from "../src/conversation/pacer.js";

/** A clock the test moves: sleeping advances it, so pacing is measured, not waited for. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), at: () => t };
}

async function sendTimes(pacer: Pacer, clock: ReturnType<typeof fakeClock>, platform: "teams" | "slack", addresses: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const address of addresses) {
    await pacer.take(platform, address);
    times.push(clock.at());
  }
  return times;
}

const maxInWindow = (times: number[], ms: number) => Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + ms).length));

describe("pacing sends to the platforms' documented limits", () => {
  it("keeps one Teams chat within 7 a second, 8 in two seconds and 60 in thirty", async () => {
    const clock = fakeClock();
    const times = await sendTimes(new Pacer(SEND_LIMITS, clock), clock, "teams", Array.from({ length: 70 }, () => "conversation-1"));
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(7);
    expect(maxInWindow(times, 2000)).toBeLessThanOrEqual(8);
    expect(maxInWindow(times, 30_000)).toBeLessThanOrEqual(60);
    expect(times.at(-1)).toBeGreaterThan(30_000);
  });

  it("keeps a Teams app within 50 a second across chats, spread through the second, and wastes no time below it", async () => {
    const clock = fakeClock();
    const times = await sendTimes(new Pacer(SEND_LIMITS, clock), clock, "teams", Array.from({ length: 200 }, (_, i) => `conversation-${i}`));
    expect(maxInWindow(times, 1000)).toBe(50);
    // Never the whole second's fifty at once: five in any tenth of a second.
    expect(maxInWindow(times, 100)).toBe(5);
    // 200 sends at 50 every 1.05 seconds (a twentieth of margin), five at a time: the last at 4.1 seconds.
    expect(times.at(-1)).toBeGreaterThanOrEqual(39 * 105);
    expect(times.at(-1)).toBeLessThan(39 * 105 + 100);
  });

  it("keeps a Slack workspace within its cap of 300 a minute, the minute's allowance sent in a few seconds", async () => {
    const clock = fakeClock();
    const times = await sendTimes(new Pacer(SEND_LIMITS, clock), clock, "slack", Array.from({ length: 600 }, (_, i) => `C${i}`));
    expect(maxInWindow(times, 60_000)).toBe(300);
    expect(times[299]).toBeLessThan(5_000);
    // The second 300 begin once the first have left the window (with its second of margin).
    expect(times[300]).toBeGreaterThanOrEqual(61_000);
    expect(times[599]! - times[300]!).toBeLessThan(5_000);
  });

  it("keeps a Slack channel to one message a second", async () => {
    const clock = fakeClock();
    const times = await sendTimes(new Pacer(SEND_LIMITS, clock), clock, "slack", ["D1", "D1", "D1", "D2"]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1000);
    expect(times[3]).toBe(times[2]);
  });
});
