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

test('an early or repeated callback gives no tick', () => {
  const clock = new TickClock(10, 0);
  assert.equal(clock.ticks(9), 0);
  assert.equal(clock.ticks(10), 1);
  assert.equal(clock.ticks(10), 0);
  assert.equal(clock.ticks(19.9), 0);
  assert.equal(clock.ticks(20), 1);
});

test('a callback one period late makes up one tick', () => {
  const clock = new TickClock(10, 0);
  assert.equal(clock.ticks(21), 2);
  assert.equal(clock.ticks(30), 1);
});

test('a stall (a frozen process) is one tick, then time goes on from there', () => {
  const clock = new TickClock(10, 0);
  assert.equal(clock.ticks(95), 1);
  assert.equal(clock.ticks(104), 0);
  assert.equal(clock.ticks(105), 1);
});

test('sub-millisecond periods (slow motion divides, 1 ms ticks) count exactly', () => {
  const clock = new TickClock(0.5, 0);
  assert.equal(clock.ticks(0.9), 1);
  assert.equal(clock.ticks(1.5), 2);
  assert.equal(clock.ticks(2), 1);
});
