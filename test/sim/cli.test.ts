// The command-line door of the simulation bed: `npm run sim` prints one summary line, exits non-zero
// on a violation, and then shows the failing seed's trace and how to replay it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('a clean run prints one summary line with its speed and exits 0', () => {
  const r = run('--seeds', '9', '--seed', '100');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sim: 9 schedules, 0 violations \(\d+(\.\d+)? schedules\/s/m);
});

test('a planted bug (votes forgotten on restart) is found, traced and made replayable', () => {
  const r = run('--seeds', '40', '--model', 'figure8', '--forget-vote', '--trace-lines', '20');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^sim: 40 schedules, [1-9]\d* violations/m);
  assert.match(r.stdout, /voted for both n\d and n\d in term \d+/);
  assert.match(r.stdout, /VIOLATION: /);
  const replay = /^replay: npm run sim -- (.*)$/m.exec(r.stdout);
  assert.ok(replay, 'prints a replay command');
  const again = run(...replay[1]!.split(' ').map((a) => (a === '100000' ? '5' : a)));
  assert.equal(again.status, 1, 'the replayed seed fails the same way');
  assert.match(again.stdout, /^sim: 1 schedules, 1 violations/m);
});

test('bad arguments get a clear error', () => {
  const r = run('--seeds', 'many');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--seeds must be a whole number/);
  const m = run('--model', 'earthquake');
  assert.equal(m.status, 2);
  assert.match(m.stderr, /--model must be one of/);
});
