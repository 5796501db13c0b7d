// Real clusters for tests: a supervisor with real member processes in a temporary data directory,
// always stopped afterwards so no process outlives a test.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Supervisor, type SupervisorOptions } from '../../main/cluster/supervisor.ts';
import type { CommandResult, MemberView } from '../../main/shared/contract.ts';

export interface TestCluster {
  readonly sup: Supervisor;
  readonly dataDir: string;
  /** Run a contract command; throws unless its status is one of `expect` (default 200). */
  run(name: string, input?: unknown, expect?: readonly number[]): Promise<CommandResult>;
  member(id: number): MemberView;
  leader(): number | null;
}

export async function startCluster(t: TestContext, options: Partial<SupervisorOptions> = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-test-'));
  const sup = new Supervisor({ nodes: 5, dataDir, ...options });
  t.after(async () => {
    await sup.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await sup.start();
  return {
    sup,
    dataDir,
    async run(name, input = {}, expect = [200]) {
      const r = await sup.execute(name, input);
      if (!expect.includes(r.status))
        throw new Error(`${name} ${JSON.stringify(input)} -> ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    },
    member(id) {
      const m = sup.view().nodes.find((n) => n.id === id);
      if (m === undefined) throw new Error(`no member ${id}`);
      return m;
    },
    leader: () => sup.leaderId(),
  };
}

/** Poll `check` every 10 ms until it holds; throws with `what` after `ms`. Returns the time taken. */
export async function waitFor(what: string, check: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

/**
 * Whether a process with this pid is still running. An exited process whose parent died waits as a
 * zombie until init reaps it (in containers that can take a second); it runs no code, so on Linux
 * it counts as gone. Elsewhere, signal 0 tells whether the pid exists.
 */
export function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
