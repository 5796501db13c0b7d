// The Raft protocol as a pure state machine (etcd-io/raft's shape): no I/O, clocks or randomness.
// `tick()` advances logical time, `step()` takes one message, the proposal methods take client
// requests; everything the node must do as a result is queued in `msgs` and the log, and collected
// by RawNode into a Ready. Comments name the rule of the Raft paper (Ongaro & Ousterhout) or the
// Raft dissertation (Ongaro 2014) that each part implements.

import { RaftLog, SafetyError } from './log.ts';
import { Progress } from './progress.ts';
import { applyChange, isVoter, majority } from './membership.ts';
import { ReadTracker } from './read-index.ts';
import type {
  Entry,
  EntryPayload,
  Membership,
  MembershipChange,
  Message,
  NodeId,
  PersistedState,
  ProposeResult,
  RaftConfig,
  RandomInt,
  ReadState,
  Role,
} from './types.ts';

type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'term'> : never) : never;

/** An entry's payload size, roughly as it travels (its command text dominates). */
function entryBytes(e: Entry): number {
  return 64 + (e.payload.kind === 'command' ? e.payload.data.length : 0);
}

/** The longest prefix of `entries` within `max` bytes, and at least one entry. */
function limitBytes(entries: Entry[], max: number): Entry[] {
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    total += entryBytes(entries[i]!);
    if (total > max && i > 0) return entries.slice(0, i);
  }
  return entries;
}

/** Refuse a configuration under which the protocol would stall or misbehave, naming the field. */
function checkConfig(cfg: RaftConfig): void {
  const counts = [
    'electionTicksMin',
    'electionTicksMax',
    'heartbeatTicks',
    'maxInflight',
    'maxEntriesPerAppend',
    'maxAppendBytes',
    'snapshotThreshold',
  ] as const;
  for (const field of counts) {
    if (!Number.isInteger(cfg[field]) || cfg[field] < 1)
      throw new RangeError(`${field} must be a whole number >= 1, got ${cfg[field]}`);
  }
  if (cfg.electionTicksMin <= cfg.heartbeatTicks || cfg.electionTicksMax < cfg.electionTicksMin) {
    throw new RangeError('need heartbeatTicks < electionTicksMin <= electionTicksMax');
  }
}

export class Raft {
  readonly id: NodeId;
  readonly cfg: RaftConfig;
  preVote: boolean;
  checkQuorum: boolean;

  term = 0;
  vote: NodeId | null = null;
  role: Role = 'follower';
  leader: NodeId | null = null;
  readonly log: RaftLog;

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedTimeout: number;
  private readonly votes = new Map<NodeId, boolean>();
  readonly progress = new Map<NodeId, Progress>();
  /** Leadership transfer in progress (dissertation §3.10): its target, else null. */
  transferee: NodeId | null = null;
  /** A leader proposes no membership change until this entry is committed (dissertation §4.1). */
  private pendingMembershipIndex = 0;
  private readonly reads = new ReadTracker();

  msgs: Message[] = [];
  readStates: ReadState[] = [];
  droppedReads: string[] = [];

  private readonly random: RandomInt;

  constructor(cfg: RaftConfig, random: RandomInt, initial: Membership, persisted: PersistedState) {
    checkConfig(cfg);
    this.id = cfg.id;
    this.cfg = cfg;
    this.random = random;
    this.preVote = cfg.preVote;
    this.checkQuorum = cfg.checkQuorum;
    this.log = new RaftLog(initial, persisted.snapshot, persisted.entries, persisted.hardState.commit);
    this.term = persisted.hardState.term;
    this.vote = persisted.hardState.vote;
    this.randomizedTimeout = this.drawTimeout();
  }

  membership(): Membership {
    return this.log.membership();
  }

  /** Only voters of the configuration this node knows may stand for election. */
  promotable(): boolean {
    return isVoter(this.membership(), this.id);
  }

  // ---- time ------------------------------------------------------------------------------------

  tick(): void {
    this.electionElapsed++;
    if (this.role !== 'leader') {
      // Paper §5.2: a follower that hears nothing for an election timeout starts an election.
      if (this.electionElapsed >= this.randomizedTimeout && this.promotable()) {
        this.electionElapsed = 0;
        this.hup(false);
      }
      return;
    }
    this.heartbeatElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicksMin) {
      this.electionElapsed = 0;
      // CheckQuorum (dissertation §6.2): a leader that has not heard from a majority steps down.
      if (this.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      for (const [id, pr] of this.progress) pr.recentActive = id === this.id;
      if (this.transferee !== null) this.transferee = null; // the transfer timed out
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
    }
  }

  /**
   * How many tick() calls from now until one may act: start an election, check the quorum or send
   * heartbeats. The ticks before it change nothing but the counters, so a host may sleep until then
   * and run them all at once (it must still run them before stepping a message: leases read them).
   * A member that may not stand for election never acts; it is told one election timeout.
   */
  ticksUntilDue(): number {
    if (this.role === 'leader') {
      const quorumCheck = this.cfg.electionTicksMin - this.electionElapsed;
      return Math.max(1, Math.min(quorumCheck, this.cfg.heartbeatTicks - this.heartbeatElapsed));
    }
    if (!this.promotable()) return this.randomizedTimeout;
    return Math.max(1, this.randomizedTimeout - this.electionElapsed);
  }

  private drawTimeout(): number {
    // Paper §5.2: randomized election timeouts make split votes rare.
    return this.random(this.cfg.electionTicksMin, this.cfg.electionTicksMax);
  }

  /** Heard from a live leader (or is one) within the minimum election timeout. */
  private hearsLeader(): boolean {
    return this.leader !== null && this.electionElapsed < this.cfg.electionTicksMin;
  }

  private quorumActive(): boolean {
    const m = this.membership();
    const active = m.voters.filter((v) => v === this.id || this.progress.get(v)?.recentActive === true).length;
    return active >= majority(m);
  }

  // ---- role changes ----------------------------------------------------------------------------

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.leader = null;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedTimeout = this.drawTimeout();
    this.votes.clear();
    this.transferee = null;
    this.droppedReads.push(...this.reads.dropAll());
  }

  becomeFollower(term: number, leader: NodeId | null): void {
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
    this.progress.clear();
  }

  private becomePreCandidate(): void {
    // PreVote (dissertation §9.6): ask first whether an election could be won, without a new term.
    this.role = 'precandidate';
    this.leader = null;
    this.votes.clear();
    this.progress.clear();
  }

  private becomeCandidate(): void {
    this.reset(this.term + 1);
    this.role = 'candidate';
    this.vote = this.id;
    this.progress.clear();
  }

  private becomeLeader(): void {
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.id;
    this.rebuildProgress();
    // Paper §5.4.2 / §8: a new leader commits a no-op of its own term, which also commits earlier ones.
    this.appendEntries([{ kind: 'noop' }]);
    // Block membership changes until that no-op commits (the fix to the single-server change bug,
    // raft-dev 2015): a configuration proposed before an entry of this term commits can overlap a
    // change an earlier leader made, and two leaders could then commit different entries.
    this.pendingMembershipIndex = this.log.lastIndex();
    this.broadcastAppend();
  }

  private rebuildProgress(): void {
    const m = this.membership();
    const next = this.log.lastIndex() + 1;
    for (const id of [...m.voters, ...m.learners]) {
      if (!this.progress.has(id)) {
        const pr = new Progress(next);
        if (id === this.id) {
          pr.match = this.log.lastIndex();
          pr.state = 'replicate';
        }
        this.progress.set(id, pr);
      }
    }
    for (const id of this.progress.keys()) if (!isVoter(m, id) && !m.learners.includes(id)) this.progress.delete(id);
  }

  // ---- elections -------------------------------------------------------------------------------

  /** Start an election now: on timeout, or forced by a leadership transfer (TimeoutNow). */
  hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.promotable()) return;
    if (this.preVote && !transfer) {
      this.becomePreCandidate();
      // A fresh timeout for every attempt, so two stalled pre-candidates do not retry in lockstep.
      this.randomizedTimeout = this.drawTimeout();
      this.campaign('prevote', this.term + 1, false);
    } else {
      this.becomeCandidate();
      this.campaign('vote', this.term, transfer);
    }
  }

  private campaign(type: 'vote' | 'prevote', term: number, transfer: boolean): void {
    this.votes.set(this.id, true);
    if (this.tally() === 'won') return this.wonElection(type);
    for (const to of this.membership().voters) {
      if (to === this.id) continue;
      this.msgs.push({
        type,
        from: this.id,
        to,
        term,
        lastIndex: this.log.lastIndex(),
        lastTerm: this.log.lastTerm(),
        transfer,
      });
    }
  }

  private tally(): 'won' | 'lost' | 'pending' {
    const m = this.membership();
    let granted = 0;
    let rejected = 0;
    for (const v of m.voters) {
      const g = this.votes.get(v);
      if (g === true) granted++;
      else if (g === false) rejected++;
    }
    const q = majority(m);
    if (granted >= q) return 'won';
    if (rejected > m.voters.length - q) return 'lost';
    return 'pending';
  }

  private wonElection(type: 'vote' | 'prevote'): void {
    if (type === 'prevote') {
      this.becomeCandidate();
      this.campaign('vote', this.term, false);
    } else {
      this.becomeLeader();
    }
  }

  private handleVoteRequest(m: Extract<Message, { type: 'vote' | 'prevote' }>): void {
    // Paper Figure 2, RequestVote receiver: one vote per term, only for an up-to-date log. A
    // pre-vote for a future term is answered without changing anything here.
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      (m.type === 'prevote' && m.term > this.term);
    const granted = canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm);
    const respType = m.type === 'vote' ? 'voteResp' : 'prevoteResp';
    if (granted && m.type === 'vote') {
      // The vote is in this node's hard state; RawNode hands it out for fsync before this reply is sent.
      this.vote = m.from;
      this.electionElapsed = 0;
    }
    this.msgs.push({ type: respType, from: this.id, to: m.from, term: granted ? m.term : this.term, granted });
  }

  // ---- messages --------------------------------------------------------------------------------

  step(m: Message): void {
    if (m.to !== this.id || m.from === this.id) return;
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'prevote') {
        // Disruptive servers: a node that hears a live leader never grants a pre-vote (dissertation
        // §9.6) and, with CheckQuorum's leases, ignores vote requests too (§4.2.3). A leadership
        // transfer is the leader's own wish, so it passes.
        if ((m.type === 'prevote' || this.checkQuorum) && this.hearsLeader() && !m.transfer) return;
      }
      if (m.type === 'prevote' || (m.type === 'prevoteResp' && m.granted)) {
        // A pre-vote carries a future term: neither side adopts it.
      } else if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, null);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'append' || m.type === 'heartbeat')) {
        // A stale leader: tell it our term so it steps down, since with PreVote/CheckQuorum our vote
        // requests may never reach it with a higher term.
        this.send({ type: 'appendResp', to: m.from, index: 0, reject: true, hintIndex: 0, hintTerm: 0 });
      } else if (m.type === 'prevote') {
        this.send({ type: 'prevoteResp', to: m.from, granted: false });
      }
      return;
    }

    switch (m.type) {
      case 'vote':
      case 'prevote':
        return this.handleVoteRequest(m);
      default:
        break;
    }
    switch (this.role) {
      case 'leader':
        return this.stepLeader(m);
      case 'candidate':
      case 'precandidate':
        return this.stepCandidate(m);
      case 'follower':
        return this.stepFollower(m);
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        // Paper §5.2: a candidate that hears from a leader of its term steps back.
        this.becomeFollower(m.term, m.from);
        return this.stepFollower(m);
      case 'voteResp':
      case 'prevoteResp': {
        const mine = this.role === 'candidate' ? 'voteResp' : 'prevoteResp';
        if (m.type !== mine) return;
        if (!this.votes.has(m.from)) this.votes.set(m.from, m.granted);
        const result = this.tally();
        if (result === 'won') this.wonElection(this.role === 'candidate' ? 'vote' : 'prevote');
        else if (result === 'lost') this.becomeFollower(this.term, null);
        return;
      }
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'append':
        this.electionElapsed = 0;
        this.leader = m.from;
        return this.handleAppend(m);
      case 'heartbeat':
        this.electionElapsed = 0;
        this.leader = m.from;
        // The leader sends min(our match, its commit), so this never exceeds what we hold.
        this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
        this.send({ type: 'heartbeatResp', to: m.from, readContext: m.readContext });
        return;
      case 'snapshot':
        this.electionElapsed = 0;
        this.leader = m.from;
        return this.handleSnapshot(m);
      case 'timeoutNow':
        // Leadership transfer (dissertation §3.10): campaign at once, skipping PreVote and leases.
        return this.hup(true);
      default:
        return;
    }
  }

  private handleAppend(m: Extract<Message, { type: 'append' }>): void {
    if (m.prevIndex < this.log.committed) {
      this.send({
        type: 'appendResp',
        to: m.from,
        index: this.log.committed,
        reject: false,
        hintIndex: 0,
        hintTerm: 0,
      });
      return;
    }
    if (this.log.matchTerm(m.prevIndex, m.prevTerm)) {
      // Paper Figure 2, AppendEntries receiver steps 2-5.
      const lastNew = this.log.appendFromLeader(m.prevIndex, m.entries);
      this.log.commitTo(Math.min(m.commit, lastNew));
      this.send({ type: 'appendResp', to: m.from, index: lastNew, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    // Consistency check failed: hint where our logs may agree so the leader can skip a whole term.
    const hintIndex = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    const hintTerm = this.log.term(hintIndex) ?? 0;
    this.send({ type: 'appendResp', to: m.from, index: m.prevIndex, reject: true, hintIndex, hintTerm });
  }

  private handleSnapshot(m: Extract<Message, { type: 'snapshot' }>): void {
    const s = m.snapshot;
    if (s.index > this.log.committed) {
      if (this.log.matchTerm(s.index, s.term)) {
        // We already hold the snapshot's last entry: the prefix is committed, keep what follows.
        this.log.commitTo(s.index);
      } else {
        // Paper Figure 13: discard the log and take the snapshot.
        this.log.restore(s);
      }
    }
    this.send({ type: 'appendResp', to: m.from, index: this.log.committed, reject: false, hintIndex: 0, hintTerm: 0 });
  }

  private stepLeader(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return; // not a member (any more)
    switch (m.type) {
      case 'appendResp':
        pr.recentActive = true;
        return this.handleAppendResponse(m, pr);
      case 'heartbeatResp':
        pr.recentActive = true;
        this.recoverLostAppends(pr);
        if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, pr);
        if (m.readContext > 0) this.releaseReads(this.reads.ack(m.from, m.readContext, this.membership()));
        return;
      default:
        return;
    }
  }

  /**
   * The follower is alive, yet its replication may be stuck on messages the network lost: a probe
   * never answered, a full window of appends, a snapshot never acknowledged. A heartbeat answer
   * is the cue to try again (etcd does the same).
   */
  private recoverLostAppends(pr: Progress): void {
    if (pr.state === 'probe') pr.probeSent = false;
    else if (pr.state === 'replicate' && pr.isPaused(this.cfg.maxInflight)) pr.inflight.shift();
    else if (pr.state === 'snapshot') pr.becomeProbe();
  }

  private handleAppendResponse(m: Extract<Message, { type: 'appendResp' }>, pr: Progress): void {
    if (m.reject) {
      let probe = m.hintIndex;
      if (m.hintTerm > 0) probe = this.log.findConflictByTerm(m.hintIndex, m.hintTerm);
      if (pr.maybeDecrTo(m.index, probe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, pr);
      }
      return;
    }
    // An acknowledgement of entries this leader does not hold cannot come from a correct follower
    // (it acknowledges what it was sent); taking it would commit and send entries that do not exist.
    if (m.index > this.log.lastIndex()) return;
    const oldPaused = pr.isPaused(this.cfg.maxInflight);
    if (pr.maybeUpdate(m.index)) {
      if (pr.state === 'probe') pr.becomeReplicate();
      else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      if (this.maybeCommit()) {
        this.broadcastAppend();
        if (this.role !== 'leader') return;
      }
      if (m.from === this.transferee && pr.match === this.log.lastIndex()) {
        this.send({ type: 'timeoutNow', to: m.from });
      }
    } else if (!oldPaused) {
      return;
    }
    // Pipelining: keep sending while the follower's window has room.
    while (this.sendAppend(m.from, pr, false)) {
      /* each call sends one more batch */
    }
  }

  // ---- replication (leader) --------------------------------------------------------------------

  private send(m: Outgoing): void {
    this.msgs.push({ ...m, from: this.id, term: this.term });
  }

  /** Send the next batch (or a snapshot) to `to`; returns whether anything was sent. */
  private sendAppend(to: NodeId, pr: Progress, sendIfEmpty = true): boolean {
    if (pr.isPaused(this.cfg.maxInflight)) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined) {
      // Paper §7: the entries this follower needs are compacted; send the snapshot instead.
      const snapshot = this.log.snapshot;
      if (snapshot === null) throw new SafetyError(`entry ${prevIndex} missing without a snapshot`);
      pr.becomeSnapshot(snapshot.index);
      this.send({ type: 'snapshot', to, snapshot });
      return true;
    }
    const entries = limitBytes(
      this.log.slice(pr.next, pr.next + this.cfg.maxEntriesPerAppend - 1),
      this.cfg.maxAppendBytes,
    );
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: 'append', to, prevIndex, prevTerm, entries, commit: this.log.committed });
    pr.sent(prevIndex + entries.length, entries.length);
    return true;
  }

  private broadcastAppend(): void {
    for (const [id, pr] of this.progress) if (id !== this.id) this.sendAppend(id, pr);
  }

  private broadcastHeartbeat(): void {
    const readContext = this.reads.lastContext();
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to hold.
      this.send({ type: 'heartbeat', to: id, commit: Math.min(pr.match, this.log.committed), readContext });
    }
  }

  private appendEntries(payloads: readonly EntryPayload[]): Entry[] {
    const first = this.log.lastIndex() + 1;
    const entries = payloads.map((payload, i) => ({ index: first + i, term: this.term, payload }));
    const before = this.membership();
    this.log.append(entries);
    if (this.membership() !== before) this.rebuildProgress();
    const self = this.progress.get(this.id);
    if (self !== undefined) self.maybeUpdate(this.log.lastIndex());
    this.maybeCommit();
    return entries;
  }

  /**
   * The commit rule (paper §5.3-5.4.2, Figure 8): the highest index stored on a majority of voters,
   * but only if that entry is of the leader's current term.
   */
  private maybeCommit(): boolean {
    const m = this.membership();
    const matches = m.voters.map((v) => this.progress.get(v)?.match ?? 0).sort((a, b) => b - a);
    const candidate = matches[majority(m) - 1] ?? 0;
    if (candidate <= this.log.committed || this.log.term(candidate) !== this.term) return false;
    this.log.commitTo(candidate);
    this.afterCommit();
    return true;
  }

  private afterCommit(): void {
    // Reads that waited for the first commit of this term now know their index; confirm them.
    if (this.log.term(this.log.committed) === this.term && this.reads.termCommitted(this.log.committed)) {
      this.confirmReads();
    }
    // Removing the leader (dissertation §4.2.2): once the configuration without it is committed, it
    // steps down; the remaining voters elect a new leader among themselves.
    if (this.log.lastMembershipIndex() <= this.log.committed && !this.promotable()) {
      this.broadcastAppend();
      this.becomeFollower(this.term, null);
    }
  }

  // ---- client requests (leader) ----------------------------------------------------------------

  private refuse(
    reason: 'notLeader' | 'transferring' | 'membershipPending' | 'invalid',
    detail?: string,
  ): ProposeResult {
    const leader = this.role === 'leader' ? this.id : this.leader;
    return detail === undefined ? { ok: false, reason, leader } : { ok: false, reason, leader, detail };
  }

  propose(commands: readonly string[]): ProposeResult {
    if (this.role !== 'leader') return this.refuse('notLeader');
    if (this.transferee !== null) return this.refuse('transferring');
    if (commands.length === 0) return this.refuse('invalid', 'no commands');
    // Batching: all commands become consecutive entries and travel in as few appends as possible.
    const entries = this.appendEntries(commands.map((data) => ({ kind: 'command', data })));
    this.broadcastAppend();
    const last = entries.at(-1)!;
    return { ok: true, index: last.index, term: last.term };
  }

  proposeMembership(change: MembershipChange): ProposeResult {
    if (this.role !== 'leader') return this.refuse('notLeader');
    if (this.transferee !== null) return this.refuse('transferring');
    if (this.pendingMembershipIndex > this.log.committed) return this.refuse('membershipPending');
    const next = applyChange(this.membership(), change);
    if (typeof next === 'string') return this.refuse('invalid', next);
    const [entry] = this.appendEntries([{ kind: 'membership', change, membership: next }]);
    this.pendingMembershipIndex = entry!.index;
    this.broadcastAppend();
    return { ok: true, index: entry!.index, term: entry!.term };
  }

  transferLeadership(target: NodeId): ProposeResult {
    if (this.role !== 'leader') return this.refuse('notLeader');
    if (target === this.id) return { ok: true, index: this.log.lastIndex(), term: this.term };
    if (!isVoter(this.membership(), target)) return this.refuse('invalid', `node ${target} is not a voter`);
    const pr = this.progress.get(target)!;
    this.transferee = target;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to: target });
    else this.sendAppend(target, pr);
    return { ok: true, index: this.log.lastIndex(), term: this.term };
  }

  /**
   * ReadIndex (dissertation §6.4): remember the commit index, confirm leadership with a round of
   * heartbeats, and let the read be served once the state machine has applied that index.
   */
  readIndex(requestId: string): ProposeResult {
    if (this.role !== 'leader') return this.refuse('notLeader');
    const committedInTerm = this.log.term(this.log.committed) === this.term;
    this.reads.add(requestId, this.id, committedInTerm ? this.log.committed : null);
    if (committedInTerm) this.confirmReads();
    return { ok: true, index: this.log.committed, term: this.term };
  }

  /** Ask a majority to confirm this node still leads; a lone voter confirms itself. */
  private confirmReads(): void {
    const m = this.membership();
    if (majority(m) === 1 && isVoter(m, this.id)) this.releaseReads(this.reads.releaseAll(m));
    else this.broadcastHeartbeat();
  }

  private releaseReads(ready: readonly ReadState[]): void {
    this.readStates.push(...ready);
  }
}
