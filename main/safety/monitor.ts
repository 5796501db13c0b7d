// The five safety properties of Raft (paper Figure 3), checked incrementally from what members
// report: who became leader in which term, what each member wrote to its log, what it applied.
// Fed by the simulator and by the real cluster's telemetry stream; pure, no I/O.
//
// Besides verdicts it keeps evidence a learner can read: per property, how many checks passed and
// the most recent ones in plain data ("term 7: only member 3 became leader, with the votes of 1, 2
// and 3"), and for a violation the reports that contradict each other. A report's `seq` is the
// event it came in (the cluster's event stream), or null where there is no stream (the simulator).

import type { Entry, NodeId } from '../raft/types.ts';
import {
  properties,
  type Evidence,
  type Fact,
  type Property,
  type SafetyReport,
  type Violation,
} from '../shared/contract.ts';

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

const EVIDENCE_KEPT = 3;
const REPORTED_VIOLATIONS = 20;
const CONTENT_CHARS = 80;

/** Where an entry was first seen (written or applied), and by whom since. */
interface Copy {
  readonly fp: string;
  readonly entry: Entry;
  readonly first: { readonly node: NodeId; readonly seq: number | null };
  readonly members: NodeId[];
  lastSeq: number | null;
}

interface Written extends Copy {
  /** The term of the entry before it, where known (Log Matching, by induction). */
  readonly before: number | undefined;
}

type Applied = Copy;

const seqsOf = (...seqs: readonly (number | null)[]): number[] =>
  [...new Set(seqs.filter((s): s is number => s !== null))].sort((a, b) => a - b);

/** Keep the newest `limit` items, newest last; an item equal to `same` moves to the end. */
function remember<T>(list: T[], item: T, same: (a: T) => boolean = () => false): void {
  const at = list.findIndex(same);
  if (at >= 0) list.splice(at, 1);
  list.push(item);
  if (list.length > EVIDENCE_KEPT) list.shift();
}

export class SafetyMonitor {
  readonly violations: Violation[] = [];
  /** Grows with every check made: whoever shows the report can tell it changed. */
  changes = 0;
  private readonly describe: (e: Entry) => string;
  private readonly checks = new Map<Property, number>(properties.map((p) => [p, 0]));
  private readonly failures = new Map<Property, number>(properties.map((p) => [p, 0]));
  private readonly leaders = new Map<number, { readonly node: NodeId; readonly seq: number | null }>();
  /** term -> voter -> the candidate it granted its vote to. */
  private readonly ballots = new Map<
    number,
    Map<NodeId, { readonly candidate: NodeId; readonly seq: number | null }>
  >();
  /** index -> term -> the entry as first written there. */
  private readonly written = new Map<number, Map<number, Written>>();
  /** index -> the entry some member applied there (hence committed). */
  private readonly committed = new Map<number, Applied>();
  private highestCommitted = 0;
  private readonly recent = {
    elections: [] as { readonly term: number; readonly leader: NodeId; readonly seq: number | null }[],
    leaderAppends: [] as Extract<Evidence, { kind: 'appendOnly' }>[],
    matches: [] as { readonly index: number; readonly term: number }[],
    completeness: [] as Extract<Evidence, { kind: 'complete' }>[],
    applies: [] as number[],
  };

  /** `describe` puts an entry in plain words for the evidence (default: its fingerprint); kept short. */
  constructor(describe: (e: Entry) => string = fingerprint) {
    this.describe = (e) => {
      const words = describe(e);
      return words.length > CONTENT_CHARS ? `${words.slice(0, CONTENT_CHARS - 1)}…` : words;
    };
  }

  private pass(property: Property): void {
    this.checks.set(property, this.checks.get(property)! + 1);
    this.changes++;
  }

  private fail(property: Property, message: string, causes: readonly Fact[]): void {
    this.violations.push({ property, message, causes });
    this.failures.set(property, this.failures.get(property)! + 1);
    this.changes++;
  }

  private entryFact(act: 'wrote' | 'applied', e: Entry, node: NodeId, seq: number | null): Fact {
    return { act, seq, node, term: e.term, index: e.index, content: this.describe(e) };
  }

  private firstFact(act: 'wrote' | 'applied', c: Copy): Fact {
    return this.entryFact(act, c.entry, c.first.node, c.first.seq);
  }

  /**
   * Election Safety rests on each member granting at most one vote per term, durably (Figure 2:
   * votedFor is persistent state). A second, different vote in the same term is the first sign of
   * a lost vote, before it has a chance to produce two leaders.
   */
  voteGranted(voter: NodeId, term: number, candidate: NodeId, seq: number | null = null): void {
    let votes = this.ballots.get(term);
    if (votes === undefined)
      this.ballots.set(term, (votes = new Map<NodeId, { candidate: NodeId; seq: number | null }>()));
    const earlier = votes.get(voter);
    if (earlier !== undefined && earlier.candidate !== candidate) {
      this.fail(
        'Election Safety',
        `n${voter} voted for both n${earlier.candidate} and n${candidate} in term ${term}: a vote was not kept`,
        [
          { act: 'voted', seq: earlier.seq, node: voter, term, candidate: earlier.candidate },
          { act: 'voted', seq, node: voter, term, candidate },
        ],
      );
    } else {
      this.pass('Election Safety');
    }
    if (earlier === undefined) votes.set(voter, { candidate, seq });
  }

  /** Election Safety: at most one leader per term. Leader Completeness: it holds every committed entry. */
  leaderElected(node: NodeId, term: number, log: LogView, seq: number | null = null): void {
    const elected: Fact = { act: 'elected', seq, node, term };
    const other = this.leaders.get(term);
    if (other !== undefined && other.node !== node) {
      this.fail('Election Safety', `n${node} and n${other.node} were both elected leader in term ${term}`, [
        { act: 'elected', seq: other.seq, node: other.node, term },
        elected,
      ]);
    } else {
      this.pass('Election Safety');
      remember(this.recent.elections, { term, leader: node, seq }, (e) => e.term === term);
    }
    this.leaders.set(term, { node, seq });
    for (let i = log.snapshotIndex + 1; i <= this.highestCommitted; i++) {
      const c = this.committed.get(i);
      // An entry of a later term was committed after this election, whatever order the reports
      // arrived in (a busy member's telemetry can come late): it is not required here. One of this
      // term is this leader's own, unless another leader wrote it in the same term.
      const sameLeader = other === undefined || other.node === node;
      if (c === undefined || c.entry.term > term || (c.entry.term === term && sameLeader)) continue;
      const held = log.term(i);
      if (held !== c.entry.term) {
        this.fail(
          'Leader Completeness',
          `n${node} became leader of term ${term} without committed entry ${i} (term ${c.entry.term}); its log has ${held === undefined ? 'nothing' : `term ${held}`} there`,
          [this.firstFact('applied', c), elected],
        );
        return;
      }
    }
    this.pass('Leader Completeness');
    remember(this.recent.completeness, {
      kind: 'complete',
      term,
      leader: node,
      committed: this.highestCommitted,
      seqs: seqsOf(seq),
    });
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
    seq: number | null = null,
  ): void {
    if (isLeader && overwroteFrom !== null) {
      this.fail('Leader Append-Only', `leader n${node} of term ${term} overwrote its log from index ${overwroteFrom}`, [
        { act: 'overwrote', seq, node, term, index: overwroteFrom },
      ]);
    } else if (isLeader && entries.length > 0) {
      this.pass('Leader Append-Only');
      remember(this.recent.leaderAppends, {
        kind: 'appendOnly',
        term,
        leader: node,
        from: entries[0]!.index,
        to: entries.at(-1)!.index,
        seqs: seqsOf(seq),
      });
    }
    let before = prevTerm;
    for (const e of entries) {
      this.checkWritten(node, e, before, seq);
      before = e.term;
    }
  }

  /** Log Matching: entries with the same index and term hold the same command and follow the same term. */
  private checkWritten(node: NodeId, e: Entry, before: number | undefined, seq: number | null): void {
    const fp = fingerprint(e);
    let byTerm = this.written.get(e.index);
    if (byTerm === undefined) this.written.set(e.index, (byTerm = new Map<number, Written>()));
    const seen = byTerm.get(e.term);
    if (seen === undefined) {
      byTerm.set(e.term, { fp, entry: e, before, first: { node, seq }, members: [node], lastSeq: seq });
      this.changes++;
      return;
    }
    const causes = (): Fact[] => [this.firstFact('wrote', seen), this.entryFact('wrote', e, node, seq)];
    if (seen.fp !== fp) {
      this.fail(
        'Log Matching',
        `entry ${e.index} of term ${e.term} differs between members: ${seen.fp} vs ${fp} (n${node})`,
        causes(),
      );
    } else if (seen.before !== undefined && before !== undefined && seen.before !== before) {
      this.fail(
        'Log Matching',
        `entry ${e.index} of term ${e.term} follows term ${seen.before} on one member and term ${before} on n${node}`,
        causes(),
      );
    } else {
      this.pass('Log Matching');
      if (!seen.members.includes(node)) seen.members.push(node);
      seen.lastSeq = seq;
      remember(this.recent.matches, { index: e.index, term: e.term }, (m) => m.index === e.index && m.term === e.term);
    }
  }

  /** The term of the entry some member applied at `index` (so committed there), if one did. */
  committedTerm(index: number): number | undefined {
    return this.committed.get(index)?.entry.term;
  }

  /** State Machine Safety: no two members apply different entries at the same index. */
  applied(node: NodeId, entry: Entry, seq: number | null = null): void {
    const fp = fingerprint(entry);
    const seen = this.committed.get(entry.index);
    if (seen === undefined) {
      this.committed.set(entry.index, { fp, entry, first: { node, seq }, members: [node], lastSeq: seq });
      if (entry.index > this.highestCommitted) this.highestCommitted = entry.index;
      this.changes++;
    } else if (seen.entry.term !== entry.term || seen.fp !== fp) {
      this.fail(
        'State Machine Safety',
        `n${node} applied ${fp} (term ${entry.term}) at index ${entry.index}, another member applied ${seen.fp} (term ${seen.entry.term})`,
        [this.firstFact('applied', seen), this.entryFact('applied', entry, node, seq)],
      );
    } else {
      this.pass('State Machine Safety');
      if (!seen.members.includes(node)) seen.members.push(node);
      seen.lastSeq = seq;
      remember(this.recent.applies, entry.index, (i) => i === entry.index);
    }
  }

  /** Every property's checks so far, the most recent evidence, and the latest violations. */
  report(): SafetyReport {
    const evidence: Record<Property, Evidence[]> = {
      'Election Safety': this.recent.elections.map(({ term, leader, seq }) => {
        const votes = [...(this.ballots.get(term) ?? [])].filter(([, b]) => b.candidate === leader);
        return {
          kind: 'oneLeader',
          term,
          leader,
          voters: votes.map(([voter]) => voter).sort((a, b) => a - b),
          seqs: seqsOf(seq, ...votes.map(([, b]) => b.seq)),
        };
      }),
      'Leader Append-Only': [...this.recent.leaderAppends],
      'Log Matching': this.recent.matches.map(({ index, term }) =>
        this.sameCopy('sameEntry', this.written.get(index)!.get(term)!),
      ),
      'Leader Completeness': [...this.recent.completeness],
      'State Machine Safety': this.recent.applies.map((index) =>
        this.sameCopy('sameApplied', this.committed.get(index)!),
      ),
    };
    return {
      properties: properties.map((property) => ({
        property,
        checks: this.checks.get(property)!,
        violations: this.failures.get(property)!,
        evidence: evidence[property].reverse(),
      })),
      violations: this.violations.slice(-REPORTED_VIOLATIONS),
    };
  }

  /** The same entry at the same index on several members (written or applied). */
  private sameCopy(kind: 'sameEntry' | 'sameApplied', c: Copy): Evidence {
    const e = c.entry;
    return {
      kind,
      index: e.index,
      term: e.term,
      content: this.describe(e),
      members: [...c.members].sort((a, b) => a - b),
      seqs: seqsOf(c.first.seq, c.lastSeq),
    };
  }
}
