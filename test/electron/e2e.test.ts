// The desktop app end to end, driven by Playwright's Electron support: the real window, preload,
// IPC door and cluster. It needs Electron's binary, which the electron package downloads from
// GitHub on first use; where it is not installed (as on machines that cannot reach GitHub) the
// test is skipped and says why.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron } from 'playwright-core';
import type { SocietyApi } from '../../main/shared/bridge.ts';
import type { ClusterView } from '../../main/shared/contract.ts';
import { buildAll, root } from '../../scripts/build.ts';
import { electronBinary } from '../../scripts/electron-binary.ts';
import { alive } from '../cluster/harness.ts';

const binary = electronBinary();
const noDisplay =
  process.platform === 'linux' && (process.env.DISPLAY ?? '') === '' && (process.env.WAYLAND_DISPLAY ?? '') === '';
const skip =
  binary === null
    ? "Electron's binary is not installed (node_modules/electron/dist is missing: Electron downloads it from GitHub on first use, and this machine cannot reach GitHub)"
    : noDisplay
      ? 'there is no display (DISPLAY is not set): run under xvfb-run'
      : false;
if (skip !== false) process.stdout.write(`# e2e: skipped: ${skip}\n`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Functions given to page.evaluate run in the page: they name window.raftSociety themselves.

test(
  'the desktop app: a sandboxed window with only window.raftSociety, a real cluster, nothing left on quit',
  { skip },
  async (t) => {
    const { renderer } = await buildAll({ quiet: true, onlyStale: true });
    if (!renderer) {
      t.skip('the project has no build:renderer script yet: there is no page to show');
      return;
    }
    const userData = mkdtempSync(join(tmpdir(), 'rs-electron-e2e-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    const app = await _electron.launch({
      executablePath: binary!,
      // Chromium refuses to run as root with its OS sandbox (CI containers run as root); the
      // renderer's own sandbox (webPreferences.sandbox) still applies.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root, `--user-data-dir=${userData}`],
      cwd: root,
      env,
      timeout: 30_000,
    });
    let pids: number[] = [];
    t.after(() => {
      if (app.process().exitCode === null) app.process().kill('SIGKILL');
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(userData, { recursive: true, force: true });
    });

    assert.equal(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData')), userData);
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');

    // The page has the API and nothing of Node or IPC.
    const shape = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      const api = g.raftSociety as Record<string, unknown> | undefined;
      return {
        keys: api === undefined ? [] : Object.keys(api).sort(),
        door: api?.door,
        require: typeof g.require,
        process: typeof g.process,
        ipcRenderer: typeof g.ipcRenderer,
      };
    });
    assert.deepEqual(shape, {
      keys: ['door', 'execute', 'subscribe'],
      door: 'desktop',
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
    });

    // A real cluster answers through the preload: wait for a chairman, then record a decision.
    let view: ClusterView | null = null;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      view = (await page.evaluate(
        async () =>
          (await (globalThis as unknown as { raftSociety: SocietyApi }).raftSociety.execute('cluster.get', {})).body,
      )) as ClusterView;
      if (view.leaderId !== null && view.nodes.every((n) => n.pid !== null)) break;
      await sleep(100);
    }
    assert.ok(view !== null && view.leaderId !== null, 'a chairman is elected');
    pids = view.nodes.map((n) => n.pid!);
    const decided = await page.evaluate(() =>
      (globalThis as unknown as { raftSociety: SocietyApi }).raftSociety.execute('decide', {
        text: 'Paint the gate green',
      }),
    );
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const bad = await page.evaluate(() =>
      (globalThis as unknown as { raftSociety: SocietyApi }).raftSociety.execute('node.crash', {
        id: 'one',
      } as unknown as { id: number }),
    );
    assert.equal(bad.status, 400);

    // The stream: a hello, then events.
    const stream = await page.evaluate(
      () =>
        new Promise<{ hello: number; events: number }>((resolve) => {
          const seen = { hello: 0, events: 0 };
          const stop = (globalThis as unknown as { raftSociety: SocietyApi }).raftSociety.subscribe({
            hello: () => {
              seen.hello++;
            },
            events: (batch) => {
              seen.events += batch.length;
              stop();
              resolve(seen);
            },
          });
          void (globalThis as unknown as { raftSociety: SocietyApi }).raftSociety.execute('kv', {
            op: 'set',
            key: 'e2e',
            value: '1',
          });
        }),
    );
    assert.equal(stream.hello, 1);
    assert.ok(stream.events > 0);

    // No navigation away and no new windows.
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await sleep(300);
    assert.equal(page.url(), before);
    const opened = await page.evaluate(
      () => (globalThis as unknown as { open: (u: string) => unknown }).open('https://example.com/') === null,
    );
    assert.equal(opened, true);
    assert.equal(app.windows().length, 1);

    // Quitting stops every member.
    await app.close();
    const gone = Date.now() + 5000;
    while (pids.some(alive) && Date.now() < gone) await sleep(50);
    assert.deepEqual(pids.filter(alive), [], 'no member outlives the app');
  },
);
