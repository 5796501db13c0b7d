// A 3-member etcd on loopback for the throughput comparison, where an `etcd` binary is installed
// (Debian: apt-get install etcd-server, etcd 3.4): temp data dirs, heartbeat 50 ms, election
// timeout 300 ms (Raft Society's defaults are 50 ms and 150-300 ms), fsync'd WAL as etcd always
// does. Writes go through etcd's JSON gateway, POST /v3/kv/put, with base64 keys and values.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { stopChild } from './cluster-process.ts';

export interface EtcdCluster {
  readonly version: string;
  /** The client URL of the member that leads (writes sent elsewhere are forwarded to it). */
  readonly leaderUrl: string;
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/** The etcd binary on PATH, or null. */
export function findEtcd(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'etcd');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The JSON body of an etcd put. */
export function etcdPut(key: string, value: string): string {
  return JSON.stringify({ key: b64(key), value: b64(value) });
}

async function status(clientUrl: string): Promise<{ leader: string; member: string } | null> {
  try {
    const res = await fetch(`${clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}' });
    if (!res.ok) return null;
    const body = (await res.json()) as { leader?: string; header?: { member_id?: string } };
    return body.leader === undefined || body.header?.member_id === undefined
      ? null
      : { leader: body.leader, member: body.header.member_id };
  } catch {
    return null;
  }
}

export async function startEtcd(binary: string): Promise<EtcdCluster> {
  const version = /etcd Version: (\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  const root = mkdtempSync(join(tmpdir(), 'rs-bench-etcd-'));
  const members = [];
  for (let i = 1; i <= 3; i++) members.push({ name: `e${i}`, client: await freePort(), peer: await freePort() });
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  const log = openSync(join(root, 'etcd.log'), 'a');
  const children: ChildProcess[] = members.map((m) =>
    spawn(
      binary,
      [
        `--name=${m.name}`,
        `--data-dir=${join(root, m.name)}`,
        `--listen-client-urls=http://127.0.0.1:${m.client}`,
        `--advertise-client-urls=http://127.0.0.1:${m.client}`,
        `--listen-peer-urls=http://127.0.0.1:${m.peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${m.peer}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        '--initial-cluster-token=raft-society-bench',
        '--heartbeat-interval=50',
        '--election-timeout=300',
        '--logger=zap',
        '--log-level=error',
      ],
      { stdio: ['ignore', log, log] },
    ),
  );
  closeSync(log);
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => stopChild(c)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const urls = members.map((m) => `http://127.0.0.1:${m.client}`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const statuses = await Promise.all(urls.map(status));
      const leaderAt = statuses.findIndex((s) => s !== null && s.leader !== '0' && s.leader === s.member);
      if (leaderAt >= 0 && statuses.every((s) => s !== null)) {
        return { version, leaderUrl: urls[leaderAt]!, pids: children.map((c) => c.pid!), stop };
      }
      if (Date.now() > deadline) throw new Error('etcd did not elect a leader within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
}
