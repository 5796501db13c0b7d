// A member of the society as an operating-system process. The supervisor forks it and talks to it
// over Node's IPC channel (control-protocol.ts); peers reach it over its own socket
// (transport.ts); everything it must not forget is in its data directory (storage/). It exits by
// itself when the supervisor goes away, so a killed app leaves no orphans.

import { createHash, randomInt } from 'node:crypto';
import { RawNode } from '../raft/rawnode.ts';
import type { Message, PersistedState, Ready } from '../raft/types.ts';
import { Replica } from '../replica/replica.ts';
import { firstIssue } from '../shared/first-issue.ts';
import { commandSchema } from '../statemachine/commands.ts';
import { SocietyState } from '../statemachine/society-state.ts';
import {
  fromNodeSchema,
  toNodeSchema,
  type FromNode,
  type NodeConfig,
  type Telemetry,
  type ToNode,
} from './control-protocol.ts';
import { logTelemetry } from './log-telemetry.ts';
import { DiskStorage, StorageCorruptError } from './storage/disk-storage.ts';
import { socketPath } from './socket-path.ts';
import { TickClock } from './tick-clock.ts';
import { Transport } from './transport.ts';

/** Telemetry is sent in batches, at most this often, so a busy member does not flood the channel. */
const FLUSH_MS = 10;
/** Beyond this many unsent events, message events are dropped (state events never are). */
const MAX_BUFFERED_EVENTS = 20_000;

function tell(message: FromNode): void {
  // Validating our own output keeps the protocol honest in both directions.
  process.send?.(fromNodeSchema.parse(message));
}

/** A clock for the configured tick; the time scale stretches every tick (at 1/100 a 150 ms timeout takes 15 s). */
function clockFor(config: NodeConfig): TickClock {
  return new TickClock(config.tickMs / config.timeScale, performance.now());
}

class Member {
  private readonly replica: Replica;
  private readonly transport: Transport;
  private readonly storage: DiskStorage;
  private config: NodeConfig;
  private clock: TickClock;
  private timer: NodeJS.Timeout | null = null;
  private events: Telemetry[] = [];
  private flushTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private lastFlushAt = 0;
  private lastState = '';
  private driveScheduled: NodeJS.Immediate | null = null;
  private lastProgress = '';
  private lastProgressAt = 0;
  /** Highest log index on disk, to tell the monitor when a write replaces entries. */
  private persistedLast: number;
  /** Open client requests: request id -> the key the replica waits under. */
  private readonly requests = new Map<string, string>();

  private constructor(
    config: NodeConfig,
    storage: DiskStorage,
    transport: Transport,
    replica: Replica,
    persistedLast: number,
  ) {
    this.config = config;
    this.storage = storage;
    this.transport = transport;
    this.replica = replica;
    this.persistedLast = persistedLast;
    this.clock = clockFor(config);
  }

  static async start(config: NodeConfig): Promise<Member> {
    const storage = DiskStorage.open(config.dataDir, { segmentBytes: config.segmentBytes });
    const persisted = storage.load();
    const raw = new RawNode(
      { ...config, id: config.id },
      (min, max) => randomInt(min, max + 1),
      config.initial,
      persisted,
    );
    const sm =
      persisted.snapshot === null
        ? new SocietyState()
        : SocietyState.restore(persisted.snapshot.data, persisted.snapshot.index);
    let member: Member | null = null;
    const transport = new Transport({
      self: config.id,
      socketDir: config.socketDir,
      path: socketPath(config.socketDir, config.id),
      messageTelemetry: config.messageTelemetry,
      onMessage: (m) => member?.receive(m),
      onTelemetry: (t) => member?.emit(t),
    });
    const replica = new Replica(raw, sm, storage, (m) => member?.send(m), {
      persisting: (rd) => member?.persisting(rd),
      applied: (entry) => member?.emit({ k: 'apply', at: Date.now(), entry }),
      snapshotTaken: (s) => member?.emit({ k: 'snapshot', at: Date.now(), index: s.index, how: 'taken' }),
    });
    const lastIndex = persisted.entries.at(-1)?.index ?? persisted.snapshot?.index ?? 0;
    member = new Member(config, storage, transport, replica, lastIndex);
    await transport.start();
    transport.setPeers(config.peers);
    transport.setRules(config.rules);
    tell({
      t: 'started',
      log: termRuns(persisted),
      pid: process.pid,
      address: socketPath(config.socketDir, config.id),
      tornTail:
        storage.recovery.tornTail === null
          ? null
          : `${storage.recovery.tornTail.file} at byte ${storage.recovery.tornTail.offset} (${storage.recovery.tornTail.bytes} bytes)`,
      removed: [...storage.recovery.removed],
    });
    member.drive(); // and sets the timer for the first due tick
    return member;
  }

  /** Run `ticks` engine ticks; drive only if they did something (most change nothing outside the engine). */
  private tick(ticks: number): void {
    const raw = this.replica.raw;
    for (let i = 0; i < ticks; i++) raw.tick();
    if (ticks > 0 && raw.hasReady()) this.scheduleDrive();
  }

  /** Before a message or a request reaches the engine: the ticks that went by (leases read them). */
  private catchUp(): void {
    this.tick(this.clock.beforeMessage(performance.now(), this.replica.raw.ticksUntilDue()));
  }

  /** Set the timer for the engine's next due tick, unless it is set for that moment already. */
  private armTimer(): void {
    const delay = this.clock.schedule(performance.now(), this.replica.raw.ticksUntilDue());
    if (delay === null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick(this.clock.onTimer(performance.now(), this.replica.raw.ticksUntilDue()));
      this.armTimer();
    }, delay);
  }

  emit(event: Telemetry): void {
    if (this.events.length >= MAX_BUFFERED_EVENTS && event.k === 'msg') return;
    this.events.push(event);
    if (this.flushTimer !== null) return;
    // At most one batch per FLUSH_MS; a quiet member sends at the end of this turn of the event
    // loop, so an idle member's heartbeat is not followed by a second wake-up just to report it.
    const wait = this.lastFlushAt + FLUSH_MS - performance.now();
    this.flushTimer = wait <= 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.flushTimer = null;
    this.lastFlushAt = performance.now();
    if (this.events.length === 0) return;
    const events = this.events;
    this.events = [];
    tell({ t: 'telemetry', events });
  }

  private persisting(rd: Ready): void {
    if (rd.snapshot === null && rd.entries.length === 0) return;
    const raw = this.replica.raw;
    const status = raw.status();
    const { events, persistedLast } = logTelemetry(rd, {
      at: Date.now(),
      term: status.term,
      leader: status.role === 'leader',
      termAt: (index) => raw.termAt(index),
      persistedLast: this.persistedLast,
    });
    for (const e of events) this.emit(e);
    this.persistedLast = persistedLast;
  }

  private send(m: Message): void {
    if (m.type === 'voteResp' && m.granted) this.emit({ k: 'vote', at: Date.now(), term: m.term, candidate: m.to });
    this.transport.send(m);
  }

  private receive(m: Message): void {
    this.catchUp();
    this.replica.raw.step(m);
    this.scheduleDrive();
  }

  /**
   * Group commit: carry out the engine's Ready once everything that arrived in this turn of the
   * event loop (proposals, messages, a tick) has been fed to it, so they share one fsync. Messages
   * still leave only after the write that covers them.
   */
  private scheduleDrive(): void {
    this.driveScheduled ??= setImmediate(() => {
      this.driveScheduled = null;
      this.drive();
    });
  }

  private drive(): void {
    this.replica.drive();
    this.reportState();
    this.armTimer();
  }

  /** Publish this member's state when it changed (progress alone at most every 100 ms). */
  private reportState(): void {
    const s = this.replica.raw.status();
    const key = `${s.role}|${s.term}|${s.vote}|${s.leader}|${s.commitIndex}|${s.appliedIndex}|${s.firstIndex}|${s.lastIndex}|${s.membership.voters.join(',')}|${s.membership.learners.join(',')}`;
    const progress = s.progress.map((p) => `${p.id}:${p.next}:${p.match}:${p.state}`).join(',');
    const now = Date.now();
    if (key === this.lastState && (progress === this.lastProgress || now - this.lastProgressAt < 100)) return;
    this.lastState = key;
    this.lastProgress = progress;
    this.lastProgressAt = now;
    this.emit({
      k: 'state',
      at: now,
      role: s.role,
      term: s.term,
      vote: s.vote,
      leader: s.leader,
      commit: s.commitIndex,
      applied: s.appliedIndex,
      first: s.firstIndex,
      last: s.lastIndex,
      voters: s.membership.voters,
      learners: s.membership.learners,
      progress: s.progress.map((p) => ({ ...p })),
    });
  }

  private reply(req: string, outcome: Extract<FromNode, { t: 'reply' }>['outcome']): void {
    this.requests.delete(req);
    tell({ t: 'reply', req, outcome });
  }

  handle(msg: ToNode): void {
    const raw = this.replica.raw;
    this.catchUp();
    switch (msg.t) {
      case 'init':
        return; // already running
      case 'rules':
        return this.transport.setRules(msg.rules);
      case 'peers':
        return this.transport.setPeers(msg.peers);
      case 'settings':
        if (msg.preVote !== undefined) raw.setPreVote(msg.preVote);
        if (msg.checkQuorum !== undefined) raw.setCheckQuorum(msg.checkQuorum);
        if (msg.messageTelemetry !== undefined) this.transport.setMessageTelemetry(msg.messageTelemetry);
        if (msg.snapshotThreshold !== undefined) raw.setSnapshotThreshold(msg.snapshotThreshold);
        if (msg.timeScale !== undefined && msg.timeScale !== this.config.timeScale) {
          this.config = { ...this.config, timeScale: msg.timeScale };
          this.clock = clockFor(this.config); // the ticks of the old scale were counted above
          this.armTimer();
        }
        return;
      case 'propose': {
        const parsed = commandSchema.safeParse(safeJson(msg.command));
        if (!parsed.success)
          return this.reply(msg.req, {
            kind: 'refused',
            reason: 'invalid',
            leader: null,
            detail: parsed.error.message,
          });
        const waitKey = `${parsed.data.client}#${parsed.data.seq}`;
        this.requests.set(msg.req, waitKey);
        const res = this.replica.propose(waitKey, msg.command, (result) =>
          this.reply(msg.req, { kind: 'applied', result }),
        );
        if (!res.ok) this.reply(msg.req, refusal(res));
        return this.scheduleDrive();
      }
      case 'read': {
        this.requests.set(msg.req, msg.req);
        const res = this.replica.read(
          msg.req,
          msg.key,
          (value) => this.reply(msg.req, { kind: 'value', value }),
          () =>
            this.reply(msg.req, {
              kind: 'failed',
              reason: 'this member lost its leadership before the read was confirmed',
            }),
        );
        if (!res.ok) this.reply(msg.req, refusal(res));
        return this.scheduleDrive();
      }
      case 'membership':
      case 'transfer': {
        const res = msg.t === 'membership' ? raw.proposeMembership(msg.change) : raw.transferLeadership(msg.to);
        this.reply(msg.req, res.ok ? { kind: 'accepted', index: res.index, term: res.term } : refusal(res));
        return this.scheduleDrive();
      }
      case 'inspect': {
        const sm = this.replica.sm;
        return this.reply(msg.req, {
          kind: 'state',
          applied: sm.appliedIndex,
          digest: createHash('sha256').update(sm.serialize()).digest('hex'),
          keys: sm.size(),
          decisions: sm.decisions().length,
        });
      }
      case 'abandon': {
        const key = this.requests.get(msg.req);
        this.requests.delete(msg.req);
        if (key !== undefined) this.replica.abandon(key);
        return;
      }
    }
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.driveScheduled !== null) clearImmediate(this.driveScheduled);
    this.flush();
    this.transport.close();
    this.storage.close();
  }
}

function refusal(
  res: Extract<ReturnType<RawNode['propose']>, { ok: false }>,
): Extract<FromNode, { t: 'reply' }>['outcome'] {
  return res.detail === undefined
    ? { kind: 'refused', reason: res.reason, leader: res.leader }
    : { kind: 'refused', reason: res.reason, leader: res.leader, detail: res.detail };
}

/** The persisted log as runs of equal terms: [first index of the run, term]. */
function termRuns(p: PersistedState): { snapshotIndex: number; lastIndex: number; runs: [number, number][] } {
  const runs: [number, number][] = [];
  for (const e of p.entries) if (runs.at(-1)?.[1] !== e.term) runs.push([e.index, e.term]);
  const snapshotIndex = p.snapshot?.index ?? 0;
  return { snapshotIndex, lastIndex: p.entries.at(-1)?.index ?? snapshotIndex, runs };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- process lifecycle ---------------------------------------------------------------------------

let member: Member | null = null;
let starting = false;

function exit(code: number): never {
  member?.stop();
  process.exit(code);
}

if (process.send === undefined) {
  console.error('node-main is a member process: the supervisor starts it with an IPC channel (fork).');
  process.exit(2);
}

process.on('message', (raw: unknown) => {
  const parsed = toNodeSchema.safeParse(raw);
  if (member === null && !starting) {
    // Without a valid init this process can never become a member: say why and go, rather than
    // leave the supervisor waiting for a start that will not come.
    if (!parsed.success || parsed.data.t !== 'init') {
      const why = parsed.success ? `got "${parsed.data.t}"` : firstIssue(parsed.error);
      tell({ t: 'fatal', message: `cannot start: the first control message must be a valid init (${why})` });
      process.exit(2);
    }
    starting = true;
    startMember(parsed.data.config);
    return;
  }
  if (!parsed.success) {
    tell({
      t: 'telemetry',
      events: [{ k: 'frame', at: Date.now(), reason: `invalid control message: ${firstIssue(parsed.error)}` }],
    });
    return;
  }
  member?.handle(parsed.data);
});

function startMember(config: NodeConfig): void {
  Member.start(config).then(
    (m) => {
      member = m;
    },
    (e: unknown) => {
      const message =
        e instanceof StorageCorruptError
          ? `refusing to start: ${e.message}`
          : `cannot start: ${e instanceof Error ? e.message : String(e)}`;
      tell({ t: 'fatal', message });
      process.exit(3);
    },
  );
}

// The supervisor went away (its channel closed, or we were re-parented): stop, leave no orphan.
process.on('disconnect', () => exit(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) exit(0);
}, 200).unref();
process.on('SIGTERM', () => exit(0));
process.on('uncaughtException', (e: Error) => {
  tell({ t: 'fatal', message: `crashed: ${e.stack ?? e.message}` });
  exit(1);
});
