// The charts' numbers come from the recorded events alone: elections and their durations, commits
// and writes per second, write latency, replication lag, and the same numbers for any moment looked
// back at.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEvent, MemberView } from '../../main/shared/contract.ts';
import { InsightsBuilder, InsightsTimeline } from '../../renderer/src/lib/insights.ts';
import { stateEvent } from '../lib/cluster-events.ts';

const T0 = 1_800_000_000_000; // a whole second
let seq = 0;

const state = (
  at: number,
  node: number,
  role: MemberView['role'],
  term: number,
  commit = 0,
  last = commit,
  progress: MemberView['progress'] = [],
): ClusterEvent => stateEvent({ seq: ++seq, at: T0 + at, node, role, term, commit, last, progress });

const client = (at: number, op: string, status: number, latencyMs: number): ClusterEvent => ({
  seq: ++seq,
  at: T0 + at,
  kind: 'client',
  op,
  status,
  latencyMs,
});

const match = (id: number, m: number): MemberView['progress'][number] => ({
  id,
  next: m + 1,
  match: m,
  state: 'replicate',
});

function build(events: readonly ClusterEvent[]): InsightsBuilder {
  const b = new InsightsBuilder();
  for (const e of events) b.add(e);
  return b;
}

test('an election lasts from the first member standing to the new chairman; x is seconds before now', () => {
  const b = build([
    state(200, 2, 'precandidate', 0),
    state(260, 3, 'candidate', 1),
    state(380, 3, 'leader', 1, 1),
    { seq: ++seq, at: T0 + 4000, kind: 'member', node: 3, name: 'n3', status: 'crashed', pid: null },
    state(4300, 1, 'candidate', 2),
    state(4471, 1, 'leader', 2, 2),
    state(5000, 1, 'leader', 2, 2),
  ]);
  const i = b.insights(60_000);
  assert.equal(i.endAt, T0 + 5000);
  assert.equal(i.leaderChanges, 2);
  assert.deepEqual(
    i.elections.map((e) => [e.leader, e.term, e.electionMs, e.x]),
    [
      [3, 1, 180, -4.62],
      [1, 2, 171, -0.529],
    ],
  );
  assert.deepEqual(
    b.insights(2000).elections.map((e) => e.leader),
    [1],
    'only the span',
  );
});

test('a member that stood and went back to its living chairman did not start an election', () => {
  const b = build([
    state(100, 1, 'candidate', 1),
    state(250, 1, 'leader', 1, 1),
    // A slow heartbeat: member 2 sounds out, then hears its chairman again.
    state(10_000, 2, 'precandidate', 1),
    state(10_050, 2, 'follower', 1),
    // Much later the chairman crashes and member 3 is elected 300 ms after it stood.
    { seq: ++seq, at: T0 + 50_000, kind: 'member', node: 1, name: 'n1', status: 'crashed', pid: null },
    state(50_200, 3, 'precandidate', 1),
    state(50_500, 3, 'leader', 2, 1),
  ]);
  assert.deepEqual(
    b.insights(60_000).elections.map((e) => [e.leader, e.electionMs]),
    [
      [1, 150],
      [3, 300],
    ],
  );
});

test('commits and writes per whole second, write latency percentiles, failures apart', () => {
  const events = [state(100, 1, 'leader', 1, 1)];
  // Second 1: 10 writes answered in 1..10 ms and a read; commit 1 -> 11.
  for (let i = 1; i <= 10; i++) events.push(client(1000 + i * 50, 'set', 200, i));
  events.push(client(1700, 'get', 200, 900));
  events.push(state(1900, 1, 'leader', 1, 11));
  // Second 2: two writes time out (504, 503), one cas answered 409 in 30 ms; no commits.
  events.push(client(2100, 'set', 504, 5000), client(2200, 'decide', 503, 5000), client(2300, 'cas', 409, 30));
  // Second 3 is quiet; the clock reaches second 4 (partial, not shown).
  events.push(state(4200, 1, 'leader', 1, 11));
  const i = build(events).insights(60_000);
  const ys = (points: readonly { y: number | null }[]) => points.map((p) => p.y);
  assert.deepEqual(
    i.commitsPerSecond.map((p) => p.x),
    [-3.2, -2.2, -1.2, -0.2],
    'whole seconds, at their ends',
  );
  assert.deepEqual(ys(i.commitsPerSecond), [0, 10, 0, 0]);
  assert.deepEqual(ys(i.writesPerSecond), [0, 10, 1, 0]);
  assert.deepEqual(ys(i.failuresPerSecond), [0, 0, 2, 0]);
  assert.deepEqual(ys(i.latencyP50), [null, 6, 30, null]);
  assert.deepEqual(ys(i.latencyP99), [null, 10, 30, null]);
});

test('replication lag per member: the chairman last index minus their match; none without a chairman', () => {
  const b = build([
    state(100, 1, 'leader', 1, 5, 8, [match(1, 8), match(2, 8), match(3, 2)]),
    state(1100, 1, 'leader', 1, 8, 9, [match(1, 9), match(2, 9), match(3, 9)]),
    { seq: ++seq, at: T0 + 2100, kind: 'member', node: 1, name: 'n1', status: 'crashed', pid: null },
    state(3100, 2, 'candidate', 2, 8, 9),
  ]);
  const lag = b.insights(60_000).lag;
  assert.deepEqual([...lag.keys()], [2, 3], 'not the chairman itself');
  assert.deepEqual(
    lag.get(3)!.map((p) => p.y),
    [6, 0, null],
  );
  assert.deepEqual(
    lag.get(2)!.map((p) => p.y),
    [0, 0, null],
  );
});

test('looking back: the numbers at an earlier seq are those the live view showed then', () => {
  const events: ClusterEvent[] = [state(100, 1, 'leader', 1, 1)];
  for (let s = 1; s <= 6; s++) {
    events.push(client(s * 1000 + 10, 'set', 200, s));
    events.push(state(s * 1000 + 20, 1, 'leader', 1, 1 + s));
  }
  const shownAt = (cut: number): InsightsBuilder => build(events.filter((e) => e.seq <= cut));
  const timeline = new InsightsTimeline();
  const last = events.at(-1)!.seq;
  const [early, later] = [events[3]!.seq, events[9]!.seq];
  // Live, then looking back, forward (continued), back again (afresh), and live once more.
  for (const cut of [last, later, early, later, last, early, last]) {
    assert.deepEqual(timeline.at(events, cut).insights(60_000), shownAt(cut).insights(60_000), `at seq ${cut}`);
  }
  assert.notDeepEqual(shownAt(early).insights(60_000), shownAt(last).insights(60_000));
});
