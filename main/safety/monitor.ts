// The five safety properties of Raft (paper Figure 3), checked incrementally from what members
// report: who became leader in which term, what each member wrote to its log, what it applied.
// Fed by the simulator today and by the real cluster's telemetry stream; pure, no I/O.

import type { Entry, NodeId } from '../raft/types.ts';

export type Property =
  'Election Safety' | 'Leader Append-Only' | 'Log Matching' | 'Leader Completeness' | 'State Machine Safety';

export interface Violation {
  readonly property: Property;
  readonly message: string;
}

/** What a member's log holds, as far as the monitor needs to look into it. */
export interface LogView {
  /** Entries up to this index are compacted into a snapshot (of committed entries). */
  readonly snapshotIndex: number;
  term(index: number): number | undefined;
}

/** A stable, comparable identity of an entry's content. */
export function fingerprint(e: Entry): string {
  const p = e.payload;
  switch (p.kind) {
    case 'noop':
      return 'noop';
    case 'command':
      return `c:${p.data}`;
    case 'membership':
      return `m:${p.change.kind}:${p.change.node}`;
  }
}

export class SafetyMonitor {
  readonly violations: Violation[] = [];
  private readonly leaders = new Map<number, NodeId>();
  /** `voter@term` -> the candidate it granted its vote to. */
  private readonly ballots = new Map<string, NodeId>();
  /** index -> term -> [fingerprint, term of the entry before it] (Log Matching, by induction). */
  private readonly written = new Map<number, Map<number, readonly [string, number | undefined]>>();
  /** index -> [term, fingerprint] of every entry some member applied (hence committed). */
  private readonly committed = new Map<number, readonly [number, string]>();
  private highestCommitted = 0;

  private fail(property: Property, message: string): void {
    this.violations.push({ property, message });
  }

  /** Checks and counts for reports: elections seen and entries known committed. */
  stats(): { terms: number; committed: number } {
    return { terms: this.leaders.size, committed: this.committed.size };
  }

  /**
   * Election Safety rests on each member granting at most one vote per term, durably (Figure 2:
   * votedFor is persistent state). A second, different vote in the same term is the first sign of
   * a lost vote, before it has a chance to produce two leaders.
   */
  voteGranted(voter: NodeId, term: number, candidate: NodeId): void {
    const key = `${voter}@${term}`;
    const earlier = this.ballots.get(key);
    if (earlier !== undefined && earlier !== candidate) {
      this.fail(
        'Election Safety',
        `n${voter} voted for both n${earlier} and n${candidate} in term ${term}: a vote was not kept`,
      );
    }
    this.ballots.set(key, candidate);
  }

  /** Election Safety: at most one leader per term. Leader Completeness: it holds every committed entry. */
  leaderElected(node: NodeId, term: number, log: LogView): void {
    const other = this.leaders.get(term);
    if (other !== undefined && other !== node) {
      this.fail('Election Safety', `n${node} and n${other} were both elected leader in term ${term}`);
    }
    this.leaders.set(term, node);
    for (let i = log.snapshotIndex + 1; i <= this.highestCommitted; i++) {
      const c = this.committed.get(i);
      if (c === undefined) continue;
      const held = log.term(i);
      if (held !== c[0]) {
        this.fail(
          'Leader Completeness',
          `n${node} became leader of term ${term} without committed entry ${i} (term ${c[0]}); its log has ${held === undefined ? 'nothing' : `term ${held}`} there`,
        );
        return;
      }
    }
  }

  /**
   * A member wrote `entries` to its log. `prevTerm` is the term of the entry just before the first
   * one (undefined if compacted away); `overwroteFrom` is the first index it replaced, if any.
   */
  appended(
    node: NodeId,
    isLeader: boolean,
    term: number,
    entries: readonly Entry[],
    prevTerm: number | undefined,
    overwroteFrom: number | null,
  ): void {
    if (isLeader && overwroteFrom !== null) {
      this.fail('Leader Append-Only', `leader n${node} of term ${term} overwrote its log from index ${overwroteFrom}`);
    }
    let before = prevTerm;
    for (const e of entries) {
      const fp = fingerprint(e);
      let byTerm = this.written.get(e.index);
      if (byTerm === undefined)
        this.written.set(e.index, (byTerm = new Map<number, readonly [string, number | undefined]>()));
      const seen = byTerm.get(e.term);
      if (seen === undefined) {
        byTerm.set(e.term, [fp, before]);
      } else if (seen[0] !== fp) {
        this.fail(
          'Log Matching',
          `entry ${e.index} of term ${e.term} differs between members: ${seen[0]} vs ${fp} (n${node})`,
        );
      } else if (seen[1] !== undefined && before !== undefined && seen[1] !== before) {
        this.fail(
          'Log Matching',
          `entry ${e.index} of term ${e.term} follows term ${seen[1]} on one member and term ${before} on n${node}`,
        );
      }
      before = e.term;
    }
  }

  /** The term of the entry some member applied at `index` (so committed there), if one did. */
  committedTerm(index: number): number | undefined {
    return this.committed.get(index)?.[0];
  }

  /** State Machine Safety: no two members apply different entries at the same index. */
  applied(node: NodeId, entry: Entry): void {
    const fp = fingerprint(entry);
    const seen = this.committed.get(entry.index);
    if (seen === undefined) {
      this.committed.set(entry.index, [entry.term, fp]);
      if (entry.index > this.highestCommitted) this.highestCommitted = entry.index;
    } else if (seen[0] !== entry.term || seen[1] !== fp) {
      this.fail(
        'State Machine Safety',
        `n${node} applied ${fp} (term ${entry.term}) at index ${entry.index}, another member applied ${seen[1]} (term ${seen[0]})`,
      );
    }
  }
}
