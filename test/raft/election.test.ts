// Leader election, as the Raft paper states it (§5.1, §5.2, §5.4.1, Figure 2 RequestVote).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawNode } from '../../main/raft/rawnode.ts';
import type { Message, RandomInt } from '../../main/raft/types.ts';
import { Cluster, config, disk, empty, log, lowest, ofType, voters } from './harness.ts';
import type { MessageOf } from './harness.ts';

function voteRequest(from: number, to: number, term: number, lastIndex = 0, lastTerm = 0): MessageOf<'vote'> {
  return { type: 'vote', from, to, term, lastIndex, lastTerm, transfer: false };
}

function votesGranted(msgs: readonly Message[]): boolean[] {
  return ofType(msgs, 'voteResp').map((m) => m.granted);
}

test('the election timeout is drawn from the injected RNG within [electionTicksMin, electionTicksMax]', () => {
  // Paper §5.2: "election timeouts are chosen randomly from a fixed interval".
  const draws: [number, number][] = [];
  const rng: RandomInt = (min, max) => {
    draws.push([min, max]);
    return 13;
  };
  const n = new RawNode(config(1, { electionTicksMin: 10, electionTicksMax: 20 }), rng, voters(1, 2, 3), empty);
  assert.deepEqual(draws, [[10, 20]]);
  for (let i = 0; i < 12; i++) n.tick();
  assert.equal(n.status().role, 'follower', 'the drawn timeout (13) has not elapsed yet');
  n.tick();
  assert.equal(n.status().role, 'candidate');
  assert.ok(draws.length >= 2, 'a new timeout is drawn when the election starts');
  assert.ok(draws.every(([min, max]) => min === 10 && max === 20));
});

test('a follower that hears nothing for an election timeout becomes a candidate and votes for itself', () => {
  // Paper §5.2: increment currentTerm, vote for self, send RequestVote to all other servers.
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), disk(2, log(1, 2)));
  for (let i = 0; i < 10; i++) n.tick();
  const rd = n.ready();
  assert.deepEqual(rd.softState, { role: 'candidate', leader: null });
  assert.deepEqual(rd.hardState, { term: 3, vote: 1, commit: 0 });
  assert.deepEqual(
    ofType(rd.messages, 'vote').map((m) => [m.to, m.term, m.lastIndex, m.lastTerm]),
    [
      [2, 3, 2, 2],
      [3, 3, 2, 2],
    ],
  );
});

test('a candidate that gets no majority times out and starts a new election in the next term', () => {
  // Paper §5.2: on a split vote "each candidate will time out and start a new election".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), empty);
  n.campaign();
  n.advance(n.ready());
  for (let i = 0; i < 10; i++) n.tick();
  assert.equal(n.status().role, 'candidate');
  assert.equal(n.status().term, 2);
  assert.equal(n.status().vote, 1);
});

test('a candidate wins with votes from a majority (3 of 5) and then asserts leadership', () => {
  // Paper §5.2: "a candidate wins an election if it receives votes from a majority of the servers".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3, 4, 5), empty);
  n.campaign();
  n.advance(n.ready());
  n.step({ type: 'voteResp', from: 2, to: 1, term: 1, granted: true });
  assert.equal(n.status().role, 'candidate', 'two votes of five are not a majority');
  n.step({ type: 'voteResp', from: 3, to: 1, term: 1, granted: false });
  n.step({ type: 'voteResp', from: 4, to: 1, term: 1, granted: true });
  assert.equal(n.status().role, 'leader');
  const appends = ofType(n.ready().messages, 'append');
  assert.deepEqual(
    appends.map((m) => m.to),
    [2, 3, 4, 5],
    'the new leader sends AppendEntries to everyone at once',
  );
});

test('a candidate rejected by a majority returns to follower', () => {
  // Paper §5.2: the candidate loses; it waits for a leader or the next timeout.
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), empty);
  n.campaign();
  n.step({ type: 'voteResp', from: 2, to: 1, term: 1, granted: false });
  n.step({ type: 'voteResp', from: 3, to: 1, term: 1, granted: false });
  assert.equal(n.status().role, 'follower');
  assert.equal(n.status().term, 1);
});

test('each server votes for at most one candidate in a term, first come first served', () => {
  // Paper §5.2 / Figure 2 RequestVote receiver: grant only if votedFor is null or candidateId.
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), empty);
  n.step(voteRequest(2, 1, 1));
  n.step(voteRequest(3, 1, 1));
  n.step(voteRequest(2, 1, 1)); // a retry from the candidate it voted for
  assert.deepEqual(votesGranted(n.ready().messages), [true, false, true]);
  assert.equal(n.status().vote, 2);
});

test('the vote is handed out for persistence in the same Ready as the vote response', () => {
  // Paper Figure 2: persistent state is "updated on stable storage before responding to RPCs".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), empty);
  n.step(voteRequest(2, 1, 4));
  const rd = n.ready();
  assert.deepEqual(rd.hardState, { term: 4, vote: 2, commit: 0 });
  assert.deepEqual(ofType(rd.messages, 'voteResp'), [{ type: 'voteResp', from: 1, to: 2, term: 4, granted: true }]);
});

test('a restarted server remembers its vote and does not vote again in the same term', () => {
  // Paper Figure 2: votedFor is persistent state, so one vote per term survives a crash.
  const c = new Cluster();
  c.node(1).step(voteRequest(2, 1, 1));
  c.stabilize();
  c.restart(1);
  c.node(1).step(voteRequest(3, 1, 1));
  assert.deepEqual(votesGranted(c.node(1).ready().messages), [false]);
});

test('a voter rejects a candidate whose last entry has an older term, even if its log is longer', () => {
  // Paper §5.4.1: "If the logs have last entries with different terms, the later term is more up-to-date".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), disk(2, log(1, 2)));
  n.step(voteRequest(2, 1, 3, 5, 1)); // five entries, last of term 1
  n.step(voteRequest(3, 1, 3, 1, 3)); // one entry, of term 3
  assert.deepEqual(votesGranted(n.ready().messages), [false, true]);
});

test('a voter rejects a candidate whose log ends in the same term but is shorter', () => {
  // Paper §5.4.1: "If the logs end with the same term, then whichever log is longer is more up-to-date".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), disk(1, log(1, 1, 1)));
  n.step(voteRequest(2, 1, 2, 2, 1));
  n.step(voteRequest(3, 1, 2, 3, 1));
  assert.deepEqual(votesGranted(n.ready().messages), [false, true]);
});

test('a leader that sees a higher term steps down to follower and adopts the term', () => {
  // Paper §5.1: "If a candidate or leader discovers that its term is out of date, it immediately reverts to follower".
  const c = new Cluster();
  c.elect(1);
  c.node(1).step({ type: 'heartbeat', from: 2, to: 1, term: 7, commit: 0, readContext: 0 });
  assert.deepEqual([c.status(1).role, c.status(1).term, c.status(1).leader], ['follower', 7, 2]);
});

test('a leader steps down on a vote request of a higher term (without CheckQuorum)', () => {
  // Paper §5.1 / Figure 2 "All servers": if RPC request or response contains term T > currentTerm, convert to follower.
  const c = new Cluster();
  c.elect(1);
  c.node(1).step(voteRequest(3, 1, 5));
  assert.equal(c.status(1).role, 'follower');
  assert.equal(c.status(1).term, 5);
});

test('a candidate that receives AppendEntries from a leader of its term returns to follower', () => {
  // Paper §5.2: "If the leader's term is at least as large as the candidate's current term ... returns to follower state".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), empty);
  n.campaign();
  n.step({ type: 'append', from: 2, to: 1, term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
  assert.deepEqual([n.status().role, n.status().leader], ['follower', 2]);
});

test('a message with a stale term is ignored', () => {
  // Paper §5.1: "If a server receives a request with a stale term number, it rejects the request".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), disk(3, log(1)));
  n.step({
    type: 'append',
    from: 2,
    to: 1,
    term: 2,
    prevIndex: 1,
    prevTerm: 1,
    entries: log(1, 2).slice(1),
    commit: 2,
  });
  n.step(voteRequest(3, 1, 2, 9, 2));
  const s = n.status();
  assert.deepEqual([s.term, s.lastIndex, s.commitIndex, s.leader, s.vote], [3, 1, 0, null, null]);
});

test('a cluster driven only by ticks elects exactly one leader that everybody follows', () => {
  // Paper §5.2 Election Safety: at most one leader can be elected in a given term.
  const c = new Cluster({ membership: voters(1, 2, 3, 4, 5) });
  c.tick(25);
  const leader = c.leader();
  assert.notEqual(leader, null);
  const leaders = [...c.members.values()].filter((m) => m.node.status().role === 'leader');
  assert.equal(leaders.length, 1);
  for (const m of c.members.values()) assert.equal(m.node.status().leader, leader);
});
