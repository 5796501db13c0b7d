// Keeping a stable leader in place (Raft dissertation §9.6 PreVote, §6.2 CheckQuorum, §4.2.3 leases),
// both switchable at runtime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './harness.ts';

/** Leader 1 keeps committing while node 3 is cut off and times out again and again; then 3 rejoins. */
function partitionAndRejoin(c: Cluster): void {
  c.elect(1);
  c.isolate(3);
  c.propose(1, 'while 3 was away'); // node 3's log is now behind
  c.tick(60, [3]); // several election timeouts alone
}

/** Tick only `id` until it is no longer leader (at most 1000 ticks); returns how many ticks that took. */
function ticksAsLeader(c: Cluster, id: number): number {
  let ticks = 0;
  while (c.status(id).role === 'leader' && ticks < 1000) {
    c.tick(1, [id]);
    ticks++;
  }
  return ticks;
}

test('PreVote: a rejoining partitioned node does not bump its term or disrupt the leader', () => {
  // Dissertation §9.6: a pre-candidate only increments its term once a majority says it could win.
  const c = new Cluster();
  for (const m of c.members.values()) m.node.setPreVote(true); // switched on at runtime
  partitionAndRejoin(c);
  assert.equal(c.status(3).term, 1, 'pre-votes carry a future term but nobody adopts it');
  assert.equal(c.status(3).role, 'precandidate');
  c.heal();
  c.tick(30);
  assert.deepEqual([c.leader(), c.status(1).term, c.status(3).term], [1, 1, 1]);
  assert.deepEqual(c.member(3).applied, ['while 3 was away']);
  assert.equal(c.status(1).preVote, true);
});

test('without PreVote the same rejoining node forces the leader to step down', () => {
  // Dissertation §9.6: the problem PreVote solves; paper §5.1 makes the leader adopt the higher term.
  const c = new Cluster({ config: { preVote: true } });
  for (const m of c.members.values()) m.node.setPreVote(false); // switched off at runtime
  partitionAndRejoin(c);
  const isolatedTerm = c.status(3).term;
  assert.ok(isolatedTerm > 1, 'alone, node 3 kept starting real elections');
  c.heal();
  c.tick(30);
  const stepDowns = c.member(1).readies.filter((rd) => rd.softState?.role === 'follower');
  assert.ok(stepDowns.length > 0, 'leader 1 was deposed');
  assert.ok(c.status(1).term > isolatedTerm);
  assert.notEqual(c.leader(), 3, "node 3's stale log still cannot win");
});

test('PreVote: an election starts with pre-votes, and a term is spent only once a majority would vote', () => {
  // Dissertation §9.6: the pre-vote phase uses the same up-to-date check as a real vote.
  const c = new Cluster({ config: { preVote: true } });
  c.node(1).campaign();
  c.handleReady(1);
  const first = c.queue.map((m) => m.type);
  assert.deepEqual(first, ['prevote', 'prevote']);
  assert.equal(c.status(1).term, 0, 'no term is spent on the pre-vote');
  c.stabilize();
  assert.deepEqual([c.leader(), c.status(1).term], [1, 1]);
});

test('CheckQuorum: a leader cut off from a majority steps down within two election timeouts', () => {
  // Dissertation §6.2: "a leader steps down if an election timeout elapses without a successful round of heartbeats to a majority".
  const c = new Cluster({ config: { checkQuorum: true } });
  c.elect(1);
  c.tick(40);
  assert.equal(c.leader(), 1, 'a leader in contact with its followers stays');
  c.isolate(1);
  assert.ok(ticksAsLeader(c, 1) <= 2 * 10);
  assert.equal(c.status(1).role, 'follower');
  assert.equal(c.status(1).term, 1, 'stepping down needs no new term');
});

test('without CheckQuorum an isolated leader stays leader indefinitely', () => {
  // Dissertation §6.2: the behaviour CheckQuorum changes.
  const c = new Cluster({ config: { checkQuorum: true } });
  for (const m of c.members.values()) m.node.setCheckQuorum(false); // switched off at runtime
  c.elect(1);
  c.isolate(1);
  c.tick(200, [1]);
  assert.equal(c.status(1).role, 'leader');
  assert.equal(c.status(1).checkQuorum, false);
});

test('CheckQuorum switched on at runtime makes an isolated leader step down', () => {
  // Dissertation §6.2.
  const c = new Cluster();
  c.elect(1);
  c.isolate(1);
  c.tick(100, [1]);
  assert.equal(c.status(1).role, 'leader');
  c.node(1).setCheckQuorum(true);
  assert.ok(ticksAsLeader(c, 1) <= 2 * 10);
  assert.equal(c.status(1).role, 'follower');
});

test('CheckQuorum lease: a follower that heard from its leader recently ignores a vote request of a higher term', () => {
  // Dissertation §4.2.3: "if a server receives a RequestVote request within the minimum election timeout of hearing from a current leader, it does not update its term or grant its vote".
  const c = new Cluster({ config: { checkQuorum: true } });
  c.elect(1);
  c.node(2).step({ type: 'vote', from: 3, to: 2, term: 9, lastIndex: 99, lastTerm: 9, transfer: false });
  assert.deepEqual([c.status(2).term, c.status(2).vote, c.status(2).leader], [1, 1, 1]);
  assert.equal(c.node(2).hasReady(), false, 'no answer at all');
});

test('a deposed leader learns the new term from a follower rejecting its stale append and steps down', () => {
  // Dissertation §9.6 / §6.2: with PreVote and CheckQuorum a stale leader may never see a vote request, so followers tell it.
  const c = new Cluster({ config: { preVote: true, checkQuorum: true } });
  c.elect(1);
  c.isolate(1);
  c.tick(30, [2, 3]);
  assert.equal(c.leader(), 2);
  c.node(1).setCheckQuorum(false); // keep 1 believing it leads until it hears the new term
  c.heal();
  c.node(1).propose(['stale']);
  c.stabilize();
  assert.deepEqual([c.status(1).role, c.status(1).term], ['follower', 2]);
});
