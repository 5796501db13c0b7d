// A closed-loop HTTP load generator: `concurrency` workers in this one process, each sending its
// next request as soon as the previous answer arrived, over keep-alive connections (one per
// worker). The same generator drives Raft Society's POST /api/kv and etcd's POST /v3/kv/put.

import { Agent, request } from 'node:http';
import { summarize, round, type Summary } from './stats.ts';

export interface LoadTarget {
  /** Full URL of the write endpoint. */
  readonly url: string;
  /** The JSON body of write number `i` of worker `worker`. */
  body(worker: number, i: number): string;
}

export interface LoadResult {
  readonly concurrency: number;
  readonly seconds: number;
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly writesPerSec: number;
  readonly latencyMs: Summary;
}

/** A run with its raw latencies, for merging runs (the samples are not kept in the results). */
export interface LoadRun extends LoadResult {
  readonly samples: readonly number[];
}

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Drive `target` for `seconds` with `concurrency` workers; only answers within the window count. */
export async function closedLoop(target: LoadTarget, concurrency: number, seconds: number): Promise<LoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target.url);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; performance.now() < deadline; i++) {
      const t0 = performance.now();
      try {
        const res = await post(agent, url, target.body(w, i));
        const t1 = performance.now();
        if (t1 > deadline) break;
        if (res.status === 200) latencies.push(t1 - t0);
        else {
          errors++;
          firstError ??= `${res.status} ${res.text.slice(0, 200)}`;
        }
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  agent.destroy();
  const elapsed = (Math.min(performance.now(), deadline) - started) / 1000;
  return {
    concurrency,
    seconds: round(elapsed),
    completed: latencies.length,
    errors,
    firstError,
    writesPerSec: round(latencies.length / elapsed, 1),
    latencyMs: summarize(latencies),
    samples: latencies,
  };
}

/** Several runs at one concurrency as one: all answers over all the time. */
export function mergeRuns(runs: readonly LoadRun[]): LoadResult {
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const completed = runs.reduce((a, r) => a + r.completed, 0);
  return {
    concurrency: runs[0]!.concurrency,
    seconds: round(seconds),
    completed,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    firstError: runs.find((r) => r.firstError !== null)?.firstError ?? null,
    writesPerSec: round(completed / seconds, 1),
    latencyMs: summarize(runs.flatMap((r) => r.samples)),
  };
}

/** A 64-byte value, different for every write (neither side may deduplicate or compress it away). */
export function valueFor(worker: number, i: number): string {
  return `w${worker}-i${i}-`.padEnd(64, 'x');
}
