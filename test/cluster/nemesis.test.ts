// A short nemesis run on a real cluster (npm run nemesis runs the long ones), and the proof that
// its verdict can fail: planted anomalies go through the same judgement and reporting path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Operation } from '../lib/linearizability.ts';
import { runNemesis, type NemesisRunOptions } from '../reliability/run.ts';
import { judge, type RunFacts } from '../reliability/verdict.ts';

const options: NemesisRunOptions = { seed: 1, seconds: 15, nodes: 5, clients: 5, keys: 3, outDir: 'test-artifacts' };

test('15 s of faults on a real cluster: the history is linearizable and every member holds the same state', async (t) => {
  mkdirSync('test-artifacts', { recursive: true });
  const report = await runNemesis(options);
  t.diagnostic(report.line);
  assert.deepEqual(report.problems, [], report.failureFile ?? '');
  // The run did real work, even on a loaded machine (a quiet one does ~500 requests and ~15 faults).
  assert.ok(report.requests > 30, `${report.requests} requests`);
  assert.ok(report.linearizability.opsChecked > 30);
  const faults = [...report.faults.values()].reduce((sum, c) => sum + c.done, 0);
  assert.ok(faults >= 3, `${faults} faults`);
});

const op = (client: string, input: Operation['input'], call: number, ret: number, output: Operation['output']) => ({
  client,
  input,
  call,
  ret,
  output,
});

/** A run that went well, except for what a test plants in it. */
function facts(planted: Partial<RunFacts>): RunFacts {
  const state = { applied: 9, digest: 'a'.repeat(64), keys: 1, decisions: 0 };
  return {
    options: { ...options, seed: 42 },
    durationMs: 15_000,
    history: [op('c1', { op: 'set', key: 'k1', value: 'c1.1' }, 0, 10, { op: 'set' })],
    requests: [],
    outcomes: { ok: 1, unknown: 0, 'not applied': 0, unexpected: 0 },
    schedule: [{ at: 5, action: 'crash leader', call: 'POST /api/nodes/1/crash', answer: '200 {"ok":true}' }],
    faults: new Map([['crash leader', { done: 1, refused: 0 }]]),
    nemesisUnexpected: [],
    states: [1, 2, 3].map((id) => ({ id, ...state })),
    convergence: null,
    violations: [],
    events: () => Promise.resolve([{ seq: 1, kind: 'fault', description: 'crash 1' }]),
    ...planted,
  };
}

test('the verdict has teeth: a stale read, or members holding different states, fail the run and leave a file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-verdict-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal((await judge(facts({}), dir)).ok, true);

  // c2 reads the value c1 overwrote before c2 even asked: a stale read.
  const stale = [
    op('c1', { op: 'set', key: 'k1', value: 'c1.1' }, 0, 10, { op: 'set' }),
    op('c1', { op: 'set', key: 'k1', value: 'c1.2' }, 20, 30, { op: 'set' }),
    op('c2', { op: 'get', key: 'k1' }, 40, 50, { op: 'get', value: 'c1.1' }),
  ];
  const report = await judge(facts({ history: stale }), dir);
  assert.equal(report.ok, false);
  assert.match(report.line, /FAILED/);
  assert.match(report.problems.join('\n'), /not linearizable:\nKey "k1"/);
  assert.match(report.problems.join('\n'), /it returned "c1\.1", but the value at that point is "c1\.2"/);
  const file = JSON.parse(readFileSync(report.failureFile!, 'utf8')) as Record<string, unknown>;
  assert.equal(file.seed, 42);
  assert.match(String(file.rerun), /--runs 1 --seed 42 --seconds 15/);
  assert.deepEqual(file.history, stale);
  assert.deepEqual(file.schedule, facts({}).schedule);
  assert.deepEqual(file.events, [{ seq: 1, kind: 'fault', description: 'crash 1' }]);

  const states = facts({}).states.map((s) => (s.id === 3 ? { ...s, digest: 'b'.repeat(64) } : s));
  const diverged = await judge(facts({ states }), null);
  assert.equal(diverged.ok, false);
  assert.match(
    diverged.problems.join('\n'),
    /members hold different applied states: .*member 3 applied 9 digest bbbbbbbbbbbb/,
  );
  assert.equal(diverged.failureFile, null);

  const unsafe = await judge(
    facts({ violations: [{ property: 'Election Safety', message: 'two leaders in term 3' }] }),
    null,
  );
  assert.match(unsafe.problems.join('\n'), /safety monitor: Election Safety: two leaders in term 3/);
});
