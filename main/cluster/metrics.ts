// Numbers about the cluster, derived only from its event stream (so a recording yields the same
// numbers as the live cluster): leader changes, how long elections took, client latency and
// throughput, and how far each member lags behind the leader.

import type { ClusterEvent } from '../shared/contract.ts';

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

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export class MetricsCollector {
  private readonly leaderChanges: { at: number; leader: number; term: number }[] = [];
  private readonly elections: { at: number; term: number; durationMs: number }[] = [];
  private campaignSince: number | null = null;
  private leader: { id: number; term: number } | null = null;
  private readonly latencies: number[] = [];
  private readonly successes: number[] = [];
  private completed = 0;
  private failed = 0;
  private readonly applied = new Map<number, number>();
  private leaderLast = 0;

  add(e: ClusterEvent): void {
    switch (e.kind) {
      case 'state':
        this.applied.set(e.node, e.applied);
        if (e.role === 'leader' && (this.leader === null || e.term > this.leader.term || this.leader.id !== e.node)) {
          this.leader = { id: e.node, term: e.term };
          this.leaderChanges.push({ at: e.at, leader: e.node, term: e.term });
          if (this.campaignSince !== null)
            this.elections.push({ at: e.at, term: e.term, durationMs: e.at - this.campaignSince });
          this.campaignSince = null;
        } else if (
          (e.role === 'candidate' || e.role === 'precandidate') &&
          (this.leader === null || e.term >= this.leader.term)
        ) {
          this.campaignSince ??= e.at;
        }
        if (this.leader?.id === e.node && e.role === 'leader') this.leaderLast = e.last;
        if (this.leader?.id === e.node && e.role !== 'leader') this.leader = null;
        return;
      case 'member':
        if (e.status !== 'running' && this.leader?.id === e.node) this.leader = null;
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
