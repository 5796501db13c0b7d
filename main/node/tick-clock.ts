// Engine time for a member process. The engine counts ticks, not milliseconds, and most ticks
// change nothing but its counters (RawNode.ticksUntilDue says how many), so the member sleeps
// until the tick that may act and then runs every tick that went by. Waking every 10 ms instead
// cost an idle member 100 wake-ups a second. Ticks are counted from the wall clock, so a timer
// that fires late is made up; the ticks short of the due one are also run before a message is
// stepped, because a vote's lease check reads them.

export class TickClock {
  private readonly periodMs: number;
  private readonly maxLateTicks: number;
  /** The time up to which ticks have been counted. */
  private counted: number;
  /** When the member's timer is set to fire. */
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(periodMs: number, now: number, maxLateTicks = 2) {
    this.periodMs = periodMs;
    this.maxLateTicks = maxLateTicks;
    this.counted = now;
  }

  /** Whole ticks between the last counted one and `now`. */
  private elapsed(now: number): number {
    return Math.max(0, Math.floor((now - this.counted) / this.periodMs));
  }

  /**
   * Far past the timer's moment: the process was frozen or starved. Messages may be waiting in its
   * socket, and a live leader's heartbeat among them must be read before a follower's timer acts;
   * so the ticks stop short of the due one, and time restarts now (the due tick comes a period
   * later, after those messages). Whether the timer or a message comes first after the stall
   * depends on where the event loop stopped.
   */
  private stalled(now: number): boolean {
    return now - this.wakeAt > this.maxLateTicks * this.periodMs;
  }

  /**
   * Before a message is stepped, the engine being due in `untilDue` ticks: the ticks that went by,
   * short of the due one. Acting is the timer's: a tick that comes due while messages are read
   * runs after them, as it would have if the timer had fired first.
   */
  beforeMessage(now: number, untilDue: number): number {
    return this.shortOfDue(now, untilDue, this.stalled(now));
  }

  /** At the timer's callback, the engine being due in `untilDue` ticks: the ticks to run. */
  onTimer(now: number, untilDue: number): number {
    const stalled = this.stalled(now);
    this.wakeAt = Number.POSITIVE_INFINITY; // no timer is set until the next schedule()
    // On time, the due tick is the timer's to run, and any that a late callback makes up.
    return this.shortOfDue(now, stalled ? untilDue : Number.POSITIVE_INFINITY, stalled);
  }

  /** The ticks that went by, short of the due one; after a stall, time restarts at `now`. */
  private shortOfDue(now: number, untilDue: number, restart: boolean): number {
    const ticks = Math.min(this.elapsed(now), untilDue - 1);
    this.counted = restart ? now : this.counted + ticks * this.periodMs;
    return ticks;
  }

  /**
   * When to wake for the tick `untilDue` ticks after the last counted one: the delay in ms from
   * `now`, or null when the timer already set is for that moment.
   */
  schedule(now: number, untilDue: number): number | null {
    const wakeAt = this.counted + untilDue * this.periodMs;
    if (wakeAt === this.wakeAt) return null;
    this.wakeAt = wakeAt;
    return Math.max(0, wakeAt - now);
  }
}
