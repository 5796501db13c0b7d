// The benchmarks' handle on a served cluster (serve.ts in a child process): its URL, its member
// processes, commands through the HTTP API, and a clean stop.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ClusterView } from '../../main/shared/contract.ts';
import type { ServeOptions } from './serve.ts';

const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));

export interface ServedCluster {
  readonly url: string;
  readonly serverPid: number;
  /** When the server process was spawned (performance.now()). */
  readonly spawnedAt: number;
  view(): Promise<ClusterView>;
  /** POST a command; throws unless it answers 200. */
  post(path: string, body?: unknown): Promise<unknown>;
  /** Poll until some member leads; the performance.now() at which it was first seen. */
  waitForLeader(timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

/** Read the first line of a child's stdout, or fail with what it said on stderr. */
export function firstLine(child: ChildProcess, what: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(
      () => reject(new Error(`${what} printed nothing in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      // Keep draining: a full pipe would block the child's next write.
      child.stdout!.resume();
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready: ${stderr}`));
    });
  });
}

export function clusterClient(url: string): Pick<ServedCluster, 'view' | 'post' | 'waitForLeader'> {
  const view = async (): Promise<ClusterView> => {
    const res = await fetch(`${url}/api/cluster`);
    if (!res.ok) throw new Error(`GET /api/cluster: ${res.status}`);
    return (await res.json()) as ClusterView;
  };
  return {
    view,
    async post(path, body = {}) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer: unknown = await res.json();
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(answer)}`);
      return answer;
    },
    async waitForLeader(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      let last = '';
      while (performance.now() < deadline) {
        try {
          if ((await view()).leaderId !== null) return performance.now();
        } catch (e) {
          // A server busy starting many members may drop a poll; the deadline decides.
          last = `; last poll: ${e instanceof Error ? e.message : String(e)}`;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`no leader within ${timeoutMs} ms${last}`);
    },
  };
}

/** Stop a child with SIGTERM and wait for it to exit (SIGKILL after `graceMs`). */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function serveCluster(o: ServeOptions, env: NodeJS.ProcessEnv = process.env): Promise<ServedCluster> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [serveScript, JSON.stringify(o)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  try {
    const { url } = JSON.parse(await firstLine(child, 'the benchmark server')) as { url: string };
    return { url, serverPid: child.pid!, spawnedAt, ...clusterClient(url), stop: () => stopChild(child) };
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}
