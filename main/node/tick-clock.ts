// How many engine ticks are due. A timer asked for every 10 ms fires every 10.x ms (later still on
// a busy machine), and the engine counts ticks, not milliseconds: counting callbacks made a 150 ms
// election timeout last 165-170 ms. This clock counts the periods that really elapsed since the
// first tick, so late callbacks are made up; a gap longer than `maxCatchUpMs` (a frozen process,
// a long pause) is lost time instead of a burst of ticks, as it was before.

export class TickClock {
  private readonly periodMs: number;
  private readonly maxCatchUp: number;
  private due: number;

  constructor(periodMs: number, now: number, maxCatchUpMs = 100) {
    this.periodMs = periodMs;
    this.maxCatchUp = Math.max(1, Math.floor(maxCatchUpMs / periodMs));
    this.due = now + periodMs;
  }

  /** The ticks due at `now` (monotonic ms), at least 0. */
  ticks(now: number): number {
    if (now < this.due) return 0;
    const elapsed = Math.floor((now - this.due) / this.periodMs) + 1;
    if (elapsed > this.maxCatchUp) {
      this.due = now + this.periodMs;
      return 1;
    }
    this.due += elapsed * this.periodMs;
    return elapsed;
  }
}
