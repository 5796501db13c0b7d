// The supervisor's copy of each member's log terms, rebuilt from its append and snapshot reports,
// so the safety monitor can check Leader Completeness without reading the member's disk.

import type { Entry } from '../raft/types.ts';
import type { LogView } from '../safety/monitor.ts';

export class LogMirror implements LogView {
  snapshotIndex = 0;
  private terms: number[] = [];

  term(index: number): number | undefined {
    return this.terms[index - this.snapshotIndex - 1];
  }

  /** What the member had on disk when it started. */
  load(snapshotIndex: number, lastIndex: number, runs: readonly (readonly [number, number])[]): void {
    this.snapshotIndex = snapshotIndex;
    this.terms = [];
    runs.forEach(([from, term], i) => {
      const to = (runs[i + 1]?.[0] ?? lastIndex + 1) - 1;
      for (let index = from; index <= to; index++) this.terms[index - snapshotIndex - 1] = term;
    });
  }

  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    this.terms.length = Math.max(0, Math.min(this.terms.length, first.index - this.snapshotIndex - 1));
    for (const e of entries) if (e.index > this.snapshotIndex) this.terms[e.index - this.snapshotIndex - 1] = e.term;
  }

  /** A snapshot replaced the prefix (taken locally) or the whole log (installed from the leader). */
  snapshot(index: number, installed: boolean): void {
    this.terms = installed ? [] : this.terms.slice(Math.max(0, index - this.snapshotIndex));
    this.snapshotIndex = index;
  }
}
