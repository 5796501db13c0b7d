// The numbers behind the charts, derived from the recorded event stream alone, one event at a
// time: leader changes and how long each election took, entries committed per second, client
// writes answered per second and their latency, and how far each member's log lags behind the
// chairman's. Per second of cluster time; pure (no Vue), so the same recording gives the same charts.

import type { ClusterEvent } from '../../../main/shared/contract.ts';
import { ElectionWatch, type LeaderChange } from '../../../main/shared/elections.ts';
import { percentile } from '../../../main/shared/percentile.ts';

export const BUCKET_MS = 1000;
/** A silence longer than this (cluster stopped, nothing recorded) starts the buckets afresh. */
const MAX_GAP_BUCKETS = 3600;

interface Bucket {
  readonly second: number;
  /** The highest commit index any member reported by the end of this second. */
  commitEnd: number;
  writes: number;
  failed: number;
  readonly latencies: number[];
  /** The chairman's lag per member at the end of this second; null without a chairman. */
  lag: ReadonlyMap<number, number> | null;
}

export interface Point {
  /** Seconds relative to the moment shown (<= 0). */
  readonly x: number;
  readonly y: number | null;
}

export interface Insights {
  /** The moment shown, ms since the epoch: the last event taken. */
  readonly endAt: number;
  readonly spanMs: number;
  /** Leader changes within the span, oldest first, `x` as in Point. */
  readonly elections: readonly (LeaderChange & { readonly x: number })[];
  /** Leader changes since the recording began. */
  readonly leaderChanges: number;
  readonly commitsPerSecond: readonly Point[];
  readonly writesPerSecond: readonly Point[];
  readonly failuresPerSecond: readonly Point[];
  readonly latencyP50: readonly Point[];
  readonly latencyP99: readonly Point[];
  /** Per member: the chairman's last index minus the member's match index. */
  readonly lag: ReadonlyMap<number, readonly Point[]>;
}

const isWrite = (op: string): boolean => op !== 'get';
/** A client request that got an answer (200; 409 is cas finding another value): not 503 or 504. */
const answered = (status: number): boolean => status < 500;

export class InsightsBuilder {
  private readonly watch = new ElectionWatch();
  private readonly changes: LeaderChange[] = [];
  private buckets: Bucket[] = [];
  private maxCommit = 0;
  private lag: ReadonlyMap<number, number> | null = null;
  /** The last event taken. */
  seq = 0;
  at = 0;

  add(e: ClusterEvent): void {
    this.seq = e.seq;
    this.at = e.at;
    const b = this.bucketAt(e.at);
    const change = this.watch.add(e);
    if (change !== null) this.changes.push(change);
    switch (e.kind) {
      case 'state':
        this.maxCommit = Math.max(this.maxCommit, e.commit);
        if (e.role === 'leader' && this.watch.leader?.id === e.node) {
          const lag = new Map<number, number>();
          for (const p of e.progress) if (p.id !== e.node) lag.set(p.id, Math.max(0, e.last - p.match));
          this.lag = lag;
        }
        break;
      case 'client':
        if (!isWrite(e.op)) break;
        if (answered(e.status)) {
          b.writes++;
          b.latencies.push(e.latencyMs);
        } else {
          b.failed++;
        }
        break;
      default:
        break;
    }
    if (this.watch.leader === null) this.lag = null;
    b.commitEnd = this.maxCommit;
    b.lag = this.lag;
  }

  /** The bucket of this moment, opening the seconds in between (nothing happened in them). */
  private bucketAt(at: number): Bucket {
    const second = Math.floor(at / BUCKET_MS);
    let last = this.buckets.at(-1);
    if (last !== undefined && second <= last.second) return last;
    if (last !== undefined && second - last.second > MAX_GAP_BUCKETS) {
      this.buckets = [];
      last = undefined;
    }
    for (let s = last === undefined ? second : last.second + 1; s <= second; s++) {
      last = { second: s, commitEnd: this.maxCommit, writes: 0, failed: 0, latencies: [], lag: this.lag };
      this.buckets.push(last);
    }
    return last!;
  }

  /** The series over the `spanMs` before the last event; only whole seconds (the current one is partial). */
  insights(spanMs: number): Insights {
    const endAt = this.at;
    const x = (ms: number): number => (ms - endAt) / 1000;
    const current = Math.floor(endAt / BUCKET_MS);
    const first = Math.floor((endAt - spanMs) / BUCKET_MS);
    const commits: Point[] = [];
    const writes: Point[] = [];
    const failures: Point[] = [];
    const p50: Point[] = [];
    const p99: Point[] = [];
    const shown: Bucket[] = [];
    this.buckets.forEach((b, i) => {
      if (b.second < first || b.second >= current) return;
      shown.push(b);
      const at = x((b.second + 1) * BUCKET_MS);
      commits.push({ x: at, y: b.commitEnd - (this.buckets[i - 1]?.commitEnd ?? b.commitEnd) });
      writes.push({ x: at, y: b.writes });
      failures.push({ x: at, y: b.failed });
      const sorted = [...b.latencies].sort((m, n) => m - n);
      p50.push({ x: at, y: sorted.length === 0 ? null : percentile(sorted, 50) });
      p99.push({ x: at, y: sorted.length === 0 ? null : percentile(sorted, 99) });
    });
    // Every member seen in the span gets a point each second: null while there was no chairman.
    const members = [...new Set(shown.flatMap((b) => [...(b.lag?.keys() ?? [])]))].sort((a, b) => a - b);
    const lag = new Map(
      members.map((id) => [id, shown.map((b) => ({ x: x((b.second + 1) * BUCKET_MS), y: b.lag?.get(id) ?? null }))]),
    );
    return {
      endAt,
      spanMs,
      elections: this.changes.filter((c) => c.at >= endAt - spanMs).map((c) => ({ ...c, x: x(c.at) })),
      leaderChanges: this.changes.length,
      commitsPerSecond: commits,
      writesPerSecond: writes,
      failuresPerSecond: failures,
      latencyP50: p50,
      latencyP99: p99,
      lag,
    };
  }
}

/**
 * The builder for the recording at any seq shown: the live one, fed as events arrive, or one for a
 * look back, which is continued while the look moves forward and started afresh when it moves back.
 */
export class InsightsTimeline {
  private readonly live = new InsightsBuilder();
  private fed = 0;
  private past: { builder: InsightsBuilder; fed: number } | null = null;

  /** `events` is the recording (it only grows), in seq order. */
  at(events: readonly ClusterEvent[], shownSeq: number): InsightsBuilder {
    while (this.fed < events.length) this.live.add(events[this.fed++]!);
    if (shownSeq >= this.live.seq) return this.live;
    if (this.past === null || this.past.builder.seq > shownSeq) this.past = { builder: new InsightsBuilder(), fed: 0 };
    const p = this.past;
    while (p.fed < events.length && events[p.fed]!.seq <= shownSeq) p.builder.add(events[p.fed++]!);
    return p.builder;
  }
}
