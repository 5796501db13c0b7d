// The telemetry a member sends about each write of its log, and the supervisor's copy of that log
// (LogMirror) built from it: entries that arrive in the same Ready as a snapshot from the leader
// are reported after it, so the copy keeps them and the safety monitor sees the log the member has.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogMirror } from '../../main/cluster/log-mirror.ts';
import { logTelemetry } from '../../main/node/log-telemetry.ts';
import type { Telemetry } from '../../main/node/control-protocol.ts';
import type { Entry, Snapshot } from '../../main/raft/types.ts';

const entry = (index: number, term: number): Entry => ({ index, term, payload: { kind: 'noop' } });
const snapshot: Snapshot = { index: 416, term: 1, membership: { voters: [1, 2, 3], learners: [] }, data: '{}' };
const write = { at: 0, term: 2, leader: false, termAt: (i: number) => (i === 416 ? 1 : undefined), persistedLast: 300 };

/** What the supervisor does with a member's log telemetry (Supervisor.ingest). */
function replay(mirror: LogMirror, events: readonly Telemetry[]): void {
  for (const t of events) {
    if (t.k === 'append') mirror.append(t.entries);
    if (t.k === 'snapshot') mirror.snapshot(t.index, t.how === 'installed');
  }
}

test("a leader's snapshot and the entries after it, in one write: reported in that order, and kept", () => {
  const entries = [entry(417, 1), entry(418, 2)];
  const { events, persistedLast } = logTelemetry({ snapshot, entries }, write);
  assert.deepEqual(
    events.map((e) => e.k),
    ['snapshot', 'append'],
  );
  assert.deepEqual(events[1], { k: 'append', at: 0, term: 2, leader: false, prevTerm: 1, overwrote: null, entries });
  assert.equal(persistedLast, 418);
  const mirror = new LogMirror();
  mirror.load(0, 300, [[1, 1]]);
  replay(mirror, events);
  assert.equal(mirror.snapshotIndex, 416);
  assert.deepEqual([mirror.term(416), mirror.term(417), mirror.term(418)], [undefined, 1, 2]);
});

test('entries replacing a suffix say where the overwrite starts; a write without log changes says nothing', () => {
  const { events, persistedLast } = logTelemetry({ snapshot: null, entries: [entry(299, 2)] }, write);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.k === 'append' && events[0].overwrote, 299);
  assert.equal(persistedLast, 299);
  assert.deepEqual(logTelemetry({ snapshot: null, entries: [] }, write), { events: [], persistedLast: 300 });
});
