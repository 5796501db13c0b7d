// Log compaction and InstallSnapshot (Raft paper §7, Figures 12-13; dissertation §5).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, voters } from './harness.ts';

const commands = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

test('shouldSnapshot turns true once snapshotThreshold entries have been applied since the last snapshot', () => {
  // Paper §7: "servers take snapshots independently"; this engine's policy is a count of applied entries.
  const c = new Cluster({ config: { snapshotThreshold: 5 } });
  c.elect(1); // the no-op is entry 1
  c.propose(1, 'a', 'b', 'c');
  assert.equal(c.node(1).shouldSnapshot(), false, '4 applied entries');
  c.propose(1, 'd');
  assert.equal(c.node(1).shouldSnapshot(), true, '5 applied entries');
  c.compact(1);
  assert.equal(c.node(1).shouldSnapshot(), false);
  c.propose(1, 'e', 'f', 'g', 'h');
  assert.equal(c.node(1).shouldSnapshot(), false);
  c.propose(1, 'i');
  assert.equal(c.node(1).shouldSnapshot(), true);
});

test('compact replaces the applied prefix of the log by a snapshot: firstIndex moves past it', () => {
  // Paper §7 / Figure 12: the snapshot keeps the last included index and term, and the configuration.
  const c = new Cluster();
  c.elect(1);
  c.propose(1, ...commands);
  assert.equal(c.status(1).firstIndex, 1);
  const snapshot = c.compact(1);
  assert.deepEqual([snapshot.index, snapshot.term], [7, 1]);
  assert.deepEqual(snapshot.membership, voters(1, 2, 3));
  assert.deepEqual(JSON.parse(snapshot.data), commands);
  assert.deepEqual([c.status(1).firstIndex, c.status(1).lastIndex], [8, 7]);
});

test('a follower that needs compacted entries receives the snapshot, installs it, then replicates normally', () => {
  // Paper §7: "the leader must occasionally send snapshots to followers that lag behind" (InstallSnapshot, Figure 13).
  const c = new Cluster();
  c.elect(1);
  c.isolate(3);
  c.propose(1, ...commands);
  c.compact(1); // entries 1-7 exist only in the snapshot now
  c.heal();
  c.tick(10);

  const snapshots = c.sent.filter((m) => m.type === 'snapshot' && m.to === 3);
  assert.equal(snapshots.length, 1, 'the leader sent its snapshot instead of appends');
  const carried = c.member(3).readies.filter((rd) => rd.snapshot !== null);
  assert.deepEqual(
    carried.map((rd) => rd.snapshot?.index),
    [7],
    "node 3's Ready carried the snapshot to persist and install",
  );
  assert.deepEqual([c.status(3).firstIndex, c.status(3).commitIndex, c.status(3).appliedIndex], [8, 7, 7]);
  assert.deepEqual(c.member(3).applied, commands);

  c.propose(1, 'after');
  assert.equal(c.sent.filter((m) => m.type === 'snapshot').length, 1, 'no second snapshot');
  assert.deepEqual(c.member(3).applied, [...commands, 'after']);
  assert.equal(c.status(3).lastIndex, 8);
});

test('a server restarted from its snapshot and the log after it rejoins with its state intact', () => {
  // Paper §7: a snapshot replaces the prefix on stable storage; Figure 2's persistent state covers the rest.
  const c = new Cluster();
  c.elect(1);
  c.propose(1, ...commands);
  c.compact(1);
  c.propose(1, 'c7');
  c.restart(1);
  assert.deepEqual([c.status(1).firstIndex, c.status(1).lastIndex, c.status(1).term], [8, 8, 1]);
  c.tick(30);
  c.propose(c.leader() ?? 0, 'c8');
  assert.deepEqual(c.member(1).applied, [...commands, 'c7', 'c8']);
});
