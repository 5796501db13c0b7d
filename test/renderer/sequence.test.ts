// The message-sequence diagram's data: sends paired with receipts even when a receipt was recorded
// first, drops at either end, role and member marks, new terms, and cut links as spans of time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { firstIndexAt, sequenceOf } from '../../renderer/src/lib/sequence.ts';
import { faultEvent, stateEvent } from '../lib/cluster-events.ts';

const T0 = 1_800_000_000_000;
let seq = 0;

function msg(
  at: number,
  node: number,
  phase: 'sent' | 'received' | 'dropped',
  from: number,
  to: number,
  type = 'append',
  extra: { memberAt?: number; reason?: string; detail?: string; term?: number } = {},
): ClusterEvent {
  const base = {
    seq: ++seq,
    at: T0 + at,
    kind: 'message' as const,
    node,
    phase,
    type,
    from,
    to,
    term: extra.term ?? 2,
    detail: extra.detail ?? '1 entries',
    memberAt: T0 + (extra.memberAt ?? at),
  };
  return extra.reason === undefined ? base : { ...base, reason: extra.reason };
}

const state = (at: number, node: number, role: 'follower' | 'candidate' | 'leader', term: number): ClusterEvent =>
  stateEvent({ seq: ++seq, at: T0 + at, node, role, term });

const fault = (at: number, description: string, cuts: [number, number][]): ClusterEvent =>
  faultEvent(++seq, T0 + at, description, cuts);

const span = { startAt: T0 + 1000, endAt: T0 + 4000, heartbeats: true, members: [1, 2, 3] };

test('a send and its receipt become one arrow, even when the receipt was recorded first', () => {
  const events = [
    // Member 2 reported its receipt (at its 1504) before member 1 reported the send (at its 1500).
    msg(1510, 2, 'received', 1, 2, 'append', { memberAt: 1504 }),
    msg(1512, 1, 'sent', 1, 2, 'append', { memberAt: 1500 }),
    msg(1520, 2, 'sent', 2, 1, 'appendResp', { memberAt: 1515, detail: 'index 3, ok' }),
    msg(1522, 1, 'received', 2, 1, 'appendResp', { memberAt: 1517, detail: 'index 3, ok' }),
  ];
  const s = sequenceOf(events, Infinity, span);
  assert.deepEqual(
    s.arrows.map((a) => [a.from, a.to, a.type, a.sentAt - T0, a.endAt! - T0, a.outcome]),
    [
      [1, 2, 'append', 1500, 1504, 'received'],
      [2, 1, 'appendResp', 1515, 1517, 'received'],
    ],
  );
  assert.deepEqual(s.lanes, [1, 2, 3], 'the members asked for, even the silent one');
});

test('identical messages pair oldest first; one never seen to arrive stays unseen', () => {
  const events = [
    msg(1100, 1, 'sent', 1, 3, 'heartbeat', { detail: 'commit 4' }),
    msg(1150, 1, 'sent', 1, 3, 'heartbeat', { detail: 'commit 4' }),
    msg(1152, 3, 'received', 1, 3, 'heartbeat', { detail: 'commit 4' }),
  ];
  const s = sequenceOf(events, Infinity, span);
  assert.deepEqual(
    s.arrows.map((a) => [a.sentAt - T0, a.endAt === null ? null : a.endAt - T0, a.outcome]),
    [
      [1100, 1152, 'received'],
      [1150, null, 'unseen'],
    ],
  );
  assert.equal(sequenceOf(events, Infinity, { ...span, heartbeats: false }).arrows.length, 0, 'heartbeats hidden');
});

test('drops: by the sender on a cut link, and by the receiver; cut links as spans', () => {
  const events = [
    fault(1200, 'cut 1<->2', [
      [1, 2],
      [2, 1],
    ]),
    msg(1300, 1, 'dropped', 1, 2, 'heartbeat', { reason: 'link cut', detail: 'commit 4' }),
    msg(1400, 3, 'sent', 3, 2, 'vote', { detail: 'index 4' }),
    msg(1402, 2, 'dropped', 3, 2, 'vote', { reason: 'link cut', detail: 'index 4' }),
    fault(2500, 'heal', []),
    fault(3000, 'cut 2->3', [[2, 3]]),
  ];
  const s = sequenceOf(events, Infinity, span);
  assert.deepEqual(
    s.arrows.map((a) => [a.from, a.to, a.outcome, a.reason, a.endAt! - T0]),
    [
      [1, 2, 'dropped', 'link cut', 1300],
      [3, 2, 'dropped', 'link cut', 1402],
    ],
  );
  assert.deepEqual(
    s.cuts.map((c) => [c.from, c.to, c.startAt - T0, c.endAt - T0]),
    [
      [1, 2, 1200, 2500],
      [2, 1, 1200, 2500],
      [2, 3, 3000, 4000],
    ],
  );
});

test('a cut made before the window shows from its start; marks and terms within the window', () => {
  const events: ClusterEvent[] = [
    fault(100, 'cut 1<->3', [
      [1, 3],
      [3, 1],
    ]),
    state(1600, 2, 'leader', 1), // already leading before: the lead-in knows it
    state(2000, 3, 'candidate', 2),
    state(2010, 3, 'candidate', 2), // still a candidate: one mark
    state(2200, 3, 'leader', 2),
    { seq: ++seq, at: T0 + 2600, kind: 'member', node: 2, name: 'n2', status: 'crashed', pid: null },
    { seq: ++seq, at: T0 + 3100, kind: 'member', node: 2, name: 'n2', status: 'running', pid: 77 },
  ];
  const s = sequenceOf(events, Infinity, { ...span, startAt: T0 + 1800 });
  assert.deepEqual(
    s.cuts.map((c) => [c.from, c.to, c.startAt - T0, c.endAt - T0]),
    [
      [1, 3, 1800, 4000],
      [3, 1, 1800, 4000],
    ],
  );
  assert.deepEqual(
    s.marks.map((m) => [m.node, m.at - T0, m.kind === 'role' ? m.role : m.status]),
    [
      [3, 2000, 'candidate'],
      [3, 2200, 'leader'],
      [2, 2600, 'crashed'],
      [2, 3100, 'running'],
    ],
  );
  assert.deepEqual(
    s.terms.map((t) => [t.term, t.at - T0]),
    [[2, 2000]],
  );
  assert.deepEqual(
    s.down.map((d) => [d.node, d.status, d.startAt - T0, d.endAt - T0]),
    [[2, 'crashed', 2600, 3100]],
  );
});

test('a member down since before the window is drawn down from its start', () => {
  const events: ClusterEvent[] = [
    { seq: ++seq, at: T0 + 10, kind: 'member', node: 3, name: 'n3', status: 'crashed', pid: null },
    { seq: ++seq, at: T0 + 20, kind: 'member', node: 1, name: 'n1', status: 'paused', pid: 5 },
    { seq: ++seq, at: T0 + 3500, kind: 'member', node: 1, name: 'n1', status: 'running', pid: 5 },
  ];
  const s = sequenceOf(events, Infinity, span);
  assert.deepEqual(
    s.down.map((d) => [d.node, d.status, d.startAt - T0, d.endAt - T0]),
    [
      [1, 'paused', 1000, 3500],
      [3, 'crashed', 1000, 4000],
    ],
  );
});

test('looking back: only events up to the shown seq are drawn', () => {
  const events = [msg(1500, 1, 'sent', 1, 2), msg(1501, 2, 'received', 1, 2)];
  const s = sequenceOf(events, events[0]!.seq, span);
  assert.deepEqual(
    s.arrows.map((a) => a.outcome),
    ['unseen'],
  );
});

test('firstIndexAt finds the first event at or after a moment', () => {
  const events = [state(10, 1, 'follower', 1), state(20, 1, 'follower', 1), state(20, 2, 'follower', 1)];
  assert.equal(firstIndexAt(events, T0 + 20), 1);
  assert.equal(firstIndexAt(events, T0), 0);
  assert.equal(firstIndexAt(events, T0 + 21), 3);
});
