// Scale: clusters of 3 to 25 members, each started fresh: the time from spawning the server to
// the first elected leader, durable writes/s (the closed-loop generator at concurrency 16), and
// the total resident memory of the members and the server. The cost should grow linearly.

import { closedLoop, valueFor } from './load.ts';
import { serveCluster } from './cluster-process.ts';
import { rssMiB } from './proc.ts';
import { linearFit, round, type Summary } from './stats.ts';

export interface ScalePoint {
  readonly nodes: number;
  /** Server spawned to the first leader seen through the API (includes starting every process). */
  readonly electMs: number;
  readonly writesPerSec: number;
  readonly latencyMs: Summary;
  readonly errors: number;
  readonly firstError: string | null;
  readonly membersRssMiB: number;
  readonly serverRssMiB: number;
}

export interface ScaleResult {
  readonly seconds: number;
  readonly concurrency: number;
  readonly points: readonly ScalePoint[];
  /** Sizes that could not be measured, and why. */
  readonly failed: readonly { readonly nodes: number; readonly reason: string }[];
  /** Least-squares lines against the member count (R² near 1: linear). */
  readonly fits: {
    readonly totalRssMiB: ReturnType<typeof linearFit>;
    readonly electMs: ReturnType<typeof linearFit>;
  };
}

export const scaleSizes = [3, 5, 9, 15, 25] as const;
const CONCURRENCY = 16;

export async function runScale(seconds: number, log: (line: string) => void): Promise<ScaleResult> {
  const points: ScalePoint[] = [];
  const failed: { nodes: number; reason: string }[] = [];
  for (const nodes of scaleSizes) {
    const c = await serveCluster({ nodes, staticDir: null, electionTimeoutMs: [150, 300], heartbeatMs: 50 });
    try {
      const electMs = round((await c.waitForLeader(30_000)) - c.spawnedAt);
      await c.post('/api/settings', { messageTelemetry: false });
      const run = await closedLoop(
        {
          url: `${c.url}/api/kv`,
          body: (w, i) => JSON.stringify({ op: 'set', key: `scale-${w}-${i % 100}`, value: valueFor(w, i) }),
        },
        CONCURRENCY,
        seconds,
      );
      const pids = (await c.view()).nodes.flatMap((n) => (n.pid === null ? [] : [n.pid]));
      const point: ScalePoint = {
        nodes,
        electMs,
        writesPerSec: run.writesPerSec,
        latencyMs: run.latencyMs,
        errors: run.errors,
        firstError: run.firstError,
        membersRssMiB: round(pids.reduce((a, pid) => a + rssMiB(pid), 0)),
        serverRssMiB: round(rssMiB(c.serverPid)),
      };
      points.push(point);
      log(
        `scale ${nodes} members: leader after ${point.electMs} ms, ${point.writesPerSec} writes/s, RSS ${point.membersRssMiB} + ${point.serverRssMiB} MiB`,
      );
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      log(`scale ${nodes} members FAILED: ${reason}`);
      failed.push({ nodes, reason });
    } finally {
      await c.stop();
    }
  }
  if (points.length < 2) throw new Error(`fewer than two sizes measured: ${failed.map((f) => f.reason).join('; ')}`);
  const xs = points.map((p) => p.nodes);
  return {
    seconds,
    concurrency: CONCURRENCY,
    points,
    failed,
    fits: {
      totalRssMiB: linearFit(
        xs,
        points.map((p) => p.membersRssMiB + p.serverRssMiB),
      ),
      electMs: linearFit(
        xs,
        points.map((p) => p.electMs),
      ),
    },
  };
}
