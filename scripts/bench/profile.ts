// Where the time goes: V8 CPU profiles (--cpu-prof, through NODE_OPTIONS, which the member
// processes inherit) of a served cluster under the write load and at idle, summarized as the
// functions with the most self time, per kind of process. Profiling slows everything down, so
// these runs are separate from the measured ones.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { closedLoop, valueFor } from './load.ts';
import { serveCluster } from './cluster-process.ts';
import { round } from './stats.ts';

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  /** Of the busy (not idle) time of that kind of process. */
  readonly percent: number;
}

export interface ProcessProfile {
  readonly process: string;
  readonly busyMs: number;
  readonly windowMs: number;
  readonly top: readonly HotFunction[];
}

export interface ProfileResult {
  readonly load: { readonly nodes: number; readonly concurrency: number; readonly seconds: number };
  readonly underLoad: readonly ProcessProfile[];
  readonly idle: { readonly nodes: number; readonly seconds: number };
  readonly atIdle: readonly ProcessProfile[];
}

const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

const NOT_BUSY = new Set(['(idle)']);

/** Microseconds on the monotonic clock V8 stamps profile samples with (the same as hrtime's). */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

interface Window {
  readonly fromUs: number;
  readonly toUs: number;
}

/** Self time per function within `window`, summed over the given profiles. */
function summarizeProfiles(files: readonly string[], window: Window, label: string): ProcessProfile {
  const self = new Map<string, { name: string; where: string; us: number }>();
  let busy = 0;
  for (const file of files) {
    const p = cpuProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      const delta = p.timeDeltas[i] ?? 0;
      t += delta;
      const frame = byId.get(p.samples[i]!);
      if (t < window.fromUs || t > window.toUs || frame === undefined || NOT_BUSY.has(frame.functionName)) continue;
      const where =
        frame.url === '' ? '' : `${frame.url.replace(/^.*\/(node_modules|main|out)\//, '$1/')}:${frame.lineNumber + 1}`;
      const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
      const key = `${name} ${where}`;
      const entry = self.get(key) ?? { name, where, us: 0 };
      entry.us += delta;
      self.set(key, entry);
      busy += delta;
    }
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, 12)
    .map((f) => ({ name: f.name, where: f.where, selfMs: round(f.us / 1000), percent: round((f.us / busy) * 100, 1) }));
  return { process: label, busyMs: round(busy / 1000), windowMs: round((window.toUs - window.fromUs) / 1000), top };
}

/** Run `work` on a profiled cluster; summarize the server's and the members' time during it. */
async function profiled(
  nodes: number,
  work: (url: string, post: (path: string, body: unknown) => Promise<unknown>) => Promise<void>,
): Promise<ProcessProfile[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rs-bench-prof-'));
  try {
    const c = await serveCluster(
      { nodes, staticDir: null, electionTimeoutMs: [150, 300], heartbeatMs: 50 },
      { ...process.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` },
    );
    let memberPids: number[] = [];
    let window: Window = { fromUs: 0, toUs: 0 };
    try {
      await c.waitForLeader(20_000);
      memberPids = (await c.view()).nodes.flatMap((n) => (n.pid === null ? [] : [n.pid]));
      // Past the start-up and the first election.
      await new Promise((r) => setTimeout(r, 1000));
      const fromUs = monotonicUs();
      await work(c.url, (path, body) => c.post(path, body));
      window = { fromUs, toUs: monotonicUs() };
    } finally {
      await c.stop();
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    const pidOf = (f: string): number => Number(f.split('.')[3]);
    return [
      summarizeProfiles(
        files.filter((f) => pidOf(f) === c.serverPid).map((f) => join(dir, f)),
        window,
        'supervisor + HTTP server',
      ),
      summarizeProfiles(
        files.filter((f) => memberPids.includes(pidOf(f))).map((f) => join(dir, f)),
        window,
        `members (${memberPids.length}, summed)`,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runProfiles(seconds: number, log: (line: string) => void): Promise<ProfileResult> {
  const load = { nodes: 3, concurrency: 16, seconds };
  const underLoad = await profiled(3, async (url, post) => {
    await post('/api/settings', { messageTelemetry: false });
    await closedLoop(
      {
        url: `${url}/api/kv`,
        body: (w, i) => JSON.stringify({ op: 'set', key: `prof-${w}-${i % 100}`, value: valueFor(w, i) }),
      },
      load.concurrency,
      seconds,
    );
  });
  const idle = { nodes: 5, seconds };
  const atIdle = await profiled(5, () => new Promise((r) => setTimeout(r, seconds * 1000)));
  for (const p of [...underLoad, ...atIdle])
    log(
      `profile ${p.process}: ${p.busyMs} ms busy; top: ${p.top
        .slice(0, 3)
        .map((f) => `${f.name} ${f.percent}%`)
        .join(', ')}`,
    );
  return { load, underLoad, idle, atIdle };
}
