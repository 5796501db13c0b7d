// Leadership transfer (Raft dissertation §3.10).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './harness.ts';

test('transferLeadership to an up-to-date follower sends TimeoutNow at once, and the target wins the next term', () => {
  // Dissertation §3.10: "the prior leader sends a TimeoutNow request to the target server".
  const c = new Cluster();
  c.elect(1);
  assert.ok(c.node(1).transferLeadership(2).ok);
  c.handleReady(1);
  assert.deepEqual(
    c.queue.map((m) => [m.type, m.to]),
    [['timeoutNow', 2]],
  );
  c.stabilize();
  assert.deepEqual([c.leader(), c.status(2).term, c.status(1).role], [2, 2, 'follower']);
});

test('a lagging transfer target is first brought up to date, then sent TimeoutNow', () => {
  // Dissertation §3.10 step 2: "the prior leader ... transfers its log entries to the target server".
  const c = new Cluster();
  c.elect(1);
  c.cut(1, 3);
  const last = c.propose(1, 'x', 'y');
  c.heal();
  assert.ok(c.node(1).transferLeadership(3).ok);
  c.handleReady(1);
  assert.ok(!c.queue.some((m) => m.type === 'timeoutNow'), 'not while node 3 lacks entries');
  c.stabilize();
  const timeoutNow = c.sent.findIndex((m) => m.type === 'timeoutNow');
  const caughtUp = c.sent.findIndex((m) => m.type === 'appendResp' && m.from === 3 && !m.reject && m.index === last);
  assert.ok(caughtUp >= 0 && caughtUp < timeoutNow);
  assert.equal(c.leader(), 3);
  assert.deepEqual(c.member(3).applied, ['x', 'y']);
});

test('proposals are refused with "transferring" while a transfer is in flight, until it times out', () => {
  // Dissertation §3.10: "the prior leader stops accepting client requests" during the transfer.
  const c = new Cluster();
  c.elect(1);
  c.cut(1, 3); // the target never catches up
  c.propose(1, 'x');
  assert.ok(c.node(1).transferLeadership(3).ok);
  assert.deepEqual(c.node(1).propose(['y']), { ok: false, reason: 'transferring', leader: 1 });
  assert.deepEqual(c.node(1).proposeMembership({ kind: 'addLearner', node: 4 }), {
    ok: false,
    reason: 'transferring',
    leader: 1,
  });
  c.tick(10, [1]); // one election timeout: "the prior leader aborts the transfer and resumes accepting client requests"
  assert.equal(c.status(1).role, 'leader');
  assert.ok(c.node(1).propose(['y']).ok);
});

test("the TimeoutNow election skips PreVote and is not blocked by the followers' leader lease", () => {
  // Dissertation §3.10 / §4.2.3: a transfer's RequestVote says so, and voters disregard their lease for it.
  const c = new Cluster({ config: { preVote: true, checkQuorum: true } });
  c.elect(1);
  const before = c.sent.length;
  c.node(1).transferLeadership(2);
  c.stabilize();
  const requests = c.sent.slice(before).filter((m) => m.type === 'vote' || m.type === 'prevote');
  assert.deepEqual(
    requests.map((m) => [m.type, m.type === 'vote' && m.transfer]),
    [
      ['vote', true],
      ['vote', true],
    ],
  );
  assert.deepEqual([c.leader(), c.status(2).term], [2, 2]);
});

test('a transfer to a server that is not a voter is refused', () => {
  // Dissertation §3.10: only a server that could win an election can take over.
  const c = new Cluster({ membership: { voters: [1, 2, 3], learners: [4] } });
  c.elect(1);
  const r = c.node(1).transferLeadership(4);
  assert.equal(r.ok ? 'ok' : r.reason, 'invalid');
  assert.ok(c.node(1).propose(['still leading']).ok);
});
