// The safety monitor judges what members report, and reports from different processes arrive in
// any order: a late report must not look like a broken property, and a real break must still show.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetyMonitor, type LogView } from '../../main/safety/monitor.ts';
import type { Entry } from '../../main/raft/types.ts';

const entry = (index: number, term: number): Entry => ({ index, term, payload: { kind: 'noop' } });
const logOf = (...terms: number[]): LogView => ({ snapshotIndex: 0, term: (i) => terms[i - 1] });

test("a leader's election reported after a later term's commit is not a Leader Completeness violation", () => {
  const m = new SafetyMonitor();
  // Term 136 committed entry 3 while the report that n4 led term 135 was still on its way.
  m.applied(1, entry(1, 130));
  m.applied(1, entry(2, 130));
  m.applied(1, entry(3, 136));
  m.leaderElected(4, 135, logOf(130, 130));
  assert.deepEqual(m.violations, []);
});

test('a leader without an entry committed in an earlier term is a Leader Completeness violation', () => {
  const m = new SafetyMonitor();
  m.applied(1, entry(1, 2));
  m.applied(1, entry(2, 3));
  m.leaderElected(4, 5, logOf(2));
  assert.equal(m.violations.length, 1);
  assert.equal(m.violations[0]!.property, 'Leader Completeness');
  assert.match(m.violations[0]!.message, /without committed entry 2 \(term 3\)/);
});
