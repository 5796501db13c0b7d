// A burst of writes: `count` of them, at most `concurrency` at a time, each timed from request to
// answer. Live figures while it runs (writes answered in the last second, latency percentiles) and
// a summary at the end, failures counted by their status (503: certainly not applied, 504: unknown,
// 0: no answer from the door at all). Pure apart from the `write` it is given.

import { percentile } from '../../../main/shared/percentile.ts';

export interface StressOptions {
  readonly count: number;
  readonly concurrency: number;
  /** Perform write number `i`; resolves to the answer's status (200 when committed and applied). */
  readonly write: (i: number) => Promise<number>;
  /** A clock in ms (performance.now in the window). */
  readonly now: () => number;
}

export interface StressFigures {
  readonly started: number;
  readonly done: number;
  readonly ok: number;
  /** Failed writes per status, ascending by status. */
  readonly failures: readonly (readonly [status: number, count: number])[];
  /** Writes answered 200 per second over the last two seconds (while running), or over the whole run (when over). */
  readonly perSecond: number;
  /** Latency of the successful writes, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly elapsedMs: number;
}

const RATE_WINDOW_MS = 2000;

export class StressRun {
  readonly count: number;
  private readonly o: StressOptions;
  private next = 0;
  private cancelled = false;
  private readonly startAt: number;
  private endAt: number | null = null;
  /** Successful writes: when each was answered and how long it took. */
  private readonly answers: { readonly at: number; readonly latencyMs: number }[] = [];
  private readonly failed = new Map<number, number>();
  private doneCount = 0;

  constructor(options: StressOptions) {
    this.o = options;
    this.count = options.count;
    this.startAt = options.now();
  }

  /** Run to the end (or until cancelled); resolves when every write started has been answered. */
  async run(): Promise<void> {
    const worker = async (): Promise<void> => {
      while (!this.cancelled && this.next < this.o.count) {
        const i = this.next++;
        const t0 = this.o.now();
        let status: number;
        try {
          status = await this.o.write(i);
        } catch {
          status = 0;
        }
        const at = this.o.now();
        this.doneCount++;
        if (status === 200) this.answers.push({ at, latencyMs: at - t0 });
        else this.failed.set(status, (this.failed.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.o.concurrency) }, worker));
    this.endAt = this.o.now();
  }

  /** Start no more writes; those in flight still finish. */
  cancel(): void {
    this.cancelled = true;
  }

  get over(): boolean {
    return this.endAt !== null;
  }

  figures(): StressFigures {
    const now = this.endAt ?? this.o.now();
    const elapsedMs = now - this.startAt;
    const sorted = this.answers.map((a) => a.latencyMs).sort((a, b) => a - b);
    const perSecond =
      this.endAt === null
        ? this.answers.filter((a) => a.at > now - RATE_WINDOW_MS).length / (RATE_WINDOW_MS / 1000)
        : elapsedMs > 0
          ? this.answers.length / (elapsedMs / 1000)
          : 0;
    return {
      started: this.next,
      done: this.doneCount,
      ok: this.answers.length,
      failures: [...this.failed].sort(([a], [b]) => a - b),
      perSecond,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? 0,
      elapsedMs,
    };
  }
}
