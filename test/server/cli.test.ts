// `npm run web` and `npm run cluster` as a user runs them: child processes, real clusters, and no
// member process left behind when they stop.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterView } from '../../main/shared/contract.ts';
import { alive } from '../cluster/harness.ts';
import { removedWithin, runChild, type Child } from './helpers.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Stop a child that is still running at the end of a test, however the test went. */
function cleanup(child: Child, pids: () => readonly number[]): () => void {
  return () => {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    for (const pid of pids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  };
}

async function urlOf(child: Child, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = /http:\/\/127\.0\.0\.1:\d+/.exec(child.stdout);
    if (m !== null) return m[0];
    if (child.proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`no URL printed; stdout: ${child.stdout}\nstderr: ${child.stderr}`);
    await sleep(20);
  }
}

async function leaderView(url: string): Promise<ClusterView> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = (await (await fetch(`${url}/api/cluster`)).json()) as ClusterView;
    if (v.leaderId !== null && v.nodes.every((n) => n.pid !== null)) return v;
    if (Date.now() > deadline) throw new Error(`no chairman: ${JSON.stringify(v)}`);
    await sleep(20);
  }
}

async function allGone(pids: readonly number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`still alive after ${ms} ms: ${pids.filter(alive).join(', ')}`);
    await sleep(20);
  }
}

test('npm run web: one URL line, serves, and SIGTERM leaves no member process', async (t) => {
  const child = runChild('npm', ['run', '--silent', 'web', '--', '--nodes', '3', '--port', '0']);
  let pids: number[] = [];
  t.after(cleanup(child, () => pids));
  const url = await urlOf(child);
  const v = await leaderView(url);
  pids = v.nodes.map((n) => n.pid!);
  assert.equal(pids.length, 3);
  const lines = child.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, child.stdout);
  assert.match(lines[0]!, /^Raft Society cluster of 3 at http:\/\/127\.0\.0\.1:\d+ \(.*fresh temp dir/);
  const dataDir = /temp dir (\S+),/.exec(lines[0]!)![1]!;
  const set = await fetch(`${url}/api/kv`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ op: 'set', key: 'a', value: '1' }),
  });
  assert.equal(set.status, 200);

  // npm forwards SIGTERM to its shell only; the server must notice and stop all the same.
  child.proc.kill('SIGTERM');
  await allGone(pids, 2000);
  await child.exited;
  await assert.rejects(fetch(`${url}/api/cluster`));
  await removedWithin(dataDir, 3000);
});

test('web.ts: SIGINT stops cleanly with exit 0', async (t) => {
  const child = runChild(process.execPath, ['scripts/web.ts', '--nodes', '3', '--port', '0']);
  let pids: number[] = [];
  t.after(cleanup(child, () => pids));
  const url = await urlOf(child);
  pids = (await leaderView(url)).nodes.map((n) => n.pid!);
  child.proc.kill('SIGINT');
  assert.deepEqual(await child.exited, { code: 0, signal: null });
  await allGone(pids, 2000);
});

test('web.ts refuses a non-loopback host without a token, and bad options, with exit 2', async () => {
  for (const [args, message] of [
    [['--host', '0.0.0.0', '--port', '0'], /refusing to serve on 0\.0\.0\.0 without a token/],
    [['--nodes', '99'], /--nodes must be a whole number from 1 to 15/],
    [['--election-timeout', 'fast'], /--election-timeout must be MIN-MAX/],
    [['--frobnicate'], /frobnicate/],
  ] as const) {
    const child = runChild(process.execPath, ['scripts/web.ts', ...args]);
    assert.deepEqual(await child.exited, { code: 2, signal: null }, args.join(' '));
    assert.match(child.stderr, message);
    assert.equal(child.stdout, '');
  }
});

test('npm run cluster with piped commands: status, set, get, a bogus one, EOF', async (t) => {
  const child = runChild(process.execPath, ['scripts/cluster.ts', '--nodes', '3']);
  let pids: number[] = [];
  t.after(cleanup(child, () => pids));
  child.proc.stdin!.end('status\nset a 1\nget a\nbogus\nset a\ncas a 2 3\n');
  const { code } = await child.exited;
  const out = child.stdout;
  assert.equal(code, 0, `${out}\n${child.stderr}`);
  const lines = out.split('\n');
  const at = (re: RegExp): number => {
    const i = lines.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `no line matching ${re} in:\n${out}`);
    return i;
  };
  const header = at(/^id +name +role +term +commit +last +status +pid$/);
  const rows = lines.slice(header + 1, header + 4);
  assert.equal(rows.filter((r) => /chairman\/leader/.test(r)).length, 1, rows.join('\n'));
  // The others follow, or are a heartbeat away from it: a candidate that lost is told by the next one.
  assert.equal(rows.filter((r) => /member\/follower|candidate/.test(r)).length, 2, rows.join('\n'));
  assert.match(rows[0]!, /^1 +Rajesh - Building A +\S+/);
  pids = rows.map((r) => Number(/(\d+)$/.exec(r)![1]));
  const order = [
    at(/^ok: a = 1 \(minutes entry \d+\)$/),
    at(/^a = 1$/),
    at(/^unknown command "bogus"; type help for the list$/),
    at(/^usage: set <key> <value>$/),
    at(/^not changed: a is 1, not 2$/),
    at(/^the society is adjourned$/),
  ];
  assert.ok(header < order[0]!);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
    'answers in the order of the commands',
  );
  await allGone(pids, 2000);
});
