/**
 * The playground's own time: the real clock plus an offset the visitor moves forward ("next prompt
 * run", "+1 week"). Everything the playground asks of the core is asked at this time.
 */
export class PlaygroundClock {
  private offsetMs = 0;

  constructor(private readonly real: () => Date = () => new Date()) {}

  readonly now = (): Date => new Date(this.real().getTime() + this.offsetMs);

  /** Moves to `when`; never backwards, since what was sent cannot be unsent. */
  moveTo(when: Date): void {
    this.offsetMs = Math.max(this.offsetMs, when.getTime() - this.real().getTime());
  }

  /** Back to the real time (the sample was remade for today). */
  reset(): void {
    this.offsetMs = 0;
  }
}
