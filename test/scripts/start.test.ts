// `npm run demo`: the narrated Harmony Heights demo on the real engine; and `npm start` where
// Electron's binary cannot be had (as here): one line says so, then the same app is served in
// browser mode, and SIGTERM stops it leaving no member process behind.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClusterView } from '../../main/shared/contract.ts';
import { hasScript } from '../../scripts/build.ts';
import { electronBinary } from '../../scripts/electron-binary.ts';
import { alive } from '../cluster/harness.ts';
import { removedWithin, runChild } from '../server/helpers.ts';

const demo = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const seed of ['2019', '7', '11']) {
  test(`the demo tells the whole story and every safety property holds (seed ${seed})`, () => {
    const r = spawnSync(process.execPath, [demo, '--fast', '--seed', seed], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is elected chairman in term \d+/);
    assert.match(r.stdout, /Mohan \(Building C\) alone cannot decide anything/);
    assert.match(r.stdout, /becomes chairman in term \d+; no decision is lost/);
    assert.equal((r.stdout.match(/minutes book, decision \d+/g) ?? []).length >= 4, true, 'four decisions committed');
    assert.match(r.stdout, /all five Raft properties held/);
  });
}

const binary = electronBinary();

test(
  "npm start without Electron's binary: one line says so, then the browser-mode URL; SIGTERM leaves no member",
  { skip: binary === null ? false : `Electron's binary is installed (${binary}): npm start opens the desktop app` },
  async (t) => {
    const child = runChild('npm', ['start', '--silent', '--', '--nodes', '3', '--port', '0']);
    let pids: number[] = [];
    t.after(() => {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    });

    // It builds first (only what is out of date), so allow for a renderer build.
    const deadline = Date.now() + 120_000;
    let url: string | null = null;
    while (url === null) {
      url = /http:\/\/127\.0\.0\.1:\d+/.exec(child.stdout)?.[0] ?? null;
      if (url === null && (child.proc.exitCode !== null || Date.now() > deadline))
        throw new Error(`no URL printed; stdout: ${child.stdout}\nstderr: ${child.stderr}`);
      await sleep(20);
    }
    const lines = child.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, child.stdout);
    assert.match(
      lines[0]!,
      /^npm start: Electron's binary is not installed\b.*; serving the same app in browser mode instead/,
    );
    assert.match(lines[1]!, /^Raft Society cluster of 3 at http:\/\/127\.0\.0\.1:\d+ \(.*fresh temp dir/);
    const dataDir = /temp dir (\S+),/.exec(lines[1]!)![1]!;

    let view: ClusterView;
    const elected = Date.now() + 5000;
    for (;;) {
      const res = await fetch(`${url}/api/cluster`);
      assert.equal(res.status, 200);
      view = (await res.json()) as ClusterView;
      if (view.leaderId !== null && view.nodes.every((n) => n.pid !== null)) break;
      if (Date.now() > elected) throw new Error(`no chairman: ${JSON.stringify(view)}`);
      await sleep(20);
    }
    pids = view.nodes.map((n) => n.pid!);
    assert.equal(pids.length, 3);
    if (hasScript('build:renderer')) {
      assert.match(lines[1]!, /UI from .*out[/\\]renderer/);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    }

    // npm forwards SIGTERM to its shell only; the server must notice and stop all the same.
    child.proc.kill('SIGTERM');
    const gone = Date.now() + 3000;
    while (pids.some(alive) && Date.now() < gone) await sleep(20);
    assert.deepEqual(pids.filter(alive), [], 'no member process is left');
    await child.exited;
    await assert.rejects(fetch(`${url}/api/cluster`));
    await removedWithin(dataDir, 3000);
  },
);
