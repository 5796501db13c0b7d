// The safety monitor's evidence: how many checks of each of Figure 3's properties passed and which
// reports they rest on, and, when members report something Raft forbids (planted here, as a buggy
// or amnesiac member would), the violation names the reports that contradict each other.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entry } from '../../main/raft/types.ts';
import { SafetyMonitor, type LogView } from '../../main/safety/monitor.ts';
import { properties } from '../../main/shared/contract.ts';
import { SimCluster } from './sim-cluster.ts';
import { waitForLeader, writeCommitted } from './scenario-helpers.ts';

const noop = (index: number, term: number): Entry => ({ index, term, payload: { kind: 'noop' } });
const command = (index: number, term: number, data: string): Entry => ({
  index,
  term,
  payload: { kind: 'command', data },
});

/** A log holding exactly these entries, no snapshot. */
const logOf = (...entries: Entry[]): LogView => ({
  snapshotIndex: 0,
  term: (i) => entries.find((e) => e.index === i)?.term,
});

const byProperty = (m: SafetyMonitor) => new Map(m.report().properties.map((p) => [p.property, p]));

test('a healthy term: every property counts its checks and shows the reports it rests on', () => {
  const m = new SafetyMonitor((e) => (e.payload.kind === 'command' ? `set ${e.payload.data}` : e.payload.kind));
  // Term 1: members 2 and 3 vote for 1 (events 1 and 2), 1 is elected (3) and writes its no-op and
  // a command (4); the others copy them (5, 6) and all three apply both (7-12).
  const entries = [noop(1, 1), command(2, 1, 'x=1')];
  m.voteGranted(2, 1, 1, 1);
  m.voteGranted(3, 1, 1, 2);
  m.leaderElected(1, 1, logOf(), 3);
  m.appended(1, true, 1, entries, undefined, null, 4);
  m.appended(2, false, 1, entries, undefined, null, 5);
  m.appended(3, false, 1, entries, undefined, null, 6);
  let seq = 7;
  for (const node of [1, 2, 3]) for (const e of entries) m.applied(node, e, seq++);

  const r = byProperty(m);
  assert.deepEqual(
    properties.map((p) => [p, r.get(p)!.checks, r.get(p)!.violations]),
    [
      ['Election Safety', 3, 0], // two votes, each the voter's only one in term 1, and one leader
      ['Leader Append-Only', 1, 0],
      ['Log Matching', 4, 0], // two entries, each found identical on two more members
      ['Leader Completeness', 1, 0],
      ['State Machine Safety', 4, 0],
    ],
  );
  assert.deepEqual(r.get('Election Safety')!.evidence, [
    { kind: 'oneLeader', term: 1, leader: 1, voters: [2, 3], seqs: [1, 2, 3] },
  ]);
  assert.deepEqual(r.get('Leader Append-Only')!.evidence, [
    { kind: 'appendOnly', term: 1, leader: 1, from: 1, to: 2, seqs: [4] },
  ]);
  assert.deepEqual(r.get('Log Matching')!.evidence, [
    { kind: 'sameEntry', index: 2, term: 1, content: 'set x=1', members: [1, 2, 3], seqs: [4, 6] },
    { kind: 'sameEntry', index: 1, term: 1, content: 'noop', members: [1, 2, 3], seqs: [4, 6] },
  ]);
  assert.deepEqual(r.get('Leader Completeness')!.evidence, [
    { kind: 'complete', term: 1, leader: 1, committed: 0, seqs: [3] },
  ]);
  assert.deepEqual(r.get('State Machine Safety')!.evidence, [
    { kind: 'sameApplied', index: 2, term: 1, content: 'set x=1', members: [1, 2, 3], seqs: [8, 12] },
    { kind: 'sameApplied', index: 1, term: 1, content: 'noop', members: [1, 2, 3], seqs: [7, 11] },
  ]);
  assert.deepEqual(m.report().violations, []);

  // The next leader must hold both committed entries: it does, and the evidence says how many.
  m.leaderElected(2, 2, logOf(...entries), 13);
  assert.deepEqual(byProperty(m).get('Leader Completeness')!.evidence[0], {
    kind: 'complete',
    term: 2,
    leader: 2,
    committed: 2,
    seqs: [13],
  });
});

test('evidence keeps the three most recent checks, newest first', () => {
  const m = new SafetyMonitor();
  for (let term = 1; term <= 5; term++) m.leaderElected(term, term, logOf(), term * 10);
  assert.deepEqual(
    byProperty(m)
      .get('Election Safety')!
      .evidence.map((e) => (e.kind === 'oneLeader' ? [e.term, e.leader] : null)),
    [
      [5, 5],
      [4, 4],
      [3, 3],
    ],
  );
  assert.equal(byProperty(m).get('Election Safety')!.checks, 5);
});

test('a planted inconsistent report: two members hold different entries at index 2 of term 1', () => {
  const m = new SafetyMonitor();
  m.appended(1, true, 1, [noop(1, 1), command(2, 1, 'paint=blue')], undefined, null, 40);
  const changes = m.changes;
  m.appended(2, false, 1, [noop(1, 1), command(2, 1, 'paint=green')], undefined, null, 57);
  assert.ok(m.changes > changes, 'the report changed');
  const [v, ...more] = m.report().violations;
  assert.equal(more.length, 0);
  assert.equal(v!.property, 'Log Matching');
  assert.match(v!.message, /entry 2 of term 1 differs between members/);
  assert.deepEqual(v!.causes, [
    { act: 'wrote', seq: 40, node: 1, term: 1, index: 2, content: 'c:paint=blue' },
    { act: 'wrote', seq: 57, node: 2, term: 1, index: 2, content: 'c:paint=green' },
  ]);
  const r = byProperty(m);
  assert.equal(r.get('Log Matching')!.violations, 1);
  assert.equal(r.get('Log Matching')!.checks, 1, 'the no-op at index 1 still matched');
});

test('a member that forgot its vote: Election Safety names both ballots', () => {
  const m = new SafetyMonitor();
  m.voteGranted(3, 4, 1, 100);
  m.voteGranted(3, 4, 1, 101); // the same vote again (a retry) is fine
  m.voteGranted(3, 4, 2, 130);
  assert.deepEqual(m.report().violations, [
    {
      property: 'Election Safety',
      message: 'n3 voted for both n1 and n2 in term 4: a vote was not kept',
      causes: [
        { act: 'voted', seq: 100, node: 3, term: 4, candidate: 1 },
        { act: 'voted', seq: 130, node: 3, term: 4, candidate: 2 },
      ],
    },
  ]);
  assert.equal(byProperty(m).get('Election Safety')!.checks, 2);
});

test('two leaders in one term, and a leader without a committed entry', () => {
  const m = new SafetyMonitor();
  m.leaderElected(1, 1, logOf(), 5);
  m.applied(1, noop(1, 1), 9);
  m.leaderElected(2, 1, logOf(), 20);
  const [twoLeaders, incomplete] = m.report().violations;
  assert.equal(twoLeaders!.property, 'Election Safety');
  assert.deepEqual(twoLeaders!.causes, [
    { act: 'elected', seq: 5, node: 1, term: 1 },
    { act: 'elected', seq: 20, node: 2, term: 1 },
  ]);
  assert.equal(incomplete!.property, 'Leader Completeness');
  assert.deepEqual(incomplete!.causes, [
    { act: 'applied', seq: 9, node: 1, term: 1, index: 1, content: 'noop' },
    { act: 'elected', seq: 20, node: 2, term: 1 },
  ]);
});

test('a leader that overwrites its own log, and two members applying different commands', () => {
  const m = new SafetyMonitor();
  m.appended(1, true, 3, [command(5, 3, 'a')], 2, 5, 70);
  m.applied(1, command(6, 3, 'a'), 80);
  m.applied(2, command(6, 3, 'b'), 81);
  assert.deepEqual(
    m.report().violations.map((v) => [v.property, v.causes.map((c) => [c.act, c.seq, c.node])]),
    [
      ['Leader Append-Only', [['overwrote', 70, 1]]],
      [
        'State Machine Safety',
        [
          ['applied', 80, 1],
          ['applied', 81, 2],
        ],
      ],
    ],
  );
});

test('in the simulator every property is checked many times over, and none is broken', () => {
  const sim = new SimCluster({ nodes: 5, seed: 7 });
  const leader = waitForLeader(sim, 2000).id;
  for (let i = 0; i < 20; i++) writeCommitted(sim, leader, `k${i}`, `v${i}`);
  sim.crash(leader);
  const next = waitForLeader(sim, 3000, leader).id;
  for (let i = 0; i < 5; i++) writeCommitted(sim, next, `after${i}`, 'x');
  const r = sim.monitor.report();
  assert.deepEqual(r.violations, []);
  for (const p of r.properties) {
    assert.ok(p.checks > 0, `${p.property} was checked`);
    assert.ok(p.evidence.length > 0, `${p.property} has evidence`);
    for (const e of p.evidence) assert.deepEqual(e.seqs, [], 'the simulator has no event stream');
  }
  const smSafety = r.properties.find((p) => p.property === 'State Machine Safety')!;
  assert.ok(smSafety.checks >= 4 * 25, 'each write applied identically on the other members');
});
