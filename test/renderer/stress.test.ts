// The stress burst: never more than `concurrency` writes in flight, every write counted once, failures
// by status, live and final figures, and a cancel that starts nothing new.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StressRun } from '../../renderer/src/lib/stress.ts';

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('at most `concurrency` writes in flight; statuses and latencies counted', async () => {
  const c = clock();
  let inFlight = 0;
  let most = 0;
  const answers: (() => void)[] = [];
  const run = new StressRun({
    count: 10,
    concurrency: 3,
    now: c.now,
    write: (i) =>
      new Promise<number>((resolve) => {
        inFlight++;
        most = Math.max(most, inFlight);
        answers.push(() => {
          inFlight--;
          resolve(i === 4 ? 504 : i === 7 ? 503 : 200);
        });
      }),
  });
  const done = run.run();
  // Answer one write every 10 ms until all ten are done.
  while (!run.over) {
    await tick();
    c.advance(10);
    answers.shift()?.();
    await tick();
  }
  await done;
  assert.equal(most, 3);
  const f = run.figures();
  assert.equal(f.done, 10);
  assert.equal(f.ok, 8);
  assert.deepEqual(f.failures, [
    [503, 1],
    [504, 1],
  ]);
  assert.equal(f.p50, 30, 'each write waited for the two before it');
  assert.ok(f.perSecond > 0);
  assert.equal(f.perSecond, 8 / (f.elapsedMs / 1000), 'over: the average over the run');
});

test('cancel: writes in flight finish, none start; a thrown write counts as status 0', async () => {
  const c = clock();
  let started = 0;
  const run = new StressRun({
    count: 100,
    concurrency: 4,
    now: c.now,
    write: async (i) => {
      started++;
      await tick();
      c.advance(5);
      if (i === 1) throw new Error('the door is closed');
      return 200;
    },
  });
  const done = run.run();
  assert.equal(started, 4, 'four writes leave at once');
  run.cancel();
  await done;
  assert.equal(started, 4, 'and no more after the cancel');
  const f = run.figures();
  assert.equal(f.done, 4);
  assert.deepEqual(f.failures, [[0, 1]]);
  assert.equal(f.started, 4);
});

test('while running, the rate is over the last two seconds', async () => {
  const c = clock();
  const gates: (() => void)[] = [];
  const run = new StressRun({
    count: 5,
    concurrency: 5,
    now: c.now,
    write: () => new Promise<number>((r) => gates.push(() => r(200))),
  });
  const done = run.run();
  await tick();
  c.advance(100);
  gates[0]!();
  gates[1]!();
  await tick();
  c.advance(2500);
  gates[2]!();
  await tick();
  assert.equal(run.figures().perSecond, 0.5, 'the first two were answered more than two seconds ago');
  for (const g of gates.slice(3)) g();
  await done;
});
