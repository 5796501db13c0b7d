// Cluster membership changes, one server at a time (Raft dissertation §4.1-4.2, §4.2.1 learners).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, NodeId } from '../../main/raft/types.ts';
import { Cluster, voters } from './harness.ts';
import type { Member } from './harness.ts';

function votesAskedOf(c: Cluster): NodeId[] {
  return c.sent.filter((m) => m.type === 'vote' || m.type === 'prevote').map((m) => m.to);
}

test('a configuration takes effect as soon as its entry is in the log, before it commits', () => {
  // Dissertation §4.1: "a server always uses the latest configuration in its log, regardless of whether the entry is committed".
  const c = new Cluster();
  c.elect(1);
  c.isolate(1);
  const r = c.node(1).proposeMembership({ kind: 'addLearner', node: 4 });
  assert.ok(r.ok);
  assert.ok(c.status(1).commitIndex < r.index);
  assert.deepEqual(c.status(1).membership, { voters: [1, 2, 3], learners: [4] });
  assert.deepEqual(
    c
      .status(1)
      .progress.map((p) => p.id)
      .sort(),
    [1, 2, 3, 4],
    'the leader replicates to the learner at once',
  );
});

test('addLearner: a learner receives the whole log but never campaigns and is never asked to vote', () => {
  // Dissertation §4.2.1: new servers join as non-voting members until they have caught up.
  const c = new Cluster();
  c.elect(1);
  c.propose(1, 'before');
  c.add(4);
  assert.ok(c.node(1).proposeMembership({ kind: 'addLearner', node: 4 }).ok);
  c.stabilize();
  c.propose(1, 'after');
  assert.deepEqual(c.member(4).applied, ['before', 'after']);
  assert.deepEqual(c.status(4).membership, { voters: [1, 2, 3], learners: [4] });

  c.isolate(4);
  c.tick(100, [4]);
  assert.deepEqual([c.status(4).role, c.status(4).term], ['follower', 1], 'a learner never starts an election');
  c.heal();
  c.node(2).campaign();
  c.stabilize();
  assert.ok(!votesAskedOf(c).includes(4), 'nobody asks a learner for its vote');
});

test('learners do not count toward the commit majority', () => {
  // Dissertation §4.2.1: non-voting members are not considered for majorities.
  const c = new Cluster({ membership: { voters: [1, 2, 3], learners: [4, 5] } });
  c.elect(1);
  c.cut(1, 2);
  c.cut(1, 3);
  const index = c.propose(1, 'x');
  const match = (id: NodeId): number | undefined => c.status(1).progress.find((p) => p.id === id)?.match;
  assert.deepEqual([match(4), match(5)], [index, index], 'both learners store the entry');
  assert.ok(c.status(1).commitIndex < index, 'leader + two learners is not a majority of three voters');
  c.heal();
  c.tick(3); // the next heartbeat round reaches the voters
  assert.equal(c.status(1).commitIndex, index);
});

test('promoteLearner: a caught-up learner becomes a voter and can then win an election', () => {
  // Dissertation §4.2.1: once the new server has caught up, it is added as a voting member.
  const c = new Cluster();
  c.elect(1);
  c.add(4);
  c.node(1).proposeMembership({ kind: 'addLearner', node: 4 });
  c.stabilize();
  c.node(4).campaign();
  assert.equal(c.status(4).role, 'follower', 'a learner cannot campaign');
  assert.ok(c.node(1).proposeMembership({ kind: 'promoteLearner', node: 4 }).ok);
  c.stabilize();
  assert.deepEqual(c.status(4).membership, voters(1, 2, 3, 4));
  c.elect(4);
  assert.equal(c.status(4).term, 2);
});

test('addVoter: the new voter immediately counts in the majority', () => {
  // Dissertation §4.1: with four voters a majority is three.
  const c = new Cluster();
  c.elect(1);
  c.add(4);
  c.stop(4); // a new voter that is slow to come up
  const add = c.node(1).proposeMembership({ kind: 'addVoter', node: 4 });
  assert.ok(add.ok);
  c.stabilize();
  assert.equal(c.status(1).commitIndex, add.index, 'committed by 1, 2, 3 of {1, 2, 3, 4}');
  c.cut(1, 3);
  const index = c.propose(1, 'x');
  assert.ok(c.status(1).commitIndex < index, '1 and 2 are no longer a majority');
  c.restart(4);
  c.tick(3);
  assert.equal(c.status(1).commitIndex, index, 'node 4 caught up and completed the majority');
  assert.deepEqual(c.member(4).applied, ['x']);
});

test('one change at a time: a second change while one is uncommitted is refused with membershipPending', () => {
  // Dissertation §4.1: "the leader ... does not begin a new configuration change until the previous one has committed".
  const c = new Cluster();
  c.elect(1);
  c.isolate(1);
  assert.ok(c.node(1).proposeMembership({ kind: 'addLearner', node: 4 }).ok);
  assert.deepEqual(c.node(1).proposeMembership({ kind: 'addLearner', node: 5 }), {
    ok: false,
    reason: 'membershipPending',
    leader: 1,
  });
  c.heal();
  c.tick(3);
  assert.ok(c.node(1).proposeMembership({ kind: 'addLearner', node: 5 }).ok);
});

test('remove: a removed follower no longer receives the log', () => {
  // Dissertation §4.1: servers not in the latest configuration are no longer replicated to.
  const c = new Cluster();
  c.elect(1);
  assert.ok(c.node(1).proposeMembership({ kind: 'remove', node: 3 }).ok);
  c.stabilize();
  const sentBefore = c.sent.length;
  c.propose(1, 'x');
  assert.ok(c.sent.slice(sentBefore).every((m) => m.to !== 3));
  assert.deepEqual(c.member(2).applied, ['x']);
  assert.deepEqual(c.member(3).applied, []);
  assert.deepEqual(c.status(1).membership, voters(1, 2));
});

test('a removed leader steps down once the removal commits, and the others elect a new leader', () => {
  // Dissertation §4.2.2: the leader steps down when the configuration that excludes it is committed.
  const c = new Cluster();
  c.elect(1);
  const r = c.node(1).proposeMembership({ kind: 'remove', node: 1 });
  assert.ok(r.ok);
  assert.equal(c.status(1).role, 'leader', 'it keeps leading while the change is uncommitted');
  c.stabilize();
  assert.equal(c.status(1).role, 'follower');
  assert.equal(c.status(2).commitIndex, r.index, 'the followers learned that the removal committed');
  const readiesBefore = c.member(1).readies.length;
  c.tick(40);
  const leader = c.leader();
  assert.ok(leader === 2 || leader === 3, `new leader among the remaining voters, got ${leader}`);
  assert.ok(c.status(leader).term > 1);
  assert.ok(
    c
      .member(1)
      .readies.slice(readiesBefore)
      .every((rd) => rd.softState?.role !== 'candidate' && rd.softState?.role !== 'precandidate'),
    'the removed server never campaigns',
  );
  c.propose(leader, 'without 1');
  assert.deepEqual(c.member(leader === 2 ? 3 : 2).applied, ['without 1']);
});

test('invalid membership changes are refused with a reason', () => {
  // Dissertation §4.1: each change adds or removes exactly one server.
  const c = new Cluster({ membership: voters(1) });
  c.elect(1);
  const results = [
    c.node(1).proposeMembership({ kind: 'addVoter', node: 1 }), // already a voter
    c.node(1).proposeMembership({ kind: 'promoteLearner', node: 7 }), // not a learner
    c.node(1).proposeMembership({ kind: 'remove', node: 1 }), // the last voter
    c.node(1).proposeMembership({ kind: 'remove', node: 9 }), // not a member
  ];
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.reason)),
    ['invalid', 'invalid', 'invalid', 'invalid'],
  );
  assert.deepEqual(c.status(1).membership, voters(1));
});

// ---- the single-server change bug (raft-dev 2015) ----------------------------------------------

function committed(m: Member): Entry[] {
  return m.readies.flatMap((rd) => rd.committed);
}

test('a new leader appends no configuration entry before it has committed an entry of its own term', () => {
  // Dissertation §4.1 (errata, raft-dev 2015): the fix to the single-server change bug.
  const c = new Cluster();
  c.elect(1);
  c.propose(1, 'x'); // everything so far is committed everywhere
  c.drop((m) => m.type === 'appendResp'); // node 2's no-op will not commit
  c.elect(2);
  assert.ok(c.status(2).commitIndex < c.status(2).lastIndex);
  const r = c.node(2).proposeMembership({ kind: 'addLearner', node: 4 });
  assert.deepEqual(r.ok ? 'accepted' : r.reason, 'membershipPending');
});

test('single-server changes from two leaders never commit two different entries at one index', () => {
  // Dissertation §4.1: the raft-dev 2015 counterexample, C0 = {1,2,3,4}, C1 = C0 + 5, C2 = C0 - 1.
  const c = new Cluster({ membership: voters(1, 2, 3, 4) });
  c.add(5);
  c.elect(1);
  // Leader 1 adds voter 5; the entry reaches only node 5, then 1 crashes.
  c.cut(1, 2);
  c.cut(1, 3);
  c.cut(1, 4);
  assert.ok(c.node(1).proposeMembership({ kind: 'addVoter', node: 5 }).ok);
  c.stabilize();
  c.stop(1);
  c.heal();
  // Node 2 wins term 2 in C0 (votes 2, 3, 4); its no-op reaches only node 3, so it is not committed in C0...
  c.drop((m) => m.type === 'append' && m.to === 4);
  c.elect(2);
  // ...so it must refuse C2; the bug lets it append C2, which commits with 2 and 3 (a majority of C2).
  c.node(2).proposeMembership({ kind: 'remove', node: 1 });
  c.stabilize();
  // Node 1 restarts and wins term 3 in C1 with 1, 4, 5, then commits its own log.
  c.heal();
  c.restart(1);
  c.cut(1, 2);
  c.cut(1, 3);
  c.node(1).campaign();
  c.stabilize();
  c.node(1).campaign();
  c.stabilize();
  const byIndex = new Map<number, Set<number>>();
  for (const m of c.members.values()) {
    for (const e of committed(m)) byIndex.set(e.index, (byIndex.get(e.index) ?? new Set()).add(e.term));
  }
  for (const [index, terms] of byIndex)
    assert.equal(terms.size, 1, `index ${index} committed with terms ${[...terms].join(', ')}`);
});
