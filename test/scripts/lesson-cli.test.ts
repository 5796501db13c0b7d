// `npm run lesson` as an instructor runs it: a child process walking a lesson on a real cluster it
// starts itself, or on a running `npm run web` through the WebSocket API, in either language.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChild, startTestWeb, view, type Child } from '../server/helpers.ts';

async function finished(child: Child, ms: number): Promise<number | null> {
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), ms);
  const { code } = await child.exited;
  clearTimeout(timer);
  return code;
}

const lesson = (...args: string[]): Child => runChild(process.execPath, ['scripts/lesson.ts', ...args]);

test('walks a built-in lesson on its own real cluster, in Hindi, and exits 0', { timeout: 90_000 }, async () => {
  const child = lesson('chairman-falls-ill', '--auto', '--nodes', '3', '--lang', 'hi');
  const code = await finished(child, 80_000);
  assert.equal(code, 0, `stdout: ${child.stdout}\nstderr: ${child.stderr}`);
  assert.match(child.stdout, /चेयरमैन बीमार पड़ गए/);
  for (let i = 1; i <= 4; i++) assert.match(child.stdout, new RegExp(`-- step ${i} of 4 --`));
  assert.equal((child.stdout.match(/ {3}ok: reached in \d+\.\d s/g) ?? []).length, 4, 'every step reached');
  assert.match(child.stdout, /lesson complete\n$/);
});

test('a society the lesson cannot be prepared on: the reason is printed, exit 1', { timeout: 60_000 }, async () => {
  const child = lesson('monsoon-partition', '--auto', '--nodes', '3');
  const code = await finished(child, 50_000);
  assert.equal(code, 1, `stdout: ${child.stdout}\nstderr: ${child.stderr}`);
  assert.match(child.stdout, / {3}failed: this lesson needs a society of at least 5 voting members; this one has 3\n/);
  assert.match(child.stdout, /lesson not completed\n$/);
});

test(
  'drives a running npm run web through its API, and leaves the society as it found it',
  { timeout: 90_000 },
  async (t) => {
    const w = await startTestWeb(t, { nodes: 3 });
    const child = lesson('frozen-chairman', '--auto', '--url', w.url);
    const code = await finished(child, 80_000);
    assert.equal(code, 0, `stdout: ${child.stdout}\nstderr: ${child.stderr}`);
    assert.match(child.stdout, /The frozen chairman/);
    const after = await view(w);
    assert.ok(
      after.nodes.every((n) => n.status === 'running'),
      'every member running again',
    );
    assert.deepEqual(
      w.supervisor.events().filter((e) => e.kind === 'fault' && /^(freeze|thaw) /.test(e.description)).length,
      2,
      'the chairman was really frozen and thawed',
    );
    assert.deepEqual(w.supervisor.violations(), []);
  },
);

test('lists the lessons; refuses a lesson it cannot find or read, saying why', async () => {
  const list = lesson('--list');
  assert.equal(await finished(list, 20_000), 0);
  assert.equal(list.stdout.trim().split('\n').length, 9);
  assert.match(list.stdout, /^3 {2}monsoon-partition {2}The monsoon partition$/m);
  const missing = lesson('nope');
  assert.equal(await finished(missing, 20_000), 2);
  assert.match(
    missing.stderr,
    /no lesson "nope": give a lesson file, or one of 1 first-election, 2 chairman-falls-ill/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'rs-lesson-'));
  const file = join(dir, 'mine.json');
  writeFileSync(file, JSON.stringify({ format: 1, id: 'mine', title: { en: 'Mine' } }));
  const broken = lesson(file);
  assert.equal(await finished(broken, 20_000), 2);
  assert.match(broken.stderr, /mine\.json: title\.hi: /);
  rmSync(dir, { recursive: true, force: true });
  const lang = lesson('1', '--lang', 'fr');
  assert.equal(await finished(lang, 20_000), 2);
  assert.match(lang.stderr, /--lang must be one of en, hi, got "fr"/);
});
