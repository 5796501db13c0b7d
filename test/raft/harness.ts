// A tiny, fully deterministic network of RawNodes for the paper-style tests in this folder.
// Every Ready is carried out in the documented order: persist (to an in-memory "disk"), send
// (into one FIFO queue), install the snapshot and apply committed entries, then advance. Links can
// be cut and messages held back or dropped by a predicate; nothing here uses clocks or Math.random.

import assert from 'node:assert/strict';
import { RawNode } from '../../main/raft/rawnode.ts';
import type { Status } from '../../main/raft/rawnode.ts';
import type {
  Entry,
  HardState,
  Membership,
  Message,
  MessageType,
  NodeId,
  PersistedState,
  RaftConfig,
  RandomInt,
  Ready,
  ReadState,
  Snapshot,
} from '../../main/raft/types.ts';

export type Tunables = Omit<RaftConfig, 'id'>;

export const defaults: Tunables = {
  electionTicksMin: 10,
  electionTicksMax: 20,
  heartbeatTicks: 3,
  preVote: false,
  checkQuorum: false,
  maxInflight: 256,
  maxEntriesPerAppend: 64,
  maxAppendBytes: 1024 * 1024,
  snapshotThreshold: 1000,
};

export function config(id: NodeId, overrides: Partial<Tunables> = {}): RaftConfig {
  return { ...defaults, ...overrides, id };
}

/** Always the shortest timeout: deterministic, and every node behaves alike. */
export const lowest: RandomInt = (min) => min;

/** Node `id` times out (id - 1) ticks after the minimum, so node 1 fires first, then 2, ... */
export function staggered(id: NodeId): RandomInt {
  return (min, max) => Math.min(max, min + id - 1);
}

export function voters(...ids: NodeId[]): Membership {
  return { voters: ids, learners: [] };
}

export const empty: PersistedState = { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };

/** A log written by hand: `log(1, 1, 2)` is [index 1 term 1, index 2 term 1, index 3 term 2]. */
export function log(...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, payload: { kind: 'command', data: `e${i + 1}` } }));
}

/** A node's disk holding `entries` with current `term` (and optionally a vote and commit index). */
export function disk(term: number, entries: readonly Entry[], vote: NodeId | null = null, commit = 0): PersistedState {
  return { hardState: { term, vote, commit }, snapshot: null, entries };
}

/** Message fields by type, for hand-built messages and type-safe filtering. */
export type MessageOf<T extends MessageType> = Message & { readonly type: T };

export function isType<T extends MessageType>(type: T): (m: Message) => m is MessageOf<T> {
  return (m): m is MessageOf<T> => m.type === type;
}

export function ofType<T extends MessageType>(msgs: readonly Message[], type: T): MessageOf<T>[] {
  return msgs.filter(isType(type));
}

/** The in-memory disk: exactly what the Ready contract said to persist. */
export class MemoryStorage {
  hardState: HardState = empty.hardState;
  snapshot: Snapshot | null = null;
  entries: Entry[] = [];

  constructor(initial: PersistedState = empty) {
    this.hardState = initial.hardState;
    this.snapshot = initial.snapshot;
    this.entries = [...initial.entries];
  }

  get snapshotIndex(): number {
    return this.snapshot?.index ?? 0;
  }

  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshot?.term ?? 0;
    return this.entries[index - this.snapshotIndex - 1]?.term;
  }

  persist(rd: Ready): void {
    if (rd.snapshot !== null) {
      this.snapshot = rd.snapshot;
      this.entries = [];
    }
    const first = rd.entries[0];
    if (first !== undefined) {
      const keep = first.index - this.snapshotIndex - 1;
      assert.ok(keep >= 0 && keep <= this.entries.length, `entries from ${first.index} do not follow the stored log`);
      this.entries.length = keep;
      this.entries.push(...rd.entries);
    }
    if (rd.hardState !== null) this.hardState = rd.hardState;
  }

  compact(snapshot: Snapshot): void {
    this.entries = this.entries.slice(snapshot.index - this.snapshotIndex);
    this.snapshot = snapshot;
  }

  load(): PersistedState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: [...this.entries] };
  }
}

/** The test state machine: the list of applied command strings; its snapshot image is that list as JSON. */
function decodeImage(data: string): string[] {
  const raw: unknown = JSON.parse(data);
  assert.ok(Array.isArray(raw), 'the snapshot image must be a list');
  return raw.map((x: unknown) => {
    assert.ok(typeof x === 'string', 'the snapshot image must hold strings');
    return x;
  });
}

export class Member {
  node: RawNode;
  readonly storage: MemoryStorage;
  /** Commands applied to the state machine, in order. */
  applied: string[] = [];
  readonly readStates: ReadState[] = [];
  readonly droppedReads: string[] = [];
  /** Snapshots received from a leader and installed. */
  readonly installed: Snapshot[] = [];
  /** Every Ready this member carried out, in order. */
  readonly readies: Ready[] = [];
  up = true;

  readonly id: NodeId;
  readonly cfg: RaftConfig;
  readonly random: RandomInt;
  readonly initial: Membership;

  constructor(cfg: RaftConfig, random: RandomInt, initial: Membership, persisted: PersistedState) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.random = random;
    this.initial = initial;
    this.storage = new MemoryStorage(persisted);
    this.node = new RawNode(cfg, random, initial, persisted);
  }
}

export interface ClusterOptions {
  /** Initial members (default: voters 1, 2, 3). */
  readonly membership?: Membership;
  readonly config?: Partial<Tunables>;
  /** The RNG of each node (default: staggered). */
  readonly random?: (id: NodeId) => RandomInt;
  /** Each node's disk at start (default: empty). */
  readonly disks?: Readonly<Record<NodeId, PersistedState>>;
}

export class Cluster {
  readonly members = new Map<NodeId, Member>();
  /** Messages sent and not yet delivered, oldest first. */
  queue: Message[] = [];
  /** Every message any node sent, delivered or not. */
  readonly sent: Message[] = [];
  /** Every message stepped into its target. */
  readonly delivered: Message[] = [];
  private readonly cuts = new Set<string>();
  private readonly dropRules: ((m: Message) => boolean)[] = [];
  readonly membership: Membership;
  private readonly opts: ClusterOptions;

  constructor(opts: ClusterOptions = {}) {
    this.opts = opts;
    this.membership = opts.membership ?? voters(1, 2, 3);
    for (const id of [...this.membership.voters, ...this.membership.learners]) this.add(id);
  }

  /** A new member with an empty disk (or the one given in the options), knowing the initial membership. */
  add(id: NodeId): Member {
    const random = (this.opts.random ?? staggered)(id);
    const member = new Member(config(id, this.opts.config), random, this.membership, this.opts.disks?.[id] ?? empty);
    this.members.set(id, member);
    return member;
  }

  member(id: NodeId): Member {
    const m = this.members.get(id);
    assert.ok(m !== undefined, `no member ${id}`);
    return m;
  }

  node(id: NodeId): RawNode {
    return this.member(id).node;
  }

  status(id: NodeId): Status {
    return this.node(id).status();
  }

  /** The live leader with the highest term, if any. */
  leader(): NodeId | null {
    let best: Status | null = null;
    for (const m of this.members.values()) {
      const s = m.node.status();
      if (m.up && s.role === 'leader' && (best === null || s.term > best.term)) best = s;
    }
    return best?.id ?? null;
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** Cut the link between a and b in both directions. */
  cut(a: NodeId, b: NodeId): void {
    this.cuts.add(`${a}>${b}`);
    this.cuts.add(`${b}>${a}`);
  }

  isolate(id: NodeId): void {
    for (const other of this.members.keys()) if (other !== id) this.cut(id, other);
  }

  /** Drop every message matching `rule` until heal(). */
  drop(rule: (m: Message) => boolean): void {
    this.dropRules.push(rule);
  }

  heal(): void {
    this.cuts.clear();
    this.dropRules.length = 0;
  }

  private lost(m: Message): boolean {
    const target = this.members.get(m.to);
    return target === undefined || !target.up || this.cuts.has(`${m.from}>${m.to}`) || this.dropRules.some((r) => r(m));
  }

  /** Crash a node: it stops, loses everything not on its disk, and messages to it are lost. */
  stop(id: NodeId): void {
    this.member(id).up = false;
    this.queue = this.queue.filter((m) => m.from !== id);
  }

  /** Start a stopped (or running) node again from its disk. */
  restart(id: NodeId): void {
    const m = this.member(id);
    const persisted = m.storage.load();
    m.node = new RawNode(m.cfg, m.random, m.initial, persisted);
    m.applied = persisted.snapshot === null ? [] : decodeImage(persisted.snapshot.data);
    m.up = true;
  }

  // ---- driving ---------------------------------------------------------------------------------

  /** Carry out one node's Ready in the documented order; returns it (null when there was none). */
  handleReady(id: NodeId): Ready | null {
    const m = this.member(id);
    if (!m.up || !m.node.hasReady()) return null;
    const rd = m.node.ready();
    m.readies.push(rd);
    // 1. persist hard state, snapshot and entries
    m.storage.persist(rd);
    // 2. send
    for (const msg of rd.messages) {
      this.sent.push(msg);
      this.queue.push(msg);
    }
    // 3. install the snapshot, apply committed entries
    if (rd.snapshot !== null) {
      m.applied = decodeImage(rd.snapshot.data);
      m.installed.push(rd.snapshot);
    }
    for (const e of rd.committed) if (e.payload.kind === 'command') m.applied.push(e.payload.data);
    m.readStates.push(...rd.readStates);
    m.droppedReads.push(...rd.droppedReads);
    // 4. hand it back
    m.node.advance(rd);
    return rd;
  }

  readyAll(): void {
    for (const id of this.members.keys()) this.handleReady(id);
  }

  /** Step the queued messages matching `which` into their targets (others stay queued). */
  deliver(which: (m: Message) => boolean = () => true): number {
    const now = this.queue.filter(which);
    this.queue = this.queue.filter((m) => !which(m));
    for (const m of now) {
      if (this.lost(m)) continue;
      this.delivered.push(m);
      this.member(m.to).node.step(m);
    }
    return now.length;
  }

  /** Take queued messages matching `which` out of the network (to hold them back or inspect them). */
  take(which: (m: Message) => boolean): Message[] {
    const taken = this.queue.filter(which);
    this.queue = this.queue.filter((m) => !which(m));
    return taken;
  }

  /** Put held-back messages back on the network. */
  send(msgs: readonly Message[]): void {
    this.queue.push(...msgs);
  }

  /** Carry out Readies and deliver messages until nothing is left to do. */
  stabilize(): void {
    for (let round = 0; round < 10_000; round++) {
      this.readyAll();
      if (this.queue.length === 0) return;
      this.deliver();
    }
    assert.fail('the cluster did not settle');
  }

  /** Tick the given nodes (default: every live node) `n` times, settling the network after each tick. */
  tick(n: number, ids: readonly NodeId[] = [...this.members.keys()]): void {
    for (let i = 0; i < n; i++) {
      for (const id of ids) if (this.member(id).up) this.node(id).tick();
      this.stabilize();
    }
  }

  /** Make `id` campaign and settle; it must win. */
  elect(id: NodeId): void {
    this.node(id).campaign();
    this.stabilize();
    assert.equal(this.status(id).role, 'leader', `node ${id} should have won the election`);
  }

  /** Propose on `id` (which must accept) and settle; returns the index of the last new entry. */
  propose(id: NodeId, ...commands: string[]): number {
    const r = this.node(id).propose(commands);
    assert.ok(r.ok, `node ${id} refused the proposal`);
    this.stabilize();
    return r.index;
  }

  /** Snapshot `id`'s state machine at its applied index and drop the log prefix it covers. */
  compact(id: NodeId): Snapshot {
    const m = this.member(id);
    const snapshot = m.node.compact(JSON.stringify(m.applied));
    m.storage.compact(snapshot);
    return snapshot;
  }
}
