// One member's Ready loop, shared by the real node process and the simulator so the code the
// simulator proves is the code that runs: persist, send, apply, advance (etcd's contract), plus
// answering the clients waiting on this member and taking snapshots when due. A leader's appends
// leave before its own write (Raft thesis §10.2.1), so followers write in parallel with it.

import type { RawNode } from '../raft/rawnode.ts';
import type { Entry, Message, NodeId, ProposeResult, Ready, Role, Snapshot } from '../raft/types.ts';
import type { OperationResult } from '../statemachine/commands.ts';
import { SocietyState } from '../statemachine/society-state.ts';

/**
 * Where a member keeps what must survive a crash. `persist` returns once it is durable; a commit index
 * that is all that changed may be lost to a crash (etcd's MustSync), as the leader will resend it.
 */
export interface ReplicaStorage {
  persist(part: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): void;
  /** A snapshot this member took; the log entries it covers may then be dropped. */
  saveSnapshot(snapshot: Snapshot): void;
}

/** What an observer (telemetry, the safety monitor, a trace) is told, in the order it happens. */
export interface ReplicaObserver {
  /** A Ready is about to be written: the log on disk is still as it was before it. */
  persisting?(rd: Ready): void;
  /** The Ready's persistent part is durable; its other messages are about to be sent. */
  persisted?(rd: Ready): void;
  applied?(entry: Entry, result: OperationResult | null): void;
  snapshotInstalled?(snapshot: Snapshot): void;
  snapshotTaken?(snapshot: Snapshot): void;
}

interface PendingRead {
  index: number | null;
  readonly key: string;
  readonly done: (value: string | null) => void;
  readonly failed: () => void;
}

export class Replica {
  readonly raw: RawNode;
  /** The replicated state: rebuilt from a snapshot when one is installed. */
  sm: SocietyState;
  role: Role = 'follower';
  /** Client commands proposed here, by `client#seq`, answered when this member applies them. */
  private readonly waiting = new Map<string, (r: OperationResult) => void>();
  private readonly reads = new Map<string, PendingRead>();
  private readonly storage: ReplicaStorage;
  private readonly send: (m: Message) => void;
  private readonly observer: ReplicaObserver;
  /** The term and vote on disk: an append may leave before a write only in a term already recorded. */
  private durable: { term: number; vote: NodeId | null };

  constructor(
    raw: RawNode,
    sm: SocietyState,
    storage: ReplicaStorage,
    send: (m: Message) => void,
    observer: ReplicaObserver = {},
  ) {
    this.raw = raw;
    this.sm = sm;
    this.storage = storage;
    this.send = send;
    this.observer = observer;
    const { term, vote } = raw.status();
    this.durable = { term, vote };
  }

  /** Carry out every Ready the engine has. Call after each tick, message or proposal. */
  drive(): void {
    const raw = this.raw;
    while (raw.hasReady()) {
      const rd = raw.ready();
      if (rd.softState !== null) this.role = rd.softState.role;
      this.observer.persisting?.(rd);
      const early = new Set(rd.messages.filter((m) => this.sendableBeforeWrite(rd, m)));
      for (const m of early) this.send(m);
      this.storage.persist(rd);
      if (rd.hardState !== null) this.durable = { term: rd.hardState.term, vote: rd.hardState.vote };
      this.observer.persisted?.(rd);
      for (const m of rd.messages) if (!early.has(m)) this.send(m);
      this.apply(rd);
      raw.advance(rd);
      this.serveReads();
      if (raw.shouldSnapshot()) {
        const snapshot = raw.compact(this.sm.serialize());
        this.storage.saveSnapshot(snapshot);
        this.observer.snapshotTaken?.(snapshot);
      }
    }
  }

  /**
   * Whether `m` may leave before the Ready's write (thesis §10.2.1): a leader's append, which a
   * follower may store before the leader does; the leader counts itself only once its own write is
   * done, because acknowledgements are stepped only after drive() returns. Not when the Ready records
   * a new term or vote (a restarted leader that lost them could vote again in that term, and a second
   * leader of the term would write a different log), nor when the append's commit index reaches an
   * entry this write is still to store (a follower could apply what the leader's crash takes back).
   */
  private sendableBeforeWrite(rd: Ready, m: Message): boolean {
    if (m.type !== 'append' || rd.snapshot !== null) return false;
    const hs = rd.hardState;
    if (hs !== null && (hs.term !== this.durable.term || hs.vote !== this.durable.vote)) return false;
    const firstUnwritten = rd.entries[0]?.index ?? Number.POSITIVE_INFINITY;
    return m.commit < firstUnwritten;
  }

  private apply(rd: Ready): void {
    if (rd.snapshot !== null) {
      this.sm = SocietyState.restore(rd.snapshot.data, rd.snapshot.index);
      this.observer.snapshotInstalled?.(rd.snapshot);
    }
    for (const e of rd.committed) {
      const { command, result } = this.sm.apply(e);
      this.observer.applied?.(e, result);
      if (command === null || result === null) continue;
      const key = `${command.client}#${command.seq}`;
      const waiter = this.waiting.get(key);
      if (waiter !== undefined) {
        this.waiting.delete(key);
        waiter(result);
      }
    }
    for (const rs of rd.readStates) {
      const read = this.reads.get(rs.requestId);
      if (read !== undefined) read.index = rs.index;
    }
    for (const id of rd.droppedReads) {
      const read = this.reads.get(id);
      this.reads.delete(id);
      read?.failed();
    }
  }

  /** A linearizable read is answered once this member has applied up to its read index. */
  private serveReads(): void {
    for (const [id, read] of this.reads) {
      if (read.index !== null && read.index <= this.sm.appliedIndex) {
        this.reads.delete(id);
        read.done(this.sm.get(read.key));
      }
    }
  }

  /**
   * Propose an encoded command; `onApplied` runs when this member applies it (if it does). The
   * caller drives afterwards, when it chooses: several proposals before one drive() share one fsync.
   */
  propose(waitKey: string, data: string, onApplied: (r: OperationResult) => void): ProposeResult {
    const res = this.raw.propose([data]);
    if (res.ok) this.waiting.set(waitKey, onApplied);
    return res;
  }

  /** A linearizable read via ReadIndex: `done` with the value, or `failed` if leadership is lost. Drive afterwards. */
  read(requestId: string, key: string, done: (v: string | null) => void, failed: () => void): ProposeResult {
    const res = this.raw.readIndex(requestId);
    if (res.ok) this.reads.set(requestId, { index: null, key, done, failed });
    return res;
  }

  /** Forget a client that gave up waiting here. */
  abandon(waitKey: string): void {
    this.waiting.delete(waitKey);
    this.reads.delete(waitKey);
  }
}
