/** How long an interaction waits for the core before Slack is acknowledged; Slack allows 3 s. */
export const ACK_DEADLINE_MS = 2_000;

/**
 * Runs a Slack interaction and acknowledges it once the core has decided (the answer committed,
 * or known not to be saved), or at the deadline, whichever comes first. Acknowledging after the
 * commit means a process that dies mid-answer leaves Slack showing the person an error, never a
 * silent loss; an answer still undecided at the deadline reports back through response_url.
 *
 * `work` gets `ackOnce`: it acknowledges with a response (a modal's errors, a command's words) and
 * returns true, or returns false when Slack was already acknowledged. `work` must not throw.
 */
export async function ackAfterCommit<R>(
  ack: (response?: R) => Promise<void>,
  work: (ackOnce: (response?: R) => Promise<boolean>) => Promise<void>,
  deadlineMs = ACK_DEADLINE_MS,
): Promise<void> {
  let acked = false;
  const ackOnce = async (response?: R): Promise<boolean> => {
    if (acked) return false;
    acked = true;
    await ack(response);
    return true;
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  const running = work(ackOnce);
  await Promise.race([running, deadline]);
  clearTimeout(timer);
  await ackOnce();
  await running;
}
