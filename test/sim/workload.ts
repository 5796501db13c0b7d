// Closed-loop clients that talk to the simulated cluster as real ones talk to the API: find the
// leader, retry across leader changes with the same session sequence number (so a retry is applied
// once), give up after a deadline (outcome unknown), and record every operation for the
// linearizability check.

import { encodeCommand, type OperationResult } from '../../main/statemachine/commands.ts';
import type { NodeId, ProposeResult } from '../../main/raft/types.ts';
import { chooseRequest, type ClientRequest } from '../lib/kv-requests.ts';
import type { KvOutput, Operation } from '../lib/linearizability.ts';
import type { SimCluster } from './sim-cluster.ts';

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** Pause between one answer and the next request. */
  readonly thinkMin: number;
  readonly thinkMax: number;
  /** How long to wait at one member before trying another. */
  readonly attemptTimeout: number;
  /** How long before the client gives up on an operation (its outcome stays unknown). */
  readonly opTimeout: number;
}

export const defaultWorkload: WorkloadOptions = {
  clients: 3,
  keys: 3,
  thinkMin: 40,
  thinkMax: 200,
  attemptTimeout: 400,
  opTimeout: 4000,
};

export interface WorkloadStats {
  completed: number;
  unknown: number;
  decisions: number;
  /** Answers the state machine refused; in a correct run there are none. */
  rejected: string[];
}

/** One request in progress: a register operation (checked for linearizability) or a decision. */
interface Pending {
  readonly request: ClientRequest;
  readonly call: number;
  readonly seq: number;
  done: boolean;
  attempt: number;
}

class Client {
  private seq = 0;
  private guess: NodeId;
  private op: Pending | null = null;
  stopped = false;
  private readonly name: string;
  private readonly sim: SimCluster;
  private readonly w: WorkloadOptions;
  private readonly history: Operation[];
  private readonly stats: WorkloadStats;

  constructor(name: string, sim: SimCluster, w: WorkloadOptions, history: Operation[], stats: WorkloadStats) {
    this.name = name;
    this.sim = sim;
    this.w = w;
    this.history = history;
    this.stats = stats;
    this.guess = sim.rng.pick(sim.ids());
  }

  start(): void {
    this.sim.at(this.sim.rng.int(0, this.w.thinkMax), () => this.next());
  }

  private next(): void {
    if (this.stopped) return;
    const r = this.sim.rng;
    const request = chooseRequest(r, this.name, this.seq + 1, this.w.keys, () =>
      r.chance(0.3) ? null : `c${r.int(1, this.w.clients)}.${r.int(1, Math.max(1, this.seq))}`,
    );
    // Reads need no session number: they change nothing, so a retry is harmless.
    this.op = { request, call: this.sim.now, seq: request.op === 'get' ? 0 : ++this.seq, done: false, attempt: 0 };
    this.attempt(this.op);
  }

  private attempt(op: Pending): void {
    const attempt = ++op.attempt;
    const q = op.request;
    if (q.op === 'get') {
      const res = this.sim.read(
        this.guess,
        `${this.name}/r${op.call}/${attempt}`,
        q.key,
        (value) => this.finish(op, { op: 'get', value }),
        () => this.retrySoon(op, attempt, null),
      );
      return this.afterAttempt(op, attempt, res);
    }
    const data = encodeCommand({ client: this.name, seq: op.seq, ackedBelow: op.seq, op: q });
    const res = this.sim.propose(this.guess, `${this.name}#${op.seq}`, data, (r) => this.answered(op, r));
    this.afterAttempt(op, attempt, res);
  }

  private afterAttempt(op: Pending, attempt: number, res: ProposeResult | null): void {
    if (res !== null && res.ok) {
      // Wait for the answer here, but not forever: the member may crash or lose its leadership.
      this.sim.at(this.w.attemptTimeout, () => this.retrySoon(op, attempt, null));
      return;
    }
    this.retrySoon(op, attempt, res === null ? null : res.leader);
  }

  private retrySoon(op: Pending, attempt: number, hint: NodeId | null): void {
    if (op.done || op.attempt !== attempt) return;
    this.guess = hint !== null && hint !== this.guess ? hint : this.sim.rng.pick(this.sim.ids());
    if (this.sim.now - op.call >= this.w.opTimeout) return this.giveUp(op);
    this.sim.at(this.sim.rng.int(5, 30), () => {
      if (!op.done && op.attempt === attempt) this.attempt(op);
    });
  }

  private answered(op: Pending, r: OperationResult): void {
    switch (r.op) {
      case 'set':
        return this.finish(op, { op: 'set' });
      case 'cas':
        return this.finish(op, { op: 'cas', ok: r.ok, value: r.ok ? null : r.value });
      case 'decide':
        this.stats.decisions++;
        return this.finish(op, null);
      case 'rejected':
        this.stats.rejected.push(`${this.name}#${op.seq}: ${r.error}`);
        return this.finish(op, null);
    }
  }

  private finish(op: Pending, output: KvOutput | null): void {
    if (op.done) return;
    op.done = true;
    this.stats.completed++;
    if (output !== null && op.request.op !== 'decide') {
      this.history.push({ client: this.name, input: op.request, call: op.call, ret: this.sim.now, output });
    }
    this.sim.at(this.sim.rng.int(this.w.thinkMin, this.w.thinkMax), () => this.next());
  }

  private giveUp(op: Pending): void {
    op.done = true;
    this.stats.unknown++;
    // A write that may or may not have happened: it may take effect at any time from its call on.
    if (op.request.op === 'set' || op.request.op === 'cas') {
      this.history.push({ client: this.name, input: op.request, call: op.call, ret: null, output: null });
    }
    this.sim.at(this.sim.rng.int(this.w.thinkMin, this.w.thinkMax), () => this.next());
  }
}

export class Workload {
  readonly history: Operation[] = [];
  readonly stats: WorkloadStats = { completed: 0, unknown: 0, decisions: 0, rejected: [] };
  private readonly clients: Client[];

  constructor(sim: SimCluster, options: Partial<WorkloadOptions> = {}) {
    const w = { ...defaultWorkload, ...options };
    this.clients = Array.from(
      { length: w.clients },
      (_, i) => new Client(`c${i + 1}`, sim, w, this.history, this.stats),
    );
  }

  start(): void {
    for (const c of this.clients) c.start();
  }

  /** No new operations; those under way finish or give up. */
  stop(): void {
    for (const c of this.clients) c.stopped = true;
  }
}
