// When an entry is committed (Raft paper §5.3, §5.4.2 and Figure 8).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawNode } from '../../main/raft/rawnode.ts';
import type { Message } from '../../main/raft/types.ts';
import { Cluster, config, disk, log, lowest, voters } from './harness.ts';
import type { MessageOf } from './harness.ts';

function ack(from: number, index: number, term: number): MessageOf<'appendResp'> {
  return { type: 'appendResp', from, to: 1, term, index, reject: false, hintIndex: 0, hintTerm: 0 };
}

test('a leader commits an entry once it is stored on a majority of voters', () => {
  // Paper §5.3: "A log entry is committed once the leader that created the entry has replicated it on a majority".
  const c = new Cluster({ membership: voters(1, 2, 3, 4, 5) });
  c.elect(1);
  c.cut(1, 4);
  c.cut(1, 5);
  const index = c.propose(1, 'x'); // stored on 1, 2, 3: three of five
  assert.equal(c.status(1).commitIndex, index);
  assert.deepEqual(c.member(1).applied, ['x']);
});

test('a leader does not commit an entry stored on a minority', () => {
  // Paper §5.3: a majority is required.
  const c = new Cluster({ membership: voters(1, 2, 3, 4, 5) });
  c.elect(1);
  c.cut(1, 3);
  c.cut(1, 4);
  c.cut(1, 5);
  const index = c.propose(1, 'x'); // stored on 1 and 2 only
  assert.ok(c.status(1).commitIndex < index);
  assert.deepEqual(c.member(1).applied, []);
});

test('a leader never commits an entry of an earlier term by counting replicas (Figure 8)', () => {
  // Paper §5.4.2: "only log entries from the leader's current term are committed by counting replicas".
  const n = new RawNode(config(1), lowest, voters(1, 2, 3), disk(2, log(1, 2), null, 1));
  n.campaign();
  n.step({ type: 'voteResp', from: 2, to: 1, term: 3, granted: true });
  assert.equal(n.status().role, 'leader'); // its no-op is entry 3, of term 3
  n.advance(n.ready());
  n.step(ack(2, 2, 3)); // entry 2 (term 2) is now on two of three servers
  assert.equal(n.status().commitIndex, 1);
  n.step(ack(2, 3, 3)); // entry 3 (term 3) is on a majority: it commits, and entry 2 with it
  assert.equal(n.status().commitIndex, 3);
  assert.deepEqual(
    n.ready().committed.map((e) => [e.index, e.term]),
    [
      [2, 2],
      [3, 3],
    ],
  );
});

test('Figure 8: an earlier-term entry on a majority can still be overwritten, so it was right not to commit it', () => {
  // Paper §5.4.2, Figure 8 (c)-(d).
  const c = new Cluster({
    membership: voters(1, 2, 3, 4, 5),
    config: { maxEntriesPerAppend: 1 },
    disks: {
      1: disk(3, log(1, 2), null, 1),
      2: disk(3, log(1), null, 1),
      3: disk(3, log(1), null, 1),
      4: disk(3, log(1), null, 1),
      5: disk(3, log(1, 3), null, 1),
    },
  });
  // (c) S1 leads term 4 and copies its term-2 entry to S2 and S3; its own term-4 entry reaches nobody.
  c.cut(1, 4);
  c.cut(1, 5);
  const wouldStore = (m: Message): boolean =>
    m.type === 'append' &&
    m.entries.some((e) => e.term === 4) &&
    c.member(m.to).storage.term(m.prevIndex) === m.prevTerm;
  c.drop(wouldStore); // S1 crashes before its term-4 entry gets anywhere
  c.elect(1);
  assert.equal(c.status(1).term, 4);
  const match = (id: number): number | undefined => c.status(1).progress.find((p) => p.id === id)?.match;
  assert.deepEqual([match(1), match(2), match(3)], [3, 2, 2], 'S1 knows S2 and S3 store entry 2 of term 2');
  assert.equal(c.status(1).commitIndex, 1, 'entry 2 is on a majority, yet not committed');

  // (d) S1 crashes; S5 is elected (term 4 is taken, so it wins in term 5) and overwrites entry 2.
  c.stop(1);
  c.heal();
  c.node(5).campaign();
  c.stabilize();
  c.node(5).campaign();
  c.stabilize();
  assert.equal(c.leader(), 5);
  for (const id of [2, 3, 4, 5]) assert.equal(c.member(id).storage.term(2), 3, `S${id} now holds S5's entry 2`);
});

test('Figure 8 (e): once an entry of its own term is on a majority, the leader commits it and every earlier entry', () => {
  // Paper §5.4.2: "all prior entries are committed indirectly because of the Log Matching Property".
  const c = new Cluster({
    membership: voters(1, 2, 3, 4, 5),
    disks: {
      1: disk(3, log(1, 2), null, 1),
      2: disk(3, log(1, 2), null, 1),
      3: disk(3, log(1), null, 1),
      4: disk(3, log(1), null, 1),
      5: disk(3, log(1, 3), null, 1),
    },
  });
  c.cut(1, 4);
  c.cut(1, 5);
  c.elect(1);
  assert.equal(c.status(1).commitIndex, 3);
  c.stop(1);
  c.heal();
  c.node(5).campaign();
  c.stabilize();
  c.node(5).campaign();
  c.stabilize();
  assert.notEqual(c.status(5).role, 'leader', 'S5 can no longer win: a majority holds a newer log');
});
