// Footprint: the resident memory of each member process against an empty Node process on the
// same runtime, and the CPU an idle 5-member cluster uses (50 ms heartbeats, no clients), read
// from /proc. Also the time from `npm run web` to the first elected leader.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { defaultMemberEntry } from '../../main/cluster/spawn.ts';
import { fileURLToPath } from 'node:url';
import { clusterClient, firstLine, serveCluster, stopChild } from './cluster-process.ts';
import { cpuMs, rssMiB } from './proc.ts';
import { round, summarize, type Summary } from './stats.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const root = fileURLToPath(new URL('../..', import.meta.url));

export interface IdleCpu {
  readonly messageTelemetry: boolean;
  readonly seconds: number;
  /** All members together, in % of one core. */
  readonly membersPercentOfCore: number;
  readonly perMemberPercent: readonly number[];
  /** The supervisor and HTTP server process (no browser connected). */
  readonly serverPercentOfCore: number;
}

export interface FootprintResult {
  /** An empty Node process (same executable, an IPC channel like a member's), after 2 s. */
  readonly emptyNodeRssMiB: number;
  /**
   * The CPU the same empty process uses when all it does is wake every 10 ms (a member's tick),
   * measured beside the idle cluster: % of one core.
   */
  readonly tickAlonePercentOfCore: number;
  /** Where a member's memory goes: the same empty process after loading only this much, MiB. */
  readonly loadedRssMiB: readonly { readonly what: string; readonly rssMiB: number }[];
  readonly memberRssMiB: readonly number[];
  /** The largest member's RSS over the empty process's. */
  readonly rssRatio: number;
  readonly serverRssMiB: number;
  readonly idle: readonly IdleCpu[];
}

export interface StartupResult {
  /** `npm run web` spawned to the first leader seen through the API, ms, per run. */
  readonly npmRunWebMs: Summary;
  /** The same without npm in front: `node scripts/web.ts`. */
  readonly nodeWebMs: Summary;
}

/** An empty Node process that only wakes every 10 ms, with an IPC channel like a member's. */
function emptyNode(preload = ''): ChildProcess {
  return spawn(process.execPath, ['-e', `${preload}setInterval(() => {}, 10)`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
}

/** RSS after 2 s of processes that load a member's dependencies, or its whole code without starting it. */
async function loadedRss(): Promise<{ what: string; rssMiB: number }[]> {
  const variants: [string, ChildProcess][] = [
    ['zod', emptyNode("require('zod');")],
    ['node-ipc', emptyNode("require('node-ipc');")],
    ['zod + node-ipc', emptyNode("require('zod'); require('node-ipc');")],
    // The member waits for its init message, so this is its code loaded and nothing running.
    ['the member bundle, not started', fork(defaultMemberEntry, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })],
  ];
  await sleep(2000);
  const out = variants.map(([what, child]) => ({ what, rssMiB: round(rssMiB(child.pid!)) }));
  await Promise.all(variants.map(([, child]) => stopChild(child)));
  return out;
}

export async function runFootprint(idleSeconds: number, log: (line: string) => void): Promise<FootprintResult> {
  const empty = emptyNode();
  await sleep(2000);
  const emptyNodeRssMiB = round(rssMiB(empty.pid!));
  const loadedRssMiB = await loadedRss();
  const c = await serveCluster({ nodes: 5, staticDir: null, electionTimeoutMs: [150, 300], heartbeatMs: 50 });
  try {
    await c.waitForLeader(10_000);
    // A little history in every minutes book, then let it settle.
    for (let i = 0; i < 50; i++) await c.post('/api/kv', { op: 'set', key: `k${i % 10}`, value: `v${i}` });
    await sleep(2000);
    const pids = (await c.view()).nodes.map((n) => n.pid!);
    const idle: IdleCpu[] = [];
    const emptyBefore = cpuMs(empty.pid!);
    const emptyFrom = performance.now();
    for (const messageTelemetry of [true, false]) {
      await c.post('/api/settings', { messageTelemetry });
      await sleep(1000);
      const before = pids.map(cpuMs);
      const serverBefore = cpuMs(c.serverPid);
      const t0 = performance.now();
      await sleep(idleSeconds * 1000);
      const elapsed = performance.now() - t0;
      const perMember = pids.map((pid, i) => round(((cpuMs(pid) - before[i]!) / elapsed) * 100));
      idle.push({
        messageTelemetry,
        seconds: round(elapsed / 1000),
        membersPercentOfCore: round(perMember.reduce((a, b) => a + b, 0)),
        perMemberPercent: perMember,
        serverPercentOfCore: round(((cpuMs(c.serverPid) - serverBefore) / elapsed) * 100),
      });
      log(
        `idle CPU (message telemetry ${messageTelemetry ? 'on' : 'off'}): members ${idle.at(-1)!.membersPercentOfCore}% of a core, server ${idle.at(-1)!.serverPercentOfCore}%`,
      );
    }
    const tickAlonePercentOfCore = round(((cpuMs(empty.pid!) - emptyBefore) / (performance.now() - emptyFrom)) * 100);
    log(`an empty Node process waking every 10 ms: ${tickAlonePercentOfCore}% of a core`);
    const memberRssMiB = pids.map((pid) => round(rssMiB(pid)));
    const rssRatio = round(Math.max(...memberRssMiB) / emptyNodeRssMiB);
    log(`RSS: empty Node ${emptyNodeRssMiB} MiB, members ${memberRssMiB.join(', ')} MiB (x${rssRatio})`);
    return {
      emptyNodeRssMiB,
      tickAlonePercentOfCore,
      loadedRssMiB,
      memberRssMiB,
      rssRatio,
      serverRssMiB: round(rssMiB(c.serverPid)),
      idle,
    };
  } finally {
    await Promise.all([c.stop(), stopChild(empty)]);
  }
}

/** One start of the web server by `command`, to the first leader; ms. */
async function startToLeader(command: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  // Its own process group, so that npm, its shell and the server all get the SIGTERM.
  const child = spawn(command, [...args, '--port', '0', '--static', 'none'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    const line = await firstLine(child, command);
    const url = /at (http:\/\/\S+)/.exec(line)?.[1];
    if (url === undefined) throw new Error(`unexpected first line from ${command}: ${line}`);
    return (await clusterClient(url).waitForLeader(10_000)) - started;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

export async function runStartup(runs: number, log: (line: string) => void): Promise<StartupResult> {
  const npm: number[] = [];
  const node: number[] = [];
  // Alternating, so both see the same machine.
  for (let i = 0; i < runs; i++) {
    npm.push(await startToLeader('npm', ['run', 'web', '--silent', '--']));
    node.push(await startToLeader(process.execPath, ['scripts/web.ts']));
  }
  const result = { npmRunWebMs: summarize(npm), nodeWebMs: summarize(node) };
  log(
    `start-up to first leader: npm run web ${result.npmRunWebMs.p50} ms, node scripts/web.ts ${result.nodeWebMs.p50} ms (medians)`,
  );
  return result;
}
