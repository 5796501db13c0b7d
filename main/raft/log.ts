// The replicated log of one node: a compacted prefix (summarised by a snapshot) followed by entries.
// It also remembers which entries are already on disk and which have been applied, so the engine can
// tell the outside world exactly what to persist and what to apply next.

import type { Entry, Membership, Snapshot } from './types.ts';

export class SafetyError extends Error {
  override name = 'SafetyError';
}

/** The point the log starts after: index and term of the last compacted entry, and the membership then. */
interface Base {
  readonly index: number;
  readonly term: number;
  readonly membership: Membership;
}

export class RaftLog {
  private base: Base;
  private entries: Entry[] = [];
  /** Indexes of membership entries in `entries`, ascending, so the current membership is O(1). */
  private membershipIndexes: number[] = [];
  /** The latest snapshot this node holds (sent to followers that fell behind the compacted prefix). */
  snapshot: Snapshot | null;
  /** A snapshot received from the leader that the outside world has not persisted and installed yet. */
  pendingSnapshot: Snapshot | null = null;
  committed: number;
  applied: number;
  /** Highest index known to be on disk. */
  stableIndex: number;

  constructor(initial: Membership, snapshot: Snapshot | null, entries: readonly Entry[], commit: number) {
    this.snapshot = snapshot;
    this.base = snapshot ?? { index: 0, term: 0, membership: initial };
    this.committed = this.base.index;
    this.applied = this.base.index;
    this.stableIndex = this.base.index;
    const tail = entries.filter((e) => e.index > this.base.index);
    if (tail.length > 0) this.appendAfter(this.base.index, tail);
    this.stableIndex = this.lastIndex();
    if (commit > this.lastIndex()) {
      throw new SafetyError(`persisted commit index ${commit} is beyond the last log index ${this.lastIndex()}`);
    }
    this.committed = Math.max(this.committed, commit);
  }

  firstIndex(): number {
    return this.base.index + 1;
  }

  lastIndex(): number {
    return this.base.index + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** The term of the entry at `index`, or undefined when it is compacted away or not yet written. */
  term(index: number): number | undefined {
    if (index === this.base.index) return this.base.term;
    if (index < this.base.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.base.index - 1]?.term;
  }

  entry(index: number): Entry | undefined {
    return index > this.base.index ? this.entries[index - this.base.index - 1] : undefined;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Paper §5.4.1: a voter only grants its vote to a candidate whose log is at least as up to date. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, hi], clamped to what the log holds; lo must not be compacted. */
  slice(lo: number, hi: number): Entry[] {
    if (lo <= this.base.index) throw new RangeError(`entry ${lo} is compacted (log starts after ${this.base.index})`);
    return this.entries.slice(lo - this.base.index - 1, Math.min(hi, this.lastIndex()) - this.base.index);
  }

  /** The leader appends its own new entries; they always follow the current last entry. */
  append(entries: readonly Entry[]): void {
    this.appendAfter(this.lastIndex(), entries);
  }

  /**
   * Follower side of AppendEntries (paper Figure 2, receiver steps 3-4): skip entries already
   * present, truncate at the first conflicting one, append the rest. Returns the last new index.
   */
  appendFromLeader(prevIndex: number, entries: readonly Entry[]): number {
    const conflict = entries.find((e) => !this.matchTerm(e.index, e.term));
    if (conflict !== undefined) {
      if (conflict.index <= this.committed) {
        throw new SafetyError(`leader overwrote committed entry ${conflict.index} (committed ${this.committed})`);
      }
      this.appendAfter(conflict.index - 1, entries.slice(conflict.index - entries[0]!.index));
    }
    return prevIndex + entries.length;
  }

  private appendAfter(after: number, entries: readonly Entry[]): void {
    if (after < this.base.index || after > this.lastIndex()) {
      throw new RangeError(`cannot append after ${after}: log holds (${this.base.index}, ${this.lastIndex()}]`);
    }
    this.entries.length = after - this.base.index;
    while (this.membershipIndexes.length > 0 && this.membershipIndexes.at(-1)! > after) this.membershipIndexes.pop();
    this.stableIndex = Math.min(this.stableIndex, after);
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1)
        throw new RangeError(`entry ${e.index} does not follow ${this.lastIndex()}`);
      this.entries.push(e);
      if (e.payload.kind === 'membership') this.membershipIndexes.push(e.index);
    }
  }

  /**
   * etcd's fast backtracking: the largest index <= `index` whose term is <= `term`. Entries after it
   * cannot match a log whose entry at `index` has `term`, so the leader may skip them all at once.
   */
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.base.index && (this.term(i) ?? 0) > term) i--;
    return i;
  }

  /** The membership in force: the latest one in the log, committed or not (dissertation §4.1). */
  membership(): Membership {
    return this.membershipAt(this.lastIndex());
  }

  membershipAt(index: number): Membership {
    for (let k = this.membershipIndexes.length - 1; k >= 0; k--) {
      const at = this.membershipIndexes[k]!;
      if (at <= index) {
        const payload = this.entry(at)!.payload;
        if (payload.kind === 'membership') return payload.membership;
      }
    }
    return this.base.membership;
  }

  /** The index of the newest membership entry, or the base index when the log holds none. */
  lastMembershipIndex(): number {
    return this.membershipIndexes.at(-1) ?? this.base.index;
  }

  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    if (index > this.lastIndex()) throw new SafetyError(`commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
    return true;
  }

  unstableEntries(): Entry[] {
    return this.stableIndex === this.lastIndex() ? [] : this.entries.slice(this.stableIndex - this.base.index);
  }

  /** Committed entries not yet handed out for applying. */
  nextCommitted(): Entry[] {
    const from = Math.max(this.applied, this.base.index) + 1;
    return from > this.committed ? [] : this.slice(from, this.committed);
  }

  /** Replace the whole log by a snapshot from the leader (paper Figure 13, steps 6-8). */
  restore(snapshot: Snapshot): void {
    this.base = snapshot;
    this.entries = [];
    this.membershipIndexes = [];
    this.snapshot = snapshot;
    this.pendingSnapshot = snapshot;
    this.committed = snapshot.index;
    this.stableIndex = snapshot.index;
  }

  /** Drop the prefix up to `snapshot.index`, which the outside world has already persisted. */
  compact(snapshot: Snapshot): void {
    if (snapshot.index <= this.base.index) return;
    if (snapshot.index > this.applied) throw new RangeError(`cannot compact unapplied entry ${snapshot.index}`);
    this.entries = this.entries.slice(snapshot.index - this.base.index);
    this.membershipIndexes = this.membershipIndexes.filter((i) => i > snapshot.index);
    this.base = snapshot;
    this.snapshot = snapshot;
  }
}
