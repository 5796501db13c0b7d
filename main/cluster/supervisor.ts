// The supervisor owns the member processes and is the only thing the UI talks to. It sets the
// network's rules (each member's transport enforces them), routes client requests, turns every
// member's telemetry into one ordered, timestamped event stream, records it for replay, and runs
// the live safety monitor over it.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type {
  LinkFault,
  LinkRules,
  MemberRequest,
  NodeConfig,
  Peer,
  ReplyOutcome,
  Telemetry,
  ToNode,
} from '../node/control-protocol.ts';
import { socketPath } from '../node/socket-path.ts';
import { MAX_FRAME_BYTES } from '../node/transport.ts';
import { SafetyMonitor } from '../safety/monitor.ts';
import {
  commandInputs,
  type ClusterEvent,
  type ClusterView,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type LinkView,
  type MemberStatus,
  type MemberView,
  type Network,
  type SafetyReport,
  type SettingsView,
  type Violation,
} from '../shared/contract.ts';
import { ClientRouter, type RouterHost } from './client-router.ts';
import { memberIdOfEntry, readFounders, SOCIETY_RECORD } from './data-dir.ts';
import { entryView } from './entry-view.ts';
import { LogMirror } from './log-mirror.ts';
import { canFreeze, MemberProcess } from './member-process.ts';
import { memberBundleProblem } from './spawn.ts';
import { MetricsCollector, type Metrics } from './metrics.ts';
import { memberName } from './names.ts';

export interface SupervisorOptions {
  readonly nodes: number;
  /** Members keep their data in `<dataDir>/n<id>`. */
  readonly dataDir: string;
  readonly electionTimeoutMs?: readonly [number, number];
  readonly heartbeatMs?: number;
  readonly tickMs?: number;
  readonly timeScale?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly snapshotThreshold?: number;
  /** Members start a new WAL segment once the current one has reached this size. */
  readonly segmentBytes?: number;
  readonly messageTelemetry?: boolean;
  /** Events kept for replay. */
  readonly recordingLimit?: number;
  /** The member process entry (the built file in a packaged app). */
  readonly memberEntry?: string;
}

type EventBody = ClusterEvent extends infer E ? (E extends ClusterEvent ? Omit<E, 'seq' | 'at'> : never) : never;
type StateTelemetry = Extract<Telemetry, { k: 'state' }>;

interface Member {
  readonly id: number;
  readonly name: string;
  readonly dataDir: string;
  proc: MemberProcess | null;
  status: MemberStatus;
  address: string;
  state: StateTelemetry | null;
  readonly mirror: LogMirror;
  removed: boolean;
  /** Why the last process could not run, as it said before exiting. */
  lastError: string | null;
  /** Resolves when the current process said it started (or failed to). */
  started: Promise<void>;
}

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: (ok: boolean) => void;
}

class NoSuchMember extends Error {
  constructor(id: number) {
    super(`there is no member ${id}`);
  }
}

/** What a restarted member's recovery repaired, for its 'running' event; undefined when nothing. */
function recoveryNote(tornTail: string | null, removed: readonly string[]): string | undefined {
  const notes = [
    ...(tornTail === null ? [] : [`truncated a torn write at ${tornTail}`]),
    ...(removed.length === 0 ? [] : [`removed crash leftovers ${removed.join(', ')}`]),
  ];
  return notes.length === 0 ? undefined : `recovered: ${notes.join('; ')}`;
}

/** A configuration change a leader accepted into its log, not yet known committed. */
interface Accepted {
  readonly index: number;
  readonly term: number;
}
type Fate = 'committed' | 'lost';

/** The (index, term) of a change the router reports accepted (status 202). */
function accepted(res: CommandResult): Accepted {
  return res.body as Accepted;
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ok = (body: unknown = { ok: true }): CommandResult => ({ status: 200, body });
/** The ends of a directed link from its key "from>to". */
function linkEnds(key: string): { from: number; to: number } {
  const [from, to] = key.split('>').map(Number) as [number, number];
  return { from, to };
}

export class Supervisor {
  private readonly members = new Map<number, Member>();
  private readonly cuts = new Set<string>();
  private readonly faults = new Map<string, LinkFault>();
  private readonly monitor = new SafetyMonitor((e) => entryView(e).label);
  /** The monitor's `changes` when its report was last emitted, and the timer that will emit the next. */
  private reportedChanges = 0;
  private reportTimer: NodeJS.Timeout | null = null;
  private readonly metricsCollector = new MetricsCollector();
  private readonly recording: ClusterEvent[] = [];
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly pending = new Map<
    string,
    { member: number; resolve: (o: ReplyOutcome | null) => void; timer: NodeJS.Timeout }
  >();
  private waiters: Waiter[] = [];
  private readonly router: ClientRouter;
  private seq = 0;
  readonly socketDir: string;
  private readonly o: Required<Omit<SupervisorOptions, 'memberEntry'>> & { memberEntry: string | undefined };
  /** The society's founding voters, from society.json in the data directory. */
  private founders: number[] = [];
  private settings: {
    timeScale: number;
    preVote: boolean;
    checkQuorum: boolean;
    messageTelemetry: boolean;
    snapshotThreshold: number;
  };
  private stopped = false;

  constructor(options: SupervisorOptions) {
    this.o = {
      electionTimeoutMs: [150, 300],
      heartbeatMs: 50,
      tickMs: 10,
      timeScale: 1,
      preVote: true,
      checkQuorum: true,
      snapshotThreshold: 1000,
      segmentBytes: 8 * 1024 * 1024,
      messageTelemetry: true,
      recordingLimit: 200_000,
      ...options,
      memberEntry: options.memberEntry,
    };
    this.settings = {
      timeScale: this.o.timeScale,
      preVote: this.o.preVote,
      checkQuorum: this.o.checkQuorum,
      messageTelemetry: this.o.messageTelemetry,
      snapshotThreshold: this.o.snapshotThreshold,
    };
    // Short and private: macOS caps socket paths at 104 bytes; mode 0700 keeps other users out.
    this.socketDir = mkdtempSync(join(tmpdir(), 'rs-'));
    mkdirSync(this.o.dataDir, { recursive: true, mode: 0o700 });
    this.router = new ClientRouter({
      leaderGuess: () => this.leaderId(),
      runningMembers: () => [...this.members.values()].filter((m) => m.status === 'running').map((m) => m.id),
      ask: (id, request, timeoutMs) => this.ask(id, request, timeoutMs),
      timeouts: () => {
        const slow = 1 / this.settings.timeScale;
        return {
          operationMs: Math.max(5000, 10 * this.o.electionTimeoutMs[1]) * slow,
          attemptMs: 4 * this.o.electionTimeoutMs[1] * slow,
        };
      },
    } satisfies RouterHost);
  }

  /**
   * Start the society. A new data directory gets N founding voters; an existing one brings back the
   * society it holds (its founders are recorded in society.json: the engine's log only records
   * later membership changes). Resolves once every process has started.
   */
  async start(): Promise<void> {
    const problem = memberBundleProblem(this.o.memberEntry);
    if (problem !== null) throw new Error(problem);
    const recorded = readFounders(this.o.dataDir);
    if (recorded !== null) {
      this.founders = recorded;
    } else {
      this.founders = Array.from({ length: this.o.nodes }, (_, i) => i + 1);
      writeFileSync(join(this.o.dataDir, SOCIETY_RECORD), JSON.stringify({ founders: this.founders }), { mode: 0o600 });
    }
    const ids = new Set(this.founders);
    for (const f of readdirSync(this.o.dataDir)) {
      const id = memberIdOfEntry(f);
      if (id !== null) ids.add(id);
    }
    for (const id of [...ids].sort((a, b) => a - b)) this.addMemberRecord(id);
    // The first event says how the society starts out, so a recording alone can show it.
    this.fault('start');
    for (const id of ids) this.spawn(id);
    await Promise.all([...ids].map((id) => this.members.get(id)!.started));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reportTimer !== null) clearTimeout(this.reportTimer);
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
    await Promise.all([...this.members.values()].map((m) => m.proc?.stop() ?? Promise.resolve()));
    for (const p of this.pending.values()) clearTimeout(p.timer);
    rmSync(this.socketDir, { recursive: true, force: true });
  }

  // ---- events ------------------------------------------------------------------------------

  /** Record and publish one event; returns its seq. */
  private emit(body: EventBody): number {
    const event = { ...body, seq: ++this.seq, at: Date.now() } as ClusterEvent;
    this.recording.push(event);
    this.metricsCollector.add(event);
    if (this.recording.length > this.o.recordingLimit * 1.1)
      this.recording.splice(0, this.recording.length - this.o.recordingLimit);
    for (const l of this.listeners) l(event);
    return event.seq;
  }

  /** Every event from now on, one at a time. Returns the unsubscribe function. */
  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The recorded events with seq > `since` (the recording keeps the most recent ones). */
  events(since = 0): ClusterEvent[] {
    const first = this.recording.findIndex((e) => e.seq > since);
    return first < 0 ? [] : this.recording.slice(first);
  }

  metrics(): Metrics {
    return this.metricsCollector.snapshot();
  }

  violations(): readonly Violation[] {
    return this.monitor.violations;
  }

  safety(): SafetyReport {
    return this.monitor.report();
  }

  // ---- processes ---------------------------------------------------------------------------

  private addMemberRecord(id: number): Member {
    const m: Member = {
      id,
      name: memberName(id),
      dataDir: join(this.o.dataDir, `n${id}`),
      proc: null,
      status: 'stopped',
      address: socketPath(this.socketDir, id),
      state: null,
      mirror: new LogMirror(),
      removed: false,
      lastError: null,
      started: Promise.resolve(),
    };
    this.members.set(id, m);
    return m;
  }

  private peers(): Peer[] {
    return [...this.members.values()].filter((m) => !m.removed).map((m) => ({ id: m.id, path: m.address }));
  }

  private rules(): LinkRules {
    return {
      cut: [...this.cuts].map((k) => {
        const { from, to } = linkEnds(k);
        return [from, to];
      }),
      faults: [...this.faults].map(([k, fault]) => ({ ...linkEnds(k), fault })),
    };
  }

  private config(id: number, initial: NodeConfig['initial']): NodeConfig {
    const t = this.o.tickMs;
    return {
      id,
      dataDir: join(this.o.dataDir, `n${id}`),
      socketDir: this.socketDir,
      peers: this.peers(),
      initial,
      tickMs: t,
      timeScale: this.settings.timeScale,
      electionTicksMin: Math.max(2, Math.round(this.o.electionTimeoutMs[0] / t)),
      electionTicksMax: Math.max(2, Math.round(this.o.electionTimeoutMs[1] / t)),
      heartbeatTicks: Math.max(1, Math.round(this.o.heartbeatMs / t)),
      preVote: this.settings.preVote,
      checkQuorum: this.settings.checkQuorum,
      // At most 32 x maxAppendBytes (32 MiB) unsent per peer: below the transport's pending limit.
      maxInflight: 32,
      maxEntriesPerAppend: 256,
      // Half a frame: an append of large values always fits the transport's frame limit.
      maxAppendBytes: MAX_FRAME_BYTES / 2,
      snapshotThreshold: this.settings.snapshotThreshold,
      segmentBytes: this.o.segmentBytes,
      rules: this.rules(),
      messageTelemetry: this.settings.messageTelemetry,
    };
  }

  private setStatus(m: Member, status: MemberStatus, detail?: string): void {
    m.status = status;
    const pid = status === 'running' || status === 'paused' ? (m.proc?.pid ?? null) : null;
    const base = { kind: 'member' as const, node: m.id, name: m.name, status, pid };
    this.emit(detail === undefined ? base : { ...base, detail });
  }

  private spawn(id: number): void {
    const m = this.members.get(id)!;
    let markStarted: () => void = () => undefined;
    m.started = new Promise((r) => (markStarted = r));
    m.lastError = null;
    this.setStatus(m, 'starting');
    // Every member starts from the founders' configuration; the log's membership entries (and
    // snapshots) take over from there, so a member added later learns its place from the leader.
    const proc = new MemberProcess(
      this.config(id, { voters: this.founders, learners: [] }),
      {
        message: (msg) => {
          if (m.proc !== proc) return;
          switch (msg.t) {
            case 'started':
              m.mirror.load(msg.log.snapshotIndex, msg.log.lastIndex, msg.log.runs);
              this.setStatus(m, 'running', recoveryNote(msg.tornTail, msg.removed));
              markStarted();
              return;
            case 'telemetry':
              for (const t of msg.events) this.ingest(m, t);
              return this.checkWaiters();
            case 'reply': {
              const p = this.pending.get(msg.req);
              if (p === undefined) return;
              this.pending.delete(msg.req);
              clearTimeout(p.timer);
              return p.resolve(msg.outcome);
            }
            case 'fatal':
              m.lastError = msg.message;
              return;
          }
        },
        invalid: (reason) => this.emit({ kind: 'frame', node: id, reason: `control channel: ${reason}` }),
        exit: (code, signal) => {
          if (m.proc !== proc) return;
          m.proc = null;
          m.state = null;
          markStarted();
          // Requests waiting on this process will never be answered by it.
          for (const [req, p] of this.pending) {
            if (p.member === id) {
              this.pending.delete(req);
              clearTimeout(p.timer);
              p.resolve(null);
            }
          }
          if (!this.stopped && m.status !== 'crashed' && m.status !== 'stopped') {
            this.setStatus(m, 'crashed', m.lastError ?? `exited (${signal ?? `code ${code}`})`);
          }
        },
      },
      this.o.memberEntry,
    );
    m.proc = proc;
  }

  private broadcast(message: ToNode): void {
    for (const m of this.members.values()) if (m.status === 'running' || m.status === 'paused') m.proc?.send(message);
  }

  // ---- telemetry -> events + safety monitor --------------------------------------------------

  /** Each report becomes an event first; the monitor then checks it, citing the event's seq. */
  private ingest(m: Member, t: Telemetry): void {
    const before = this.monitor.violations.length;
    switch (t.k) {
      case 'state': {
        const was = m.state;
        m.state = t;
        const role = t.role === 'follower' && t.learners.includes(m.id) ? 'learner' : t.role;
        const seq = this.emit({
          kind: 'state',
          node: m.id,
          memberAt: t.at,
          role,
          term: t.term,
          vote: t.vote,
          leader: t.leader,
          commit: t.commit,
          applied: t.applied,
          first: t.first,
          last: t.last,
          progress: t.progress,
          voters: t.voters,
          learners: t.learners,
        });
        if (t.role === 'leader' && (was?.role !== 'leader' || was.term !== t.term))
          this.monitor.leaderElected(m.id, t.term, m.mirror, seq);
        break;
      }
      case 'msg': {
        const s = t.m;
        const detail = [
          s.entries !== undefined ? `${s.entries} entries` : '',
          s.index !== undefined ? `index ${s.index}` : '',
          s.commit !== undefined ? `commit ${s.commit}` : '',
          s.granted !== undefined ? (s.granted ? 'granted' : 'refused') : '',
          s.reject !== undefined ? (s.reject ? 'rejected' : 'ok') : '',
        ]
          .filter(Boolean)
          .join(', ');
        const base = {
          kind: 'message' as const,
          node: m.id,
          memberAt: t.at,
          phase: t.phase,
          type: s.type,
          from: s.from,
          to: s.to,
          term: s.term,
          detail,
        };
        this.emit(t.reason === undefined ? base : { ...base, reason: t.reason });
        break;
      }
      case 'append': {
        m.mirror.append(t.entries);
        const seq = this.emit({
          kind: 'append',
          node: m.id,
          entries: t.entries.map(entryView),
          overwrote: t.overwrote,
        });
        this.monitor.appended(m.id, t.leader, t.term, t.entries, t.prevTerm ?? undefined, t.overwrote, seq);
        break;
      }
      case 'apply':
        this.monitor.applied(m.id, t.entry, this.emit({ kind: 'apply', node: m.id, entry: entryView(t.entry) }));
        break;
      case 'vote':
        this.monitor.voteGranted(
          m.id,
          t.term,
          t.candidate,
          this.emit({ kind: 'vote', node: m.id, term: t.term, candidate: t.candidate }),
        );
        break;
      case 'snapshot':
        m.mirror.snapshot(t.index, t.how === 'installed');
        this.emit({ kind: 'snapshot', node: m.id, index: t.index, how: t.how });
        break;
      case 'frame':
        this.emit({ kind: 'frame', node: m.id, reason: t.reason });
        break;
    }
    const broken = this.monitor.violations.slice(before);
    for (const v of broken) this.emit({ kind: 'safety', property: v.property, message: v.message, causes: v.causes });
    if (broken.length > 0) this.reportSafety();
    else if (this.monitor.changes !== this.reportedChanges)
      this.reportTimer ??= setTimeout(() => this.reportSafety(), 1000);
  }

  /** Publish the monitor's report: its counts move with every entry, so at most once a second. */
  private reportSafety(): void {
    if (this.reportTimer !== null) clearTimeout(this.reportTimer);
    this.reportTimer = null;
    if (this.stopped) return;
    this.reportedChanges = this.monitor.changes;
    this.emit({ kind: 'checks', report: this.monitor.report() });
  }

  /** Resolve when `check` holds (re-checked on every telemetry batch), or false after `timeoutMs`. */
  private waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        check,
        resolve: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(true);
  }

  private ask(id: number, request: MemberRequest, timeoutMs: number): Promise<ReplyOutcome | null | 'unreachable'> {
    const m = this.members.get(id);
    if (m?.proc == null || m.status !== 'running') return Promise.resolve('unreachable');
    const req = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(req);
          m.proc?.send({ t: 'abandon', req });
          resolve(null);
        },
        Math.max(1, timeoutMs),
      );
      this.pending.set(req, { member: id, resolve, timer });
      m.proc!.send({ ...request, req });
    });
  }

  // ---- views -------------------------------------------------------------------------------

  leaderId(): number | null {
    let best: Member | null = null;
    for (const m of this.members.values()) {
      if (m.status === 'running' && m.state?.role === 'leader' && (best === null || m.state.term > best.state!.term))
        best = m;
    }
    return best?.id ?? null;
  }

  private timeouts(): { election: number; slow: number } {
    return { election: this.o.electionTimeoutMs[1], slow: 1 / this.settings.timeScale };
  }

  view(): ClusterView {
    const live = [...this.members.values()].filter((m) => !m.removed);
    const leaderId = this.leaderId();
    const leaderState = leaderId === null ? null : this.members.get(leaderId)!.state;
    const latest = leaderState ?? live.map((m) => m.state).find((s) => s !== null) ?? null;
    const learners = latest?.learners ?? [];
    const nodes: MemberView[] = live.map((m) => {
      const s = m.state;
      // The chairman's configuration says who is a learner; a member may not have heard yet.
      const learner = learners.includes(m.id);
      return {
        id: m.id,
        name: m.name,
        role: learner && (s === null || s.role === 'follower') ? 'learner' : (s?.role ?? 'follower'),
        term: s?.term ?? 0,
        vote: s?.vote ?? null,
        leader: s?.leader ?? null,
        commitIndex: s?.commit ?? 0,
        appliedIndex: s?.applied ?? 0,
        firstIndex: s?.first ?? 0,
        lastIndex: s?.last ?? 0,
        status: m.status,
        pid: m.status === 'running' || m.status === 'paused' ? (m.proc?.pid ?? null) : null,
        address: m.address,
        progress: s?.progress ?? [],
      };
    });
    const links: LinkView[] = [];
    for (const a of live) {
      for (const b of live) {
        if (a.id === b.id) continue;
        const key = `${a.id}>${b.id}`;
        const f = this.faults.get(key);
        links.push({
          from: a.id,
          to: b.id,
          state: this.cuts.has(key) ? 'cut' : 'up',
          delayMs: f?.delayMs ?? 0,
          jitterMs: f?.jitterMs ?? 0,
          loss: f?.loss ?? 0,
          duplicate: f?.duplicate ?? 0,
          entriesOnly: f?.entriesOnly ?? false,
        });
      }
    }
    return {
      term: Math.max(0, ...nodes.map((n) => n.term)),
      leaderId,
      voters: latest?.voters ?? [],
      learners,
      nodes,
      links,
      settings: this.settingsView(),
      safety: this.monitor.report(),
    };
  }

  private settingsView(): SettingsView {
    return {
      timeScale: this.settings.timeScale,
      preVote: this.settings.preVote,
      checkQuorum: this.settings.checkQuorum,
      electionTimeoutMs: this.o.electionTimeoutMs,
      heartbeatMs: this.o.heartbeatMs,
      snapshotThreshold: this.settings.snapshotThreshold,
      canFreeze,
    };
  }

  private network(): Network {
    return {
      cuts: [...this.cuts].map(linkEnds),
      faults: [...this.faults].map(([key, fault]) => ({ ...linkEnds(key), ...fault })),
    };
  }

  /** Record something done to the cluster: in words, and the network and settings after it. */
  private fault(description: string): void {
    this.emit({ kind: 'fault', description, after: { network: this.network(), settings: this.settingsView() } });
  }

  // ---- the command door --------------------------------------------------------------------

  /**
   * Run one command of the contract. `input` comes from outside (HTTP, IPC, REPL) and is validated
   * here; a bad one gets 400 with the reason and changes nothing.
   */
  async execute(name: string, input: unknown): Promise<CommandResult> {
    if (!Object.hasOwn(commandInputs, name)) return { status: 404, body: { error: `unknown command "${name}"` } };
    const command = name as CommandName;
    const parsed = commandInputs[command].safeParse(input ?? {});
    if (!parsed.success)
      return {
        status: 400,
        body: { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ') },
      };
    try {
      // The handler for `command` takes exactly what `commandInputs[command]` parses to.
      const handler = this.handlers[command] as (input: unknown) => Promise<CommandResult>;
      return await handler(parsed.data);
    } catch (e) {
      // An unknown member is 404; any other refusal is a conflict with the cluster's state.
      return {
        status: e instanceof NoSuchMember ? 404 : 409,
        body: { error: e instanceof Error ? e.message : String(e) },
      };
    }
  }

  private member(id: number): Member {
    const m = this.members.get(id);
    if (m === undefined || m.removed) throw new NoSuchMember(id);
    return m;
  }

  /** One handler per command of the contract, each typed by its own input schema. */
  private readonly handlers: { readonly [C in CommandName]: (input: CommandInput<C>) => Promise<CommandResult> } = {
    'cluster.get': () => Promise.resolve(ok(this.view())),
    'node.crash': async ({ id }) => {
      const m = this.member(id);
      if (m.proc === null) throw new Error(`${m.name} is not running`);
      this.setStatus(m, 'crashed', 'SIGKILL');
      await m.proc.kill();
      this.fault(`crash ${m.id}`);
      return ok();
    },
    'node.restart': async ({ id }) => {
      const m = this.member(id);
      if (m.proc !== null) throw new Error(`${m.name} is still running; crash or stop it first`);
      this.spawn(m.id);
      await m.started;
      this.fault(`restart ${m.id}`);
      return m.status === 'running'
        ? ok()
        : { status: 500, body: { error: `${m.name} did not start: ${m.lastError ?? 'it exited'}` } };
    },
    'member.state': async ({ id }) => {
      const m = this.member(id);
      const { election, slow } = this.timeouts();
      const outcome = await this.ask(m.id, { t: 'inspect' }, 4 * election * slow);
      if (outcome === 'unreachable') return { status: 409, body: { error: `${m.name} is not running` } };
      if (outcome?.kind !== 'state') return { status: 504, body: { error: `${m.name} did not answer in time` } };
      const { kind: _, ...state } = outcome;
      return ok({ id: m.id, ...state });
    },
    'node.pause': ({ id }) => this.signal(id, 'freeze'),
    'node.resume': ({ id }) => this.signal(id, 'thaw'),
    'link.set': ({ from, to, state, oneWay }) => {
      this.member(from);
      this.member(to);
      for (const key of oneWay ? [`${from}>${to}`] : [`${from}>${to}`, `${to}>${from}`]) {
        if (state === 'cut') this.cuts.add(key);
        else this.cuts.delete(key);
      }
      return this.applyRules(`${state === 'cut' ? 'cut' : 'restore'} ${from}${oneWay ? '->' : '<->'}${to}`);
    },
    'link.fault': (f) => {
      this.member(f.from);
      this.member(f.to);
      const fault = {
        delayMs: f.delayMs,
        jitterMs: f.jitterMs,
        loss: f.loss,
        duplicate: f.duplicate,
        entriesOnly: f.entriesOnly ?? false,
      };
      const calm = fault.delayMs === 0 && fault.jitterMs === 0 && fault.loss === 0 && fault.duplicate === 0;
      for (const key of f.oneWay ? [`${f.from}>${f.to}`] : [`${f.from}>${f.to}`, `${f.to}>${f.from}`]) {
        if (calm) this.faults.delete(key);
        else this.faults.set(key, fault);
      }
      return this.applyRules(
        `link ${f.from}${f.oneWay ? '->' : '<->'}${f.to}: delay ${fault.delayMs}±${fault.jitterMs} ms, loss ${fault.loss}, duplicate ${fault.duplicate}${fault.entriesOnly ? ', entries only' : ''}`,
      );
    },
    partition: ({ groups }) => {
      const live = [...this.members.values()].filter((m) => !m.removed).map((m) => m.id);
      const listed = new Set(groups.flat());
      const unknown = [...listed].filter((id) => !live.includes(id));
      if (unknown.length > 0) throw new Error(`no such member: ${unknown.join(', ')}`);
      const missing = live.filter((id) => !listed.has(id));
      if (missing.length > 0) throw new Error(`every member must be in a group; missing ${missing.join(', ')}`);
      this.cuts.clear();
      const groupOf = new Map<number, number>();
      groups.forEach((g, gi) => g.forEach((id) => groupOf.set(id, gi)));
      for (const a of live)
        for (const b of live) if (a !== b && groupOf.get(a) !== groupOf.get(b)) this.cuts.add(`${a}>${b}`);
      return this.applyRules(`partition ${groups.map((g) => g.join(',')).join(' | ')}`);
    },
    heal: () => {
      this.cuts.clear();
      this.faults.clear();
      return this.applyRules('heal');
    },
    kv: (kv) => {
      if (kv.op === 'get') return this.client('get', () => this.router.read(kv.key));
      const { via, ...op } = kv;
      return this.client(kv.op, () => this.router.command(op, this.via(via)));
    },
    decide: ({ text, via }) => this.client('decide', () => this.router.command({ op: 'decide', text }, this.via(via))),
    'member.add': ({ learner }) => this.addMember(learner),
    'member.remove': ({ id }) => this.removeMember(this.member(id)),
    'member.promote': async ({ id }) => {
      const m = this.member(id);
      const res = await this.router.leaderRequest({ t: 'membership', change: { kind: 'promoteLearner', node: m.id } });
      if (res.status !== 202) return res;
      const fate = await this.awaitFate(accepted(res), this.changeTimeoutMs());
      if (fate !== 'committed') return this.unsettled('promotion', fate);
      this.fault(`promote ${m.id}`);
      return ok({ id: m.id });
    },
    'leader.transfer': async ({ to }) => {
      const m = this.member(to);
      const res = await this.router.leaderRequest({ t: 'transfer', to: m.id });
      if (res.status !== 202) return res;
      const { election, slow } = this.timeouts();
      const done = await this.waitUntil(() => this.leaderId() === m.id, 3 * election * slow);
      return done ? ok({ leaderId: m.id }) : { status: 504, body: { error: `${m.name} did not take over in time` } };
    },
    'settings.set': (s) => {
      this.settings = {
        timeScale: s.timeScale ?? this.settings.timeScale,
        preVote: s.preVote ?? this.settings.preVote,
        checkQuorum: s.checkQuorum ?? this.settings.checkQuorum,
        messageTelemetry: s.messageTelemetry ?? this.settings.messageTelemetry,
        snapshotThreshold: s.snapshotThreshold ?? this.settings.snapshotThreshold,
      };
      this.broadcast({ t: 'settings', ...this.settings });
      this.fault(
        `settings: time scale ${this.settings.timeScale}, PreVote ${this.settings.preVote ? 'on' : 'off'}, CheckQuorum ${this.settings.checkQuorum ? 'on' : 'off'}, snapshot every ${this.settings.snapshotThreshold} entries`,
      );
      return Promise.resolve(ok(this.settingsView()));
    },
  };

  /** The member a write must be handed to (validated), or null to route it to the chairman. */
  private via(id: number | undefined): number | null {
    return id === undefined ? null : this.member(id).id;
  }

  private signal(id: number, how: 'freeze' | 'thaw'): Promise<CommandResult> {
    const m = this.member(id);
    if (m.proc === null) throw new Error(`${m.name} is not running`);
    m.proc[how]();
    this.setStatus(m, how === 'freeze' ? 'paused' : 'running', how === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
    this.fault(`${how} ${m.id}`);
    return Promise.resolve(ok());
  }

  /** A client request, recorded with its outcome and latency for the metrics. */
  private async client(op: string, run: () => Promise<CommandResult>): Promise<CommandResult> {
    const started = Date.now();
    const result = await run();
    this.emit({ kind: 'client', op, status: result.status, latencyMs: Date.now() - started });
    return result;
  }

  private applyRules(description: string): Promise<CommandResult> {
    this.broadcast({ t: 'rules', rules: this.rules() });
    this.fault(description);
    return Promise.resolve({ status: 200, body: { ok: true } });
  }

  /** How long a configuration change may take to commit before the API answers 504. */
  private changeTimeoutMs(): number {
    const { election, slow } = this.timeouts();
    return 10 * election * slow;
  }

  /**
   * What became of the entry a leader accepted at (index, term): committed, lost (another entry was
   * committed at its index), or null while that is not known. The index alone does not say: the
   * leader may lose its leadership and its successor commit a different entry there.
   */
  private fate({ index, term }: Accepted): Fate | null {
    const applied = this.monitor.committedTerm(index);
    if (applied !== undefined) return applied === term ? 'committed' : 'lost';
    const l = this.leaderId();
    const leader = l === null ? undefined : this.members.get(l);
    if (leader?.state == null || leader.state.commit < index) return null;
    // Everything up to the leader's commit index is committed: its log says which entry.
    const held = leader.mirror.term(index);
    return held === undefined ? null : held === term ? 'committed' : 'lost';
  }

  /** The fate of an accepted change, once known; null if not known within `timeoutMs`. */
  private async awaitFate(change: Accepted, timeoutMs: number): Promise<Fate | null> {
    await this.waitUntil(() => this.fate(change) !== null, timeoutMs);
    const fate = this.fate(change);
    if (fate === 'committed') {
      // A follower's report of applying it can overtake the chairman's own (its telemetry channel is
      // the busiest): answer once the view, which follows the chairman, shows the change too.
      await this.waitUntil(() => this.leaderReportedCommit() >= change.index, timeoutMs);
    }
    return fate;
  }

  /** The commit index in the chairman's latest report; -1 without a chairman. */
  private leaderReportedCommit(): number {
    const l = this.leaderId();
    const state = l === null ? null : this.members.get(l)?.state;
    return state == null ? -1 : state.commit;
  }

  /** After a 504: keep waiting for the change's fate (as long as the supervisor runs), then act on it. */
  private settleLater(change: Accepted, act: (fate: Fate) => Promise<void>): void {
    void (async () => {
      for (;;) {
        const fate = await this.awaitFate(change, 60_000);
        if (this.stopped) return;
        if (fate !== null) return act(fate);
      }
    })();
  }

  /** The answer for a change that did not commit: 503 if it certainly never will, 504 if it still may. */
  private unsettled(what: string, fate: Fate | null): CommandResult {
    return fate === 'lost'
      ? { status: 503, body: { error: `the ${what} was lost with the chairman that accepted it; nothing changed` } }
      : { status: 504, body: { error: `the ${what} was not committed in time (it may still be)` } };
  }

  /** Stop a member's process for good and forget it, its records too, so a later start does not bring it back. */
  private async retire(m: Member, why: string): Promise<void> {
    if (m.removed) return;
    m.status = 'stopped'; // a deliberate stop, not a crash
    await m.proc?.stop();
    m.removed = true;
    rmSync(m.dataDir, { recursive: true, force: true });
    this.setStatus(m, 'stopped', why);
    this.broadcast({ t: 'peers', peers: this.peers() });
  }

  /**
   * Spawn a process, then change the configuration to include it. If the change is refused or lost,
   * stop the process again; if its fate is not known in time, the process keeps running (it joins if
   * the change commits, and is stopped once it is known lost).
   */
  private async addMember(learner: boolean): Promise<CommandResult> {
    const id = Math.max(0, ...this.members.keys()) + 1;
    const m = this.addMemberRecord(id);
    this.spawn(id);
    await m.started;
    this.broadcast({ t: 'peers', peers: this.peers() });
    const res = await this.router.leaderRequest({
      t: 'membership',
      change: { kind: learner ? 'addLearner' : 'addVoter', node: id },
    });
    const fate = res.status === 202 ? await this.awaitFate(accepted(res), this.changeTimeoutMs()) : 'lost';
    if (fate === 'committed') {
      this.fault(`add ${learner ? 'learner' : 'voter'} ${id}`);
      return { status: 200, body: { id, name: m.name } };
    }
    if (fate === null) {
      this.settleLater(accepted(res), (late) =>
        late === 'lost' ? this.retire(m, 'its addition was lost') : Promise.resolve(),
      );
      return this.unsettled('addition', fate);
    }
    await this.retire(m, 'its addition was not committed');
    return res.status === 202 ? this.unsettled('addition', fate) : res;
  }

  /** Change the configuration to exclude a member, then stop its process (dissertation §4.2.2). */
  private async removeMember(m: Member): Promise<CommandResult> {
    const res = await this.router.leaderRequest({ t: 'membership', change: { kind: 'remove', node: m.id } });
    if (res.status !== 202) return res;
    const fate = await this.awaitFate(accepted(res), this.changeTimeoutMs());
    if (fate !== 'committed') {
      // A removal that commits later must still stop the process: left running outside the
      // configuration, it would campaign for ever.
      if (fate === null)
        this.settleLater(accepted(res), (late) => (late === 'committed' ? this.removed(m) : Promise.resolve()));
      return this.unsettled('removal', fate);
    }
    await this.removed(m);
    return { status: 200, body: { id: m.id } };
  }

  private async removed(m: Member): Promise<void> {
    await this.retire(m, 'removed from the society');
    this.fault(`remove ${m.id}`);
  }

  /** Wait until some member leads (used by scripts and tests); false after `timeoutMs`. */
  async waitForLeader(timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const l = this.leaderId();
      if (l !== null) return l;
      await sleep(10);
    }
    return null;
  }
}
