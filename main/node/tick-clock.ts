// How many engine ticks are due. A timer asked for every 10 ms fires every 10.x ms (later still on
// a busy machine), and the engine counts ticks, not milliseconds: counting callbacks made a 150 ms
// election timeout last 165-170 ms. This clock counts the periods that really elapsed since the
// first tick, so late callbacks are made up, one extra tick at a time. A longer gap (a frozen
// process, a long pause) is lost time, as it was before: a burst of ticks would run before the
// heartbeats waiting in the socket are read (timers come before I/O in Node's event loop), and
// time out a leader that is alive.

export class TickClock {
  private readonly periodMs: number;
  private readonly maxTicks: number;
  private due: number;

  constructor(periodMs: number, now: number, maxTicks = 2) {
    this.periodMs = periodMs;
    this.maxTicks = maxTicks;
    this.due = now + periodMs;
  }

  /** The ticks due at `now` (monotonic ms), at least 0. */
  ticks(now: number): number {
    if (now < this.due) return 0;
    const elapsed = Math.floor((now - this.due) / this.periodMs) + 1;
    if (elapsed > this.maxTicks) {
      this.due = now + this.periodMs;
      return 1;
    }
    this.due += elapsed * this.periodMs;
    return elapsed;
  }
}
