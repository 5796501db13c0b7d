// The member's tick clock: it sleeps until the engine's due tick, counts the ticks that went by from
// the wall clock (so a late timer is made up), leaves the due tick to the timer, and does not let
// a stall fire a timer before the messages that waited in the socket are read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TickClock } from '../../main/node/tick-clock.ts';

const FAR = 1000;

test('before a message: the ticks that went by, counted from the clock; none twice', () => {
  const clock = new TickClock(10, 0);
  assert.deepEqual(
    [9, 10, 10, 19.9, 35, 40].map((at) => clock.beforeMessage(at, FAR)),
    [0, 1, 0, 0, 2, 1],
  );
});

test('before a message the due tick is left to the timer, which runs it after the message', () => {
  const clock = new TickClock(10, 0);
  clock.schedule(0, 5);
  assert.equal(clock.beforeMessage(50.5, 5), 4, 'due at 50: not run while messages are read');
  assert.equal(clock.onTimer(50.7, 1), 1);
});

test('the timer is set for the due tick, counted from the last counted one, and not set twice', () => {
  const clock = new TickClock(10, 0);
  assert.equal(clock.beforeMessage(35, FAR), 3);
  assert.equal(clock.schedule(35, 5), 45, 'due 5 ticks after 30: at 80');
  assert.equal(clock.schedule(50, 5), null, 'the same moment: the timer already set stays');
  assert.equal(clock.schedule(50, 2), 0, 'due sooner (at 50): at once');
});

test('a timer on time runs the ticks up to the due one; one a period late makes up one more', () => {
  const onTime = new TickClock(10, 0);
  onTime.schedule(0, 5);
  assert.equal(onTime.onTimer(50.3, 5), 5);
  const late = new TickClock(10, 0);
  late.schedule(0, 5);
  assert.equal(late.onTimer(61, 5), 6);
});

test('a timer that fires early (a stale loop clock) runs the ticks short of the due one, then is set again', () => {
  const clock = new TickClock(10, 0);
  clock.schedule(0, 5);
  assert.equal(clock.onTimer(49.5, 5), 4);
  assert.equal(clock.schedule(49.5, 1), 0.5);
});

test('a stall (a frozen process) stops short of the due tick, which comes a period after waking', () => {
  const clock = new TickClock(10, 0);
  clock.schedule(0, 5);
  assert.equal(clock.onTimer(500, 5), 4, 'not the due tick: the messages in the socket come first');
  assert.equal(clock.schedule(500, 1), 10);
  assert.equal(clock.onTimer(510, 1), 1);
});

test('a stall that ends with a message (the loop stopped while polling) also stops short of the due tick', () => {
  const clock = new TickClock(10, 0);
  clock.schedule(0, 30);
  assert.equal(clock.beforeMessage(120, 30), 12);
  assert.equal(clock.schedule(120, 18), null, 'still due at 300');
  assert.equal(clock.beforeMessage(900, 18), 17, 'a message after a stall');
  assert.equal(clock.onTimer(901, 1), 0, 'then the overdue timer: nothing went by since');
  assert.equal(clock.schedule(901, 1), 10, 'the due tick a period later');
});

test('sub-millisecond periods (1 ms ticks in slow motion) count exactly', () => {
  const clock = new TickClock(0.5, 0);
  assert.deepEqual(
    [0.9, 1.5, 2].map((at) => clock.beforeMessage(at, FAR)),
    [1, 2, 1],
  );
});
