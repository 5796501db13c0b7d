// Durable write throughput and latency: the same closed-loop generator against a 3-member Raft
// Society (POST /api/kv set, every write fsync'd on a majority before it is answered) and, where
// installed, a 3-member etcd (POST /v3/kv/put), in alternating runs so that both see the same
// machine load, at concurrency 1, 16 and 64.

import { closedLoop, mergeRuns, valueFor, type LoadResult, type LoadRun, type LoadTarget } from './load.ts';
import { etcdPut, findEtcd, startEtcd } from './etcd.ts';
import { serveCluster } from './cluster-process.ts';
import { round } from './stats.ts';

export interface ThroughputOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly concurrencies: readonly number[];
}

export interface ThroughputRow {
  readonly concurrency: number;
  readonly ours: LoadResult;
  /** The product's default: every message reported to the supervisor for the teaching view. */
  readonly oursWithMessageTelemetry: LoadResult;
  readonly etcd: LoadResult | null;
  /** Our writes/s over etcd's. */
  readonly ratio: number | null;
}

export interface ThroughputResult {
  readonly options: ThroughputOptions;
  readonly etcd: { readonly version: string; readonly binary: string } | { readonly absent: string };
  readonly rows: readonly ThroughputRow[];
}

const key = (w: number, i: number): string => `bench-${w}-${i % 1000}`;

export async function runThroughput(o: ThroughputOptions, log: (line: string) => void): Promise<ThroughputResult> {
  const ours = await serveCluster({ nodes: 3, staticDir: null, electionTimeoutMs: [150, 300], heartbeatMs: 50 });
  const binary = findEtcd();
  const etcd =
    binary === null
      ? null
      : await startEtcd(binary).catch(async (e: unknown) => {
          await ours.stop();
          throw e;
        });
  try {
    await ours.waitForLeader(10_000);
    const oursTarget: LoadTarget = {
      url: `${ours.url}/api/kv`,
      body: (w, i) => JSON.stringify({ op: 'set', key: key(w, i), value: valueFor(w, i) }),
    };
    const etcdTarget: LoadTarget | null =
      etcd === null ? null : { url: `${etcd.leaderUrl}/v3/kv/put`, body: (w, i) => etcdPut(key(w, i), valueFor(w, i)) };
    const telemetry = (on: boolean): Promise<unknown> => ours.post('/api/settings', { messageTelemetry: on });
    // Warm both up (connections, JIT, first WAL segment) before anything counts.
    await telemetry(false);
    await closedLoop(oursTarget, 16, 1);
    if (etcdTarget !== null) await closedLoop(etcdTarget, 16, 1);
    const rows: ThroughputRow[] = [];
    for (const c of o.concurrencies) {
      const runs: { ours: LoadRun[]; etcd: LoadRun[]; telemetry: LoadRun[] } = { ours: [], etcd: [], telemetry: [] };
      for (let r = 0; r < o.rounds; r++) {
        runs.ours.push(await closedLoop(oursTarget, c, o.seconds));
        if (etcdTarget !== null) runs.etcd.push(await closedLoop(etcdTarget, c, o.seconds));
      }
      await telemetry(true);
      runs.telemetry.push(await closedLoop(oursTarget, c, o.seconds / 2));
      await telemetry(false);
      const row: ThroughputRow = {
        concurrency: c,
        ours: mergeRuns(runs.ours),
        oursWithMessageTelemetry: mergeRuns(runs.telemetry),
        etcd: runs.etcd.length === 0 ? null : mergeRuns(runs.etcd),
        ratio: runs.etcd.length === 0 ? null : 0,
      };
      const ratio = row.etcd === null ? null : round(row.ours.writesPerSec / Math.max(1e-9, row.etcd.writesPerSec));
      rows.push({ ...row, ratio });
      log(
        `throughput c=${c}: ours ${row.ours.writesPerSec} writes/s p99 ${row.ours.latencyMs.p99} ms` +
          (row.etcd === null
            ? ''
            : `; etcd ${row.etcd.writesPerSec} writes/s p99 ${row.etcd.latencyMs.p99} ms (x${ratio})`),
      );
    }
    return {
      options: o,
      etcd:
        etcd === null || binary === null
          ? { absent: 'no etcd binary on PATH (Debian: apt-get install etcd-server)' }
          : { version: etcd.version, binary },
      rows,
    };
  } finally {
    await Promise.all([ours.stop(), etcd?.stop()]);
  }
}
