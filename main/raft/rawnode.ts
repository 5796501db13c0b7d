// The engine's public face (etcd-io/raft's RawNode): drive it with tick/step/propose, then take a
// Ready, carry it out in order, and hand it back with advance(). Nothing here touches a disk, a
// socket or a clock, so the same code runs in a node process and in the simulator.

import { Raft } from './raft.ts';
import type {
  HardState,
  Membership,
  MembershipChange,
  Message,
  NodeId,
  PersistedState,
  ProposeResult,
  RaftConfig,
  RandomInt,
  Ready,
  Role,
  Snapshot,
  SoftState,
} from './types.ts';

/**
 * Whether writing a Ready's persistent part needs an fsync before the node acts on it (etcd's
 * MustSync): entries, a snapshot, a new term or vote do; a commit index alone does not, since a crash
 * may take it back and the leader will say it again.
 */
export function mustSync(prev: HardState, part: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): boolean {
  const hs = part.hardState ?? prev;
  return part.snapshot !== null || part.entries.length > 0 || hs.term !== prev.term || hs.vote !== prev.vote;
}

export interface Status {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leader: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly firstIndex: number;
  readonly membership: Membership;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** On a leader: each member's replication progress (paper Figure 2: nextIndex, matchIndex). */
  readonly progress: readonly {
    readonly id: NodeId;
    readonly next: number;
    readonly match: number;
    readonly state: string;
  }[];
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export class RawNode {
  private readonly raft: Raft;
  private prevHardState: HardState;
  private prevSoftState: SoftState;
  /** Changeable at run time (lessons lower it to show snapshots without a thousand decisions). */
  private snapshotThreshold: number;

  constructor(cfg: RaftConfig, random: RandomInt, initial: Membership, persisted: PersistedState) {
    this.raft = new Raft(cfg, random, initial, persisted);
    this.snapshotThreshold = cfg.snapshotThreshold;
    this.prevHardState = persisted.hardState;
    this.prevSoftState = { role: this.raft.role, leader: this.raft.leader };
  }

  get id(): NodeId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  /** Ticks until one acts (the ones before it change nothing observable): when a host must wake. */
  ticksUntilDue(): number {
    return this.raft.ticksUntilDue();
  }

  /** Feed one message from the network. Messages for another node or from itself are ignored. */
  step(message: Message): void {
    this.raft.step(message);
  }

  /** Start an election now, as if the election timer had fired (PreVote first when it is on). */
  campaign(): void {
    this.raft.hup(false);
  }

  propose(commands: readonly string[]): ProposeResult {
    return this.raft.propose(commands);
  }

  proposeMembership(change: MembershipChange): ProposeResult {
    return this.raft.proposeMembership(change);
  }

  transferLeadership(target: NodeId): ProposeResult {
    return this.raft.transferLeadership(target);
  }

  /** Ask for a linearizable read; its ReadState (or its drop) arrives in a later Ready. */
  readIndex(requestId: string): ProposeResult {
    return this.raft.readIndex(requestId);
  }

  setPreVote(on: boolean): void {
    this.raft.preVote = on;
  }

  setCheckQuorum(on: boolean): void {
    this.raft.checkQuorum = on;
  }

  setSnapshotThreshold(entries: number): void {
    this.snapshotThreshold = entries;
  }

  private hardState(): HardState {
    return { term: this.raft.term, vote: this.raft.vote, commit: this.raft.log.committed };
  }

  hasReady(): boolean {
    const r = this.raft;
    return (
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      r.droppedReads.length > 0 ||
      r.log.pendingSnapshot !== null ||
      r.log.stableIndex < r.log.lastIndex() ||
      r.log.committed > r.log.applied ||
      r.term !== this.prevHardState.term ||
      r.vote !== this.prevHardState.vote ||
      r.log.committed !== this.prevHardState.commit ||
      r.role !== this.prevSoftState.role ||
      r.leader !== this.prevSoftState.leader
    );
  }

  /**
   * What to do now. Carry it out in this order: persist hardState, snapshot and entries (fsync);
   * send messages; install the snapshot and apply committed entries; then call advance(ready).
   * Persisting first is what lets a vote or an acknowledgement survive a crash (paper Figure 2); a
   * leader's appends may leave before the write (Replica.sendableBeforeWrite says which).
   */
  ready(): Ready {
    const r = this.raft;
    // Messages, read states and dropped reads are handed over here, as etcd's acceptReady does:
    // they are the caller's to carry out from now on, so a second ready() does not repeat them.
    const messages = r.msgs;
    const readStates = r.readStates;
    const droppedReads = r.droppedReads;
    r.msgs = [];
    r.readStates = [];
    r.droppedReads = [];
    const hardState = this.hardState();
    const softState = { role: r.role, leader: r.leader };
    const softChanged = softState.role !== this.prevSoftState.role || softState.leader !== this.prevSoftState.leader;
    return {
      softState: softChanged ? softState : null,
      hardState: sameHardState(hardState, this.prevHardState) ? null : hardState,
      entries: r.log.unstableEntries(),
      snapshot: r.log.pendingSnapshot,
      committed: r.log.nextCommitted(),
      messages,
      readStates,
      droppedReads,
    };
  }

  /** The Ready has been carried out: forget what it handed out. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.softState !== null) this.prevSoftState = rd.softState;
    if (rd.hardState !== null) this.prevHardState = rd.hardState;
    if (rd.snapshot !== null && r.log.pendingSnapshot === rd.snapshot) {
      r.log.pendingSnapshot = null;
      r.log.applied = Math.max(r.log.applied, rd.snapshot.index);
    }
    const lastEntry = rd.entries.at(-1);
    // Only mark as stable what is still in the log as written (nothing rewrote it meanwhile).
    if (lastEntry !== undefined && r.log.term(lastEntry.index) === lastEntry.term) {
      r.log.stableIndex = Math.max(r.log.stableIndex, lastEntry.index);
    }
    const lastApplied = rd.committed.at(-1);
    if (lastApplied !== undefined) r.log.applied = Math.max(r.log.applied, lastApplied.index);
  }

  /** Whether enough applied entries follow the last snapshot to take a new one. */
  shouldSnapshot(): boolean {
    const log = this.raft.log;
    return log.applied - (log.firstIndex() - 1) >= this.snapshotThreshold;
  }

  /**
   * Take a snapshot of the state machine at the applied index (its image is `data`) and drop the
   * log prefix it covers from memory. The caller persists the snapshot before deleting entries on
   * disk, so a crash between the two leaves both, never neither.
   */
  compact(data: string): Snapshot {
    const log = this.raft.log;
    const index = log.applied;
    const snapshot: Snapshot = { index, term: log.term(index) ?? 0, membership: log.membershipAt(index), data };
    log.compact(snapshot);
    return snapshot;
  }

  /** The term of the entry at `index` in this member's log, or undefined if compacted or absent. */
  termAt(index: number): number | undefined {
    return this.raft.log.term(index);
  }

  status(): Status {
    const r = this.raft;
    return {
      id: r.id,
      role: r.role,
      term: r.term,
      vote: r.vote,
      leader: r.leader,
      commitIndex: r.log.committed,
      appliedIndex: r.log.applied,
      lastIndex: r.log.lastIndex(),
      firstIndex: r.log.firstIndex(),
      membership: r.membership(),
      preVote: r.preVote,
      checkQuorum: r.checkQuorum,
      progress:
        r.role === 'leader'
          ? [...r.progress].map(([id, pr]) => ({ id, next: pr.next, match: pr.match, state: pr.state }))
          : [],
    };
  }
}
