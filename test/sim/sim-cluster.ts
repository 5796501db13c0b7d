// A deterministic cluster around the real engine: simulated clock, simulated network per directed
// link, crash/restart keeping only persisted state, pauses, membership changes. Every Ready is
// carried out exactly as a real node must (persist, send, apply, advance) and reported to the
// safety monitor, so a violation is caught at the event that caused it.

import { RawNode } from '../../main/raft/rawnode.ts';
import type { Membership, Message, NodeId, ProposeResult, RaftConfig, Role } from '../../main/raft/types.ts';
import { Replica, type ReplicaObserver, type ReplicaStorage } from '../../main/replica/replica.ts';
import { SocietyState } from '../../main/statemachine/society-state.ts';
import type { OperationResult } from '../../main/statemachine/commands.ts';
import { SafetyMonitor } from '../../main/safety/monitor.ts';
import { EventQueue } from './event-queue.ts';
import { Random } from './random.ts';
import { SimStorage } from './sim-storage.ts';
import { describeMessage } from './trace.ts';

/** Every member's engine configuration (but its id), plus the simulation's own knobs. */
export interface SimOptions extends Omit<RaftConfig, 'id'> {
  readonly seed: number;
  readonly nodes: number;
  readonly tickMs: number;
  /** The planted bug: restarted members forget the vote they persisted. */
  readonly forgetVote: boolean;
  /** Keep a readable line per event (slower; used to replay a failing seed). */
  readonly trace: boolean;
}

export const defaultSimOptions: SimOptions = {
  seed: 1,
  nodes: 5,
  tickMs: 10,
  electionTicksMin: 15,
  electionTicksMax: 30,
  heartbeatTicks: 5,
  preVote: true,
  checkQuorum: true,
  maxInflight: 8,
  maxEntriesPerAppend: 32,
  maxAppendBytes: 64 * 1024,
  snapshotThreshold: 200,
  forgetVote: false,
  trace: false,
};

/** How one directed link misbehaves. */
export interface LinkFault {
  readonly loss: number;
  readonly duplicate: number;
  readonly delayMin: number;
  readonly delayMax: number;
  /** Chance that a message is held back for long (reordering), and for how long. */
  readonly longDelay: number;
  readonly longDelayMin: number;
  readonly longDelayMax: number;
}

export const calmNetwork: LinkFault = {
  loss: 0,
  duplicate: 0,
  delayMin: 1,
  delayMax: 5,
  longDelay: 0,
  longDelayMin: 0,
  longDelayMax: 0,
};

export type NodeState = 'up' | 'down' | 'paused' | 'removed';

export class SimNode {
  readonly storage = new SimStorage();
  /** The running process's member, or null while it is down. */
  replica: Replica | null = null;
  /** The state a crashed member had, for inspection; a restart rebuilds it from storage. */
  private lastState = new SocietyState();
  state: NodeState = 'down';
  nextTick = 0;
  /** Messages that arrived while the process was frozen: the socket buffer holds them. */
  inbox: Message[] = [];
  /** Crash at the next write of entries, after what may leave before it has left (a fault). */
  crashDuringWrite = false;
  readonly id: NodeId;
  readonly initial: Membership;

  constructor(id: NodeId, initial: Membership) {
    this.id = id;
    this.initial = initial;
  }

  get raw(): RawNode | null {
    return this.replica?.raw ?? null;
  }

  get sm(): SocietyState {
    return this.replica?.sm ?? this.lastState;
  }

  get role(): Role {
    return this.replica?.role ?? 'follower';
  }

  /** The process dies: everything volatile is gone. */
  kill(): void {
    this.lastState = this.sm;
    this.replica = null;
    this.inbox = [];
    this.crashDuringWrite = false;
  }
}

/** Thrown out of a member's write when the process dies in the middle of it. */
class DiedDuringWrite extends Error {}

type SimEvent =
  { readonly kind: 'deliver'; readonly msg: Message } | { readonly kind: 'call'; readonly fn: () => void };

export class SimulationFailure extends Error {
  override name = 'SimulationFailure';
}

export class SimCluster {
  readonly opts: SimOptions;
  now = 0;
  readonly rng: Random;
  private readonly netRng: Random;
  private readonly engineRng: Random;
  readonly monitor = new SafetyMonitor();
  readonly nodes = new Map<NodeId, SimNode>();
  /** The same members as `nodes`, as an array: scanned on every event to find the next tick. */
  private readonly members: SimNode[] = [];
  private readonly queue = new EventQueue<SimEvent>();
  private readonly cuts = new Set<number>();
  private readonly linkFaults = new Map<number, LinkFault>();
  network: LinkFault = calmNetwork;
  preVote: boolean;
  checkQuorum: boolean;
  readonly trace: string[] | null;
  readonly counts = { sent: 0, delivered: 0, dropped: 0, elections: 0 };
  /** Called when a member has just granted its vote (after persisting it): a fault may strike then. */
  afterVote: ((voter: NodeId) => void) | null = null;
  /** Called when a member has just become leader: a fault may strike then. */
  afterElected: ((leader: SimNode) => void) | null = null;

  constructor(options: Partial<SimOptions> = {}) {
    this.opts = { ...defaultSimOptions, ...options };
    const root = new Random(this.opts.seed);
    this.rng = root.fork();
    this.netRng = root.fork();
    this.engineRng = root.fork();
    this.preVote = this.opts.preVote;
    this.checkQuorum = this.opts.checkQuorum;
    this.trace = this.opts.trace ? [] : null;
    const voters = Array.from({ length: this.opts.nodes }, (_, i) => i + 1);
    for (const id of voters) {
      this.register(new SimNode(id, { voters, learners: [] }));
      this.start(id);
    }
  }

  private register(n: SimNode): void {
    this.nodes.set(n.id, n);
    this.members.push(n);
  }

  log(line: string): void {
    this.trace?.push(`${String(this.now).padStart(6)}ms  ${line}`);
  }

  private config(id: NodeId): RaftConfig {
    const o = this.opts;
    return {
      id,
      electionTicksMin: o.electionTicksMin,
      electionTicksMax: o.electionTicksMax,
      heartbeatTicks: o.heartbeatTicks,
      preVote: this.preVote,
      checkQuorum: this.checkQuorum,
      maxInflight: o.maxInflight,
      maxEntriesPerAppend: o.maxEntriesPerAppend,
      maxAppendBytes: o.maxAppendBytes,
      snapshotThreshold: o.snapshotThreshold,
    };
  }

  node(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new RangeError(`no node ${id}`);
    return n;
  }

  ids(): NodeId[] {
    return [...this.nodes.keys()];
  }

  // ---- process lifecycle -------------------------------------------------------------------

  /** Start (or restart) a member from what its storage holds; everything volatile starts empty. */
  private start(id: NodeId): void {
    const n = this.node(id);
    const persisted = n.storage.load(this.opts.forgetVote);
    const rng = this.engineRng;
    const raw = new RawNode(this.config(id), (min, max) => rng.int(min, max), n.initial, persisted);
    const sm =
      persisted.snapshot === null
        ? new SocietyState()
        : SocietyState.restore(persisted.snapshot.data, persisted.snapshot.index);
    n.replica = new Replica(raw, sm, this.disk(n), (m) => this.send(m), this.observe(n));
    n.state = 'up';
    n.inbox = [];
    // Processes do not start in lockstep: each ticks at its own phase.
    n.nextTick = this.now + this.rng.int(1, this.opts.tickMs);
    this.drive(n);
  }

  crash(id: NodeId): void {
    const n = this.node(id);
    if (n.state !== 'up' && n.state !== 'paused') return;
    this.log(`n${id} CRASH (term ${n.storage.hardState.term}, ${n.role})`);
    n.state = 'down';
    n.kill();
    const lost = n.storage.loseUnsynced();
    if (lost !== null) this.log(`n${id} loses its unsynced commit index ${lost.from}: back to ${lost.to}`);
  }

  restart(id: NodeId): void {
    const n = this.node(id);
    if (n.state !== 'down') return;
    this.log(
      `n${id} RESTART from disk (term ${n.storage.hardState.term}, vote ${n.storage.hardState.vote ?? '-'}, last ${n.storage.lastIndex()})`,
    );
    this.start(id);
  }

  pause(id: NodeId): void {
    const n = this.node(id);
    if (n.state !== 'up') return;
    this.log(`n${id} FREEZE`);
    n.state = 'paused';
  }

  resume(id: NodeId): void {
    const n = this.node(id);
    if (n.state !== 'paused') return;
    this.log(`n${id} THAW (${n.inbox.length} messages waiting)`);
    n.state = 'up';
    n.nextTick = Math.max(n.nextTick, this.now);
    const inbox = n.inbox;
    n.inbox = [];
    for (const m of inbox) n.raw!.step(m);
    this.drive(n);
  }

  /** A member that joins later starts empty and learns everything from the leader. */
  addProcess(id: NodeId): SimNode {
    if (this.nodes.has(id)) throw new RangeError(`node ${id} exists`);
    const n = new SimNode(id, { voters: [], learners: [] });
    this.register(n);
    this.log(`n${id} SPAWNED (empty)`);
    this.start(id);
    return n;
  }

  /** A member removed from the configuration is stopped for good. */
  retire(id: NodeId): void {
    const n = this.node(id);
    this.crash(id);
    n.state = 'removed';
    this.log(`n${id} RETIRED`);
  }

  setPreVote(on: boolean): void {
    this.preVote = on;
    for (const n of this.nodes.values()) n.raw?.setPreVote(on);
    this.log(`PreVote ${on ? 'on' : 'off'}`);
  }

  setCheckQuorum(on: boolean): void {
    this.checkQuorum = on;
    for (const n of this.nodes.values()) n.raw?.setCheckQuorum(on);
    this.log(`CheckQuorum ${on ? 'on' : 'off'}`);
  }

  // ---- network -----------------------------------------------------------------------------

  private static link(from: NodeId, to: NodeId): number {
    return from * 65536 + to;
  }

  cut(from: NodeId, to: NodeId, oneWay = false): void {
    this.cuts.add(SimCluster.link(from, to));
    if (!oneWay) this.cuts.add(SimCluster.link(to, from));
    this.log(`CUT n${from} ${oneWay ? '->' : '<->'} n${to}`);
  }

  /** Members talk only within their own group; replaces any earlier cuts. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.cuts.clear();
    const groupOf = new Map<NodeId, number>();
    groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
    for (const a of this.ids()) {
      for (const b of this.ids()) {
        if (a !== b && groupOf.get(a) !== groupOf.get(b)) this.cuts.add(SimCluster.link(a, b));
      }
    }
    this.log(`PARTITION ${groups.map((g) => `{${g.join(',')}}`).join(' ')}`);
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.has(SimCluster.link(from, to));
  }

  setLinkFault(from: NodeId, to: NodeId, fault: LinkFault): void {
    this.linkFaults.set(SimCluster.link(from, to), fault);
  }

  /** Restore every link and calm the network; processes are left as they are. */
  heal(): void {
    this.cuts.clear();
    this.linkFaults.clear();
    this.network = calmNetwork;
    this.log('HEAL network');
  }

  private send(m: Message): void {
    this.counts.sent++;
    if (m.type === 'voteResp' && m.granted) {
      this.monitor.voteGranted(m.from, m.term, m.to);
      this.afterVote?.(m.from);
    }
    const link = SimCluster.link(m.from, m.to);
    const f = this.linkFaults.get(link) ?? this.network;
    const r = this.netRng;
    if (this.cuts.has(link) || r.chance(f.loss)) {
      this.counts.dropped++;
      if (this.trace) this.log(`n${m.from} -> n${m.to} ${describeMessage(m)}  DROPPED`);
      return;
    }
    const copies = r.chance(f.duplicate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = r.chance(f.longDelay) ? r.int(f.longDelayMin, f.longDelayMax) : r.int(f.delayMin, f.delayMax);
      this.queue.push(this.now + delay, { kind: 'deliver', msg: m });
    }
  }

  private deliver(m: Message): void {
    const n = this.nodes.get(m.to);
    // A cable cut while the message was on the wire loses it too.
    if (
      n === undefined ||
      n.state === 'down' ||
      n.state === 'removed' ||
      this.cuts.has(SimCluster.link(m.from, m.to))
    ) {
      this.counts.dropped++;
      if (this.trace)
        this.log(`n${m.from} -> n${m.to} ${describeMessage(m)}  LOST (receiver ${n?.state ?? 'unknown'} or link cut)`);
      return;
    }
    this.counts.delivered++;
    if (this.trace) this.log(`n${m.from} -> n${m.to} ${describeMessage(m)}`);
    if (n.state === 'paused') {
      n.inbox.push(m);
      return;
    }
    n.raw!.step(m);
    this.drive(n);
  }

  // ---- the Ready loop: what every real node does -------------------------------------------

  drive(n: SimNode): void {
    if (n.state !== 'up' || n.replica === null) return;
    try {
      n.replica.drive();
    } catch (e) {
      if (!(e instanceof DiedDuringWrite)) throw e;
      this.crash(n.id);
    }
  }

  /** A member's storage as its Ready loop sees it: a crash during a write leaves the write undone. */
  private disk(n: SimNode): ReplicaStorage {
    return {
      persist: (rd) => {
        if (n.crashDuringWrite && rd.entries.length > 0) {
          n.crashDuringWrite = false;
          this.log(`n${n.id} dies writing entries ${rd.entries[0]!.index}-${rd.entries.at(-1)!.index}`);
          throw new DiedDuringWrite();
        }
        n.storage.persist(rd);
      },
      saveSnapshot: (snapshot) => n.storage.saveSnapshot(snapshot),
    };
  }

  /** What the simulator watches in each member's Ready loop: the safety monitor and the trace. */
  private observe(n: SimNode): ReplicaObserver {
    let overwrote: number | null = null;
    return {
      persisting: (rd) => {
        // The monitor needs to know whether this write replaces entries already on disk.
        const first = rd.entries[0];
        overwrote =
          rd.snapshot !== null && n.storage.entries.length > 0
            ? n.storage.entries[0]!.index
            : first !== undefined && first.index <= n.storage.lastIndex()
              ? first.index
              : null;
        if (rd.softState !== null && this.trace) {
          const term = rd.hardState?.term ?? n.storage.hardState.term;
          this.log(`n${n.id} is ${rd.softState.role} (term ${term}, leader ${rd.softState.leader ?? '-'})`);
        }
      },
      persisted: (rd) => {
        const first = rd.entries[0];
        const term = n.storage.hardState.term;
        if (first !== undefined) {
          this.monitor.appended(
            n.id,
            n.role === 'leader',
            term,
            rd.entries,
            n.storage.term(first.index - 1),
            overwrote,
          );
        }
        if (rd.softState?.role === 'leader') {
          this.counts.elections++;
          this.monitor.leaderElected(n.id, term, n.storage);
          this.afterElected?.(n);
        }
      },
      applied: (e) => this.monitor.applied(n.id, e),
      snapshotInstalled: (s) => this.log(`n${n.id} installed snapshot at ${s.index}`),
      snapshotTaken: (s) => this.log(`n${n.id} snapshot at ${s.index}`),
    };
  }

  // ---- client doors ------------------------------------------------------------------------

  /** Propose a command at `id`; `onApplied` runs when that member applies it. Null if it is not running. */
  propose(id: NodeId, waitKey: string, data: string, onApplied: (r: OperationResult) => void): ProposeResult | null {
    const n = this.nodes.get(id);
    if (n?.state !== 'up' || n.replica === null) return null;
    const res = n.replica.propose(waitKey, data, onApplied);
    this.drive(n);
    return res;
  }

  /** A linearizable read at `id` via ReadIndex. Null if it is not running. */
  read(
    id: NodeId,
    requestId: string,
    key: string,
    done: (v: string | null) => void,
    failed: () => void,
  ): ProposeResult | null {
    const n = this.nodes.get(id);
    if (n?.state !== 'up' || n.replica === null) return null;
    const res = n.replica.read(requestId, key, done, failed);
    this.drive(n);
    return res;
  }

  /** The member that believes it leads with the highest term, if any is up. */
  leader(): SimNode | null {
    let best: SimNode | null = null;
    for (const n of this.nodes.values()) {
      if (
        n.state === 'up' &&
        n.role === 'leader' &&
        (best === null || n.storage.hardState.term > best.storage.hardState.term)
      )
        best = n;
    }
    return best;
  }

  // ---- time --------------------------------------------------------------------------------

  at(delay: number, fn: () => void): void {
    this.queue.push(this.now + delay, { kind: 'call', fn });
  }

  /** Run the world until simulated time `until`, stopping early at the first safety violation. */
  runUntil(until: number): void {
    for (;;) {
      let next: SimNode | null = null;
      for (const n of this.members) if (n.state === 'up' && (next === null || n.nextTick < next.nextTick)) next = n;
      const tickAt = next?.nextTick ?? Infinity;
      const eventAt = this.queue.peekTime();
      const t = Math.min(tickAt, eventAt);
      if (t > until) break;
      this.now = t;
      if (eventAt <= tickAt) {
        const ev = this.queue.pop()!;
        if (ev.kind === 'deliver') this.deliver(ev.msg);
        else ev.fn();
      } else {
        next!.nextTick += this.opts.tickMs;
        next!.raw!.tick();
        this.drive(next!);
      }
      if (this.monitor.violations.length > 0) throw new SimulationFailure(this.monitor.violations[0]!.message);
    }
    this.now = until;
  }
}
