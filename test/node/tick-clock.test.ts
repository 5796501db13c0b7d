// The member's tick clock keeps engine time with the wall clock when timer callbacks come late,
// and does not turn a stall into a burst of ticks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TickClock } from '../../main/node/tick-clock.ts';

test('late callbacks are made up: 100 callbacks 1.2 periods apart give 120 ticks', () => {
  const clock = new TickClock(10, 0);
  let ticks = 0;
  for (let i = 1; i <= 100; i++) ticks += clock.ticks(i * 12);
  assert.equal(ticks, 120);
});

/** Callbacks at these times (ms) must give these ticks. */
function expectTicks(clock: TickClock, calls: readonly (readonly [number, number])[]): void {
  assert.deepEqual(
    calls.map(([at]) => [at, clock.ticks(at)]),
    calls,
  );
}

const cases: readonly { name: string; periodMs: number; calls: readonly (readonly [number, number])[] }[] = [
  {
    name: 'an early or repeated callback gives no tick',
    periodMs: 10,
    calls: [
      [9, 0],
      [10, 1],
      [10, 0],
      [19.9, 0],
      [20, 1],
    ],
  },
  {
    name: 'a callback one period late makes up one tick',
    periodMs: 10,
    calls: [
      [21, 2],
      [30, 1],
    ],
  },
  {
    name: 'a stall (a frozen process) is one tick, then time goes on from there',
    periodMs: 10,
    calls: [
      [95, 1],
      [104, 0],
      [105, 1],
    ],
  },
  {
    name: 'sub-millisecond periods (1 ms ticks in slow motion) count exactly',
    periodMs: 0.5,
    calls: [
      [0.9, 1],
      [1.5, 2],
      [2, 1],
    ],
  },
];

for (const c of cases) test(c.name, () => expectTicks(new TickClock(c.periodMs, 0), c.calls));
