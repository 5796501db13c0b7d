// Crash-point durability on the real cluster: while a stream of writes goes through the HTTP API,
// members are killed with SIGKILL (one, the leader, two, or all of them) at random moments, and on
// purpose while one is writing a snapshot or starting a WAL segment (frozen with SIGSTOP until its
// files show it is inside that window, then killed). While a member is down its log may get a torn
// write at the end, or a flipped byte in a record. Then it restarts, and:
//  - after a plain crash or a torn tail it starts (a torn tail is cut off where it was added);
//  - after a flipped byte it refuses to start, naming the file and the offset of the damaged
//    record, and serves nothing; it is then replaced (removed, and a fresh member added);
//  - at the end, every acknowledged write is read back (linearizable gets), every member holds the
//    same state, and the live safety monitor saw nothing.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startWeb } from '../../main/server/web.ts';
import { Random } from '../sim/random.ts';
import { defaults as webDefaults } from '../server/helpers.ts';
import { ApiClient, CONTROL_TIMEOUT_MS, describe, eventsSchema, REQUEST_TIMEOUT_MS, sleep } from './api-client.ts';
import { converge } from './convergence.ts';
import { flipByte, openWindow, tearTail, type Window } from './disk-faults.ts';
import { lostWrites, WriteStream, type LostWrite } from './write-stream.ts';

export interface CrashPointOptions {
  readonly seed: number;
  readonly points: number;
  readonly nodes: number;
  readonly writers: number;
  /** Members take a snapshot every this many entries: small, so snapshots are written often. */
  readonly snapshotThreshold: number;
  /** WAL segment size: small, so segments are started often. */
  readonly segmentBytes: number;
  /** Where a failing run writes its file; null: nowhere. */
  readonly outDir: string | null;
}

export const defaultCrashPoints: Omit<CrashPointOptions, 'seed' | 'points' | 'outDir'> = {
  nodes: 5,
  writers: 6,
  snapshotThreshold: 100,
  segmentBytes: 64 * 1024,
};

const targets = ['one member', 'the leader', 'two members', 'every member'] as const;
type Aim = 'a random moment' | Window;
type Damage =
  | { readonly kind: 'torn tail'; readonly file: string; readonly offset: number }
  | { readonly kind: 'flipped byte'; readonly file: string; readonly at: number; readonly offset: number };

/** What happened at one crash point, for the report and the failure file. */
export interface CrashPoint {
  readonly point: number;
  readonly aim: Aim;
  /** For an aimed kill: the window the victim's files showed when it was killed (null: missed). */
  readonly window: Window | null;
  readonly victims: readonly number[];
  readonly leaderKilled: boolean;
  /** How long the slowest victim took to start again, ms. */
  readonly restartMs: number;
  readonly damage: Damage | null;
  /** After a flipped byte: whether the member refused to start as it must (naming file and offset). */
  readonly refusedAsExpected: boolean | null;
  /** What recovery said when a victim started again ("recovered: ..."), by member. */
  readonly recovery: Readonly<Record<number, string>>;
  readonly problems: readonly string[];
}

export interface CrashReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly points: readonly CrashPoint[];
  readonly acked: number;
  readonly lost: readonly LostWrite[];
  readonly lines: readonly string[];
  readonly failureFile: string | null;
}

const memberEvent = z.object({
  kind: z.literal('member'),
  node: z.number(),
  status: z.string(),
  detail: z.string().optional(),
});
const violationsSchema = z.object({ violations: z.array(z.object({ property: z.string(), message: z.string() })) });
const PAGE = 20_000;

/** The member events (started, crashed, ...) recorded since the last call. */
class MemberEvents {
  private since = 0;
  private readonly api: ApiClient;
  constructor(api: ApiClient) {
    this.api = api;
  }
  async next(): Promise<z.infer<typeof memberEvent>[]> {
    const out: z.infer<typeof memberEvent>[] = [];
    for (;;) {
      const page = await this.api.expect(eventsSchema, 'GET', `/api/events?since=${this.since}&limit=${PAGE}`);
      for (const e of page) {
        const m = memberEvent.safeParse(e);
        if (m.success) out.push(m.data);
      }
      this.since = page.at(-1)?.seq ?? this.since;
      if (page.length < PAGE) return out;
    }
  }
}

export async function runCrashPoints(o: CrashPointOptions, log: (line: string) => void): Promise<CrashReport> {
  const r = new Random(o.seed);
  const web = await startWeb(
    { ...webDefaults, nodes: o.nodes },
    { snapshotThreshold: o.snapshotThreshold, segmentBytes: o.segmentBytes },
  );
  const dirOf = (id: number): string => join(web.dataDir, `n${id}`);
  try {
    const api = new ApiClient(web.url, CONTROL_TIMEOUT_MS);
    const clientApi = new ApiClient(web.url, REQUEST_TIMEOUT_MS);
    await api.expect(z.unknown(), 'POST', '/api/settings', { messageTelemetry: false });
    if ((await api.waitForView((v) => v.leaderId !== null, 10_000)) === null)
      throw new Error('no chairman was elected');
    const events = new MemberEvents(api);
    await events.next();
    const stream = new WriteStream(clientApi, r.fork(), o.writers, [100, 900]);
    stream.start();
    const points: CrashPoint[] = [];
    for (let point = 1; point <= o.points; point++) {
      stream.point = point;
      await sleep(r.int(50, 600));
      const p = await crashPoint(api, events, r, point, dirOf);
      points.push(p);
      if (p.problems.length > 0) log(`point ${point}: ${p.problems.join('; ')}`);
    }
    await stream.stop();
    for (const n of (await api.view()).nodes)
      if (n.status === 'crashed') await api.call('POST', `/api/nodes/${n.id}/restart`);
    const { states, problem } = await converge(api);
    const { lost, unread } = await lostWrites(clientApi, stream.acked, 8);
    const { violations } = await api.expect(violationsSchema, 'GET', '/api/safety');

    const problems = [
      ...points.flatMap((p) => p.problems.map((q) => `point ${p.point}: ${q}`)),
      ...stream.unexpected.map((u) => `a write got an answer no crash explains: ${u}`),
      ...(problem === null ? [] : [`after the last point: ${problem}`]),
      ...(new Set(states.map((s) => `${s.applied} ${s.digest}`)).size > 1
        ? [
            `members hold different applied states: ${states.map((s) => `member ${s.id} applied ${s.applied} digest ${s.digest.slice(0, 12)}`).join('; ')}`,
          ]
        : []),
      ...lost
        .slice(0, 20)
        .map((l) => `acknowledged write lost: ${l.key} (acknowledged at point ${l.point}) reads ${l.got}`),
      ...(unread === 0 ? [] : [`${unread} acknowledged writes could not be read back: no answer`]),
      ...violations.map((v) => `safety monitor: ${v.property}: ${v.message}`),
    ];
    const lines = summarize(points, stream, lost, states.length, states[0]?.applied ?? 0);
    let failureFile: string | null = null;
    if (problems.length > 0 && o.outDir !== null) {
      failureFile = join(
        o.outDir,
        `crash-points-failure-seed${o.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
      );
      const record = { options: o, problems, lines, points, lost, events: await api.events() };
      writeFileSync(failureFile, `${JSON.stringify(record, null, 1)}\n`);
    }
    return { ok: problems.length === 0, problems, points, acked: stream.acked.size, lost, lines, failureFile };
  } finally {
    await web.close();
  }
}

async function crashPoint(
  api: ApiClient,
  events: MemberEvents,
  r: Random,
  point: number,
  dirOf: (id: number) => string,
): Promise<CrashPoint> {
  const problems: string[] = [];
  const v = await api.view();
  const running = v.nodes.filter((n) => n.status === 'running' && n.pid !== null);
  const pidOf = (id: number): number => running.find((n) => n.id === id)!.pid!;
  const aim: Aim = r.pick(['a random moment', 'a random moment', 'snapshot writing', 'segment rotation'] as const);
  const leader = v.leaderId !== null && running.some((n) => n.id === v.leaderId) ? v.leaderId : null;
  let victims: number[];
  let window: Window | null = null;
  if (aim === 'a random moment') {
    const target = r.pick(targets);
    const ids = r.shuffle(running.map((n) => n.id));
    victims =
      target === 'every member'
        ? ids
        : target === 'two members'
          ? ids.slice(0, 2)
          : target === 'the leader' && leader !== null
            ? [leader]
            : ids.slice(0, 1);
    for (const id of victims) signal(pidOf(id), 'SIGKILL');
  } else {
    const id = leader !== null && r.chance(0.5) ? leader : r.pick(running).id;
    victims = [id];
    window = await killInWindow(pidOf(id), dirOf(id), aim, r);
  }
  const down = await api.waitForView(
    (w) => victims.every((id) => w.nodes.find((n) => n.id === id)?.status === 'crashed'),
    5000,
  );
  const leaderKilled = leader !== null && victims.includes(leader);
  const base = { point, aim, window, victims, leaderKilled };
  if (down === null) {
    const problem = 'the killed members were not seen to exit';
    return { ...base, damage: null, refusedAsExpected: null, recovery: {}, restartMs: 0, problems: [problem] };
  }

  // While it is down, damage the log of one victim, sometimes.
  const damaged = r.pick(victims);
  const roll = r.int(1, 100);
  const damage: Damage | null =
    roll <= 20
      ? tornTail(dirOf(damaged), r)
      : roll <= 40
        ? { kind: 'flipped byte', ...flipByte(dirOf(damaged), r) }
        : null;

  await events.next();
  const recovery: Record<number, string> = {};
  let refusedAsExpected: boolean | null = null;
  let restartMs = 0;
  for (const id of victims) {
    const started = performance.now();
    const a = await api.call('POST', `/api/nodes/${id}/restart`);
    restartMs = Math.max(restartMs, performance.now() - started);
    if (id === damaged && damage?.kind === 'flipped byte') {
      const wrong = await checkRefusal(api, id, a, damage);
      refusedAsExpected = wrong.length === 0;
      problems.push(...wrong);
    } else if (a.status !== 200) {
      problems.push(
        `member ${id} did not restart after ${damage === null || id !== damaged ? 'a plain crash' : 'a torn tail'}: ${describe(a)}`,
      );
    }
  }
  for (const e of await events.next()) {
    if (e.status === 'running' && e.detail !== undefined && victims.includes(e.node)) recovery[e.node] = e.detail;
  }
  if (damage?.kind === 'torn tail') {
    const expected = `truncated a torn write at ${damage.file} at byte ${damage.offset} `;
    if (!(recovery[damaged] ?? '').includes(expected)) {
      problems.push(
        `member ${damaged} did not cut off the torn tail added at ${damage.file} byte ${damage.offset}: ${recovery[damaged] ?? 'no recovery reported'}`,
      );
    }
  }
  if (damage?.kind === 'flipped byte') problems.push(...(await replace(api, damaged)));
  if ((await api.waitForView((w) => w.leaderId !== null, 10_000)) === null)
    problems.push('no chairman within 10 s of the restarts');
  return { ...base, damage, refusedAsExpected, recovery, restartMs, problems };
}

function tornTail(dir: string, r: Random): Damage | null {
  const torn = tearTail(dir, r);
  return torn === null ? null : { kind: 'torn tail', ...torn };
}

/**
 * Freeze the member again and again (SIGSTOP) until its files show it inside `aim`, then kill it
 * there (SIGKILL works on a frozen process); after 3 s, kill it wherever it is. Returns the window
 * it was killed in, or null.
 */
async function killInWindow(pid: number, dir: string, aim: Window, r: Random): Promise<Window | null> {
  const deadline = performance.now() + 3000;
  for (;;) {
    if (!signal(pid, 'SIGSTOP')) return null;
    const seen = openWindow(dir);
    if (seen === aim || performance.now() > deadline) {
      signal(pid, 'SIGKILL');
      return seen;
    }
    signal(pid, 'SIGCONT');
    await sleep(r.int(1, 6));
  }
}

/** Send a signal from outside, as an operator (or the OOM killer) would; false if the process is gone. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ESRCH') return false;
    throw e;
  }
}

/** A member with a damaged file must refuse to start, name the file and the record's offset, and serve nothing. */
async function checkRefusal(
  api: ApiClient,
  id: number,
  a: Awaited<ReturnType<ApiClient['call']>>,
  damage: Extract<Damage, { kind: 'flipped byte' }>,
): Promise<string[]> {
  const where = `a flipped byte at ${damage.file} byte ${damage.at}`;
  const error = a.status === 500 ? z.object({ error: z.string() }).parse(a.body).error : null;
  if (error === null) return [`member ${id} started despite ${where}: ${describe(a)}`];
  const named = `refusing to start: ${damage.file} is corrupt at byte ${damage.offset}: `;
  const problems = error.includes(named)
    ? []
    : [`member ${id} refused ${where}, but not naming the record at byte ${damage.offset}: ${error}`];
  const m = (await api.view()).nodes.find((n) => n.id === id);
  if (m?.status !== 'crashed' || m.pid !== null)
    problems.push(`member ${id} refused to start yet is ${m?.status ?? 'gone'}`);
  return problems;
}

/** Replace a member that cannot start: remove it from the society, then add a fresh one. */
async function replace(api: ApiClient, id: number): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const removed = await api.call('DELETE', `/api/members/${id}`);
    if (removed.status === 200) break;
    if (attempt === 5) return [`could not remove member ${id}, which refused to start: ${describe(removed)}`];
    await sleep(500);
  }
  for (let attempt = 1; ; attempt++) {
    const added = await api.call('POST', '/api/members', { learner: false });
    if (added.status === 200) return [];
    if (attempt === 5) return [`could not add a member in place of ${id}: ${describe(added)}`];
    await sleep(500);
  }
}

function summarize(
  points: readonly CrashPoint[],
  stream: WriteStream,
  lost: readonly LostWrite[],
  members: number,
  applied: number,
): string[] {
  const count = (items: readonly string[]): string => {
    const m = new Map<string, number>();
    for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
    return [...m].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  };
  const aimed = (w: Window): string => {
    const at = points.filter((p) => p.aim === w);
    return `aimed at ${w} ${at.length}, killed inside it ${at.filter((p) => p.window === w).length}`;
  };
  const notes = points.flatMap((p) => Object.values(p.recovery));
  const leftovers = notes.flatMap((n) => /removed crash leftovers (.*)/.exec(n)?.[1]?.split(', ') ?? []);
  const kinds = leftovers.map((f) =>
    f.endsWith('.tmp')
      ? 'a half-written snapshot'
      : /snap-/.test(f)
        ? 'a snapshot its WAL record never named'
        : 'an empty new segment',
  );
  const torn = points.filter((p) => p.damage?.kind === 'torn tail');
  const flips = points.filter((p) => p.damage?.kind === 'flipped byte');
  const tornCut = notes.filter((n) => n.includes('truncated a torn write')).length;
  return [
    `crash points: ${points.length}; members killed at once: ${count(points.map((p) => String(p.victims.length)))}; ` +
      `the leader among them ${points.filter((p) => p.leaderKilled).length}; at a random moment ` +
      `${points.filter((p) => p.aim === 'a random moment').length}; ${aimed('snapshot writing')}; ${aimed('segment rotation')}`,
    `recovery: torn tails cut off ${tornCut} (${torn.length} added, the rest left by a kill); crash leftovers removed: ${count(kinds)}; ` +
      `slowest restart ${(Math.max(0, ...points.map((p) => p.restartMs)) / 1000).toFixed(1)} s`,
    `damage: torn tails ${torn.length}; flipped bytes ${flips.length} (${flips.filter((p) => p.damage?.kind === 'flipped byte' && /\.snap$/.test(p.damage.file)).length} in a snapshot), ` +
      `refused to start naming the file and offset: ${flips.filter((p) => p.refusedAsExpected === true).length}`,
    `acknowledged writes: ${stream.acked.size} (${stream.counts.unknown} unknown, ${stream.counts.notApplied} not applied), lost: ${lost.length}; ` +
      `${members} members hold the same state at index ${applied}`,
  ];
}
