// Numbers about the cluster, derived only from its event stream (so a recording yields the same
// numbers as the live cluster): leader changes, how long elections took, client latency and
// throughput, and how far each member lags behind the leader.

import type { ClusterEvent } from '../shared/contract.ts';
import { ElectionWatch } from '../shared/elections.ts';
import { percentile } from '../shared/percentile.ts';

export interface Metrics {
  readonly leaderChanges: readonly { readonly at: number; readonly leader: number; readonly term: number }[];
  /** From the first candidacy after a leader was lost (or at start) to the next leader, in ms. */
  readonly elections: readonly { readonly at: number; readonly term: number; readonly durationMs: number }[];
  readonly client: {
    readonly completed: number;
    readonly failed: number;
    readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
    /** Successful client operations per second over the last `windowMs`. */
    readonly throughput: number;
  };
  /** Leader's last index minus each member's applied index. */
  readonly lag: Readonly<Record<number, number>>;
}

const WINDOW_MS = 5000;
const LATENCY_SAMPLES = 2000;

export class MetricsCollector {
  private readonly leaderChanges: { at: number; leader: number; term: number }[] = [];
  private readonly elections: { at: number; term: number; durationMs: number }[] = [];
  private readonly watch = new ElectionWatch();
  private readonly latencies: number[] = [];
  private readonly successes: number[] = [];
  private completed = 0;
  private failed = 0;
  private readonly applied = new Map<number, number>();
  private leaderLast = 0;

  add(e: ClusterEvent): void {
    const change = this.watch.add(e);
    if (change !== null) {
      this.leaderChanges.push({ at: change.at, leader: change.leader, term: change.term });
      if (change.electionMs !== null)
        this.elections.push({ at: change.at, term: change.term, durationMs: change.electionMs });
    }
    switch (e.kind) {
      case 'state':
        this.applied.set(e.node, e.applied);
        if (this.watch.leader?.id === e.node) this.leaderLast = e.last;
        return;
      case 'client':
        if (e.status >= 200 && e.status < 300) {
          this.completed++;
          this.successes.push(e.at);
          this.latencies.push(e.latencyMs);
          if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
        } else if (e.status !== 409) {
          this.failed++;
        } else {
          this.completed++;
        }
        return;
      default:
        return;
    }
  }

  snapshot(now: number = Date.now()): Metrics {
    while (this.successes.length > 0 && this.successes[0]! < now - WINDOW_MS) this.successes.shift();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const lag: Record<number, number> = {};
    for (const [id, applied] of this.applied) lag[id] = Math.max(0, this.leaderLast - applied);
    return {
      leaderChanges: [...this.leaderChanges],
      elections: [...this.elections],
      client: {
        completed: this.completed,
        failed: this.failed,
        latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
        throughput: this.successes.length / (WINDOW_MS / 1000),
      },
      lag,
    };
  }
}
