// `npm start` (until the desktop app lands): the narrated Harmony Heights demo on the real engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/start.ts', import.meta.url));

for (const seed of ['2019', '7', '11']) {
  test(`the demo tells the whole story and every safety property holds (seed ${seed})`, () => {
    const r = spawnSync(process.execPath, [script, '--fast', '--seed', seed], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is elected chairman in term \d+/);
    assert.match(r.stdout, /Mohan \(Building C\) alone cannot decide anything/);
    assert.match(r.stdout, /becomes chairman in term \d+; no decision is lost/);
    assert.equal((r.stdout.match(/minutes book, decision \d+/g) ?? []).length >= 4, true, 'four decisions committed');
    assert.match(r.stdout, /all five Raft properties held/);
  });
}
