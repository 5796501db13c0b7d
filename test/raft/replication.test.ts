// Log replication (Raft paper §5.3, Figure 2 AppendEntries) and the flow control etcd adds to it:
// fast backtracking, pipelining and batching.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawNode } from '../../main/raft/rawnode.ts';
import type { Entry, Message } from '../../main/raft/types.ts';
import { Cluster, config, disk, log, lowest, ofType, voters } from './harness.ts';
import type { MessageOf } from './harness.ts';

function append(
  prevIndex: number,
  prevTerm: number,
  entries: readonly Entry[],
  commit = 0,
  term = 3,
): MessageOf<'append'> {
  return { type: 'append', from: 2, to: 1, term, prevIndex, prevTerm, entries, commit };
}

function answers(n: RawNode): { index: number; reject: boolean }[] {
  return ofType(n.ready().messages, 'appendResp').map((m) => ({ index: m.index, reject: m.reject }));
}

/** A follower at term 3 holding the given log. */
function follower(entries: readonly Entry[]): RawNode {
  return new RawNode(config(1), lowest, voters(1, 2, 3), disk(3, entries));
}

const appendsTo = (to: number) => (m: Message) => m.type === 'append' && m.to === to;

test('a follower rejects an append whose prevIndex/prevTerm does not match its log', () => {
  // Paper Figure 2, AppendEntries receiver step 2: "reply false if log doesn't contain an entry at prevLogIndex whose term matches prevLogTerm".
  const n = follower(log(1, 1));
  n.step(append(2, 2, log(1, 1, 3).slice(2))); // wrong term at 2
  n.step(append(3, 1, [])); // no entry at 3
  n.step(append(2, 1, log(1, 1, 3).slice(2))); // matches
  assert.deepEqual(answers(n), [
    { index: 2, reject: true },
    { index: 3, reject: true },
    { index: 3, reject: false },
  ]);
  assert.equal(n.status().lastIndex, 3);
});

test('a follower deletes a conflicting entry and all that follow it, then appends the new ones', () => {
  // Paper Figure 2, AppendEntries receiver steps 3-4.
  const n = follower(log(1, 1, 1, 1));
  n.step(append(1, 1, log(1, 3).slice(1)));
  const rd = n.ready();
  assert.deepEqual(
    rd.entries.map((e) => [e.index, e.term]),
    [[2, 3]],
    'the Ready tells storage to overwrite from index 2',
  );
  assert.equal(n.status().lastIndex, 2);
});

test('a follower keeps entries after a stale append that matches its log', () => {
  // Paper Figure 2, receiver step 3: only a *conflicting* entry truncates the log.
  const n = follower(log(1, 1, 1));
  n.step(append(0, 0, log(1)));
  assert.equal(n.status().lastIndex, 3);
  assert.deepEqual(n.ready().entries, []);
});

test('a follower sets commitIndex to min(leaderCommit, index of last new entry)', () => {
  // Paper Figure 2, AppendEntries receiver step 5.
  const n = follower([]);
  n.step(append(0, 0, log(1, 1, 1), 10));
  assert.equal(n.status().commitIndex, 3);
  n.step(append(3, 1, [], 2));
  assert.equal(n.status().commitIndex, 3, 'commitIndex never goes back');
});

test('the leader replicates a proposal to every follower, which apply it in log order', () => {
  // Paper §5.3: the leader appends the command, issues AppendEntries in parallel, applies once committed.
  const c = new Cluster();
  c.elect(1);
  c.propose(1, 'a', 'b');
  c.propose(1, 'c');
  for (const id of [1, 2, 3]) assert.deepEqual(c.member(id).applied, ['a', 'b', 'c']);
  assert.deepEqual([c.status(2).commitIndex, c.status(3).commitIndex], [4, 4]);
});

test('the leader forces a follower with extraneous uncommitted entries to duplicate its own log', () => {
  // Paper §5.3 / Figure 7: "conflicting entries in follower logs will be overwritten with entries from the leader's log".
  const c = new Cluster({
    disks: { 1: disk(3, log(1, 1, 3)), 2: disk(3, log(1, 1, 2, 2, 2)), 3: disk(3, log(1, 1, 3)) },
  });
  c.elect(1);
  assert.deepEqual(
    c.member(2).storage.entries.map((e) => e.term),
    [1, 1, 3, 4],
    "node 2's term-2 entries are replaced by the leader's log and its new no-op",
  );
});

test('fast backtracking: a conflict hint lets the leader skip a whole conflicting term in one round trip', () => {
  // Paper §5.3 (the optimization at the end): the follower returns "the term of the conflicting entry and the first index it stores for that term".
  const leaderLog = log(1, 1, 1, 4, 4, 4, 4, 4);
  const c = new Cluster({
    disks: { 1: disk(4, leaderLog), 2: disk(3, log(1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3)), 3: disk(4, leaderLog) },
  });
  c.elect(1);
  const toTwo = c.sent.filter(appendsTo(2));
  const rejections = c.sent.filter((m) => m.type === 'appendResp' && m.from === 2 && m.reject);
  assert.equal(rejections.length, 1, 'one rejection, not one per conflicting entry (5 without the hint)');
  assert.deepEqual(
    ofType(toTwo, 'append')
      .slice(0, 2)
      .map((m) => m.prevIndex),
    [8, 3],
  );
  assert.deepEqual(
    c.member(2).storage.entries.map((e) => e.term),
    [1, 1, 1, 4, 4, 4, 4, 4, 5],
  );
});

test('fast backtracking: a follower with a short log sends the leader straight to its end', () => {
  // Paper §5.3: nextIndex need not be decremented one entry at a time.
  const long = log(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  const c = new Cluster({ disks: { 1: disk(1, long), 2: disk(1, log(1, 1)), 3: disk(1, long) } });
  c.elect(1);
  const rejections = c.sent.filter((m) => m.type === 'appendResp' && m.from === 2 && m.reject);
  assert.equal(rejections.length, 1, 'one rejection instead of eight');
  assert.equal(c.status(2).lastIndex, 11);
});

test('probe state: until a follower answers, the leader keeps at most one append outstanding to it', () => {
  // etcd flow control on top of paper §5.3: a new leader does not know a follower's log, so it probes.
  const c = new Cluster();
  c.node(1).campaign();
  c.drop((m) => m.type === 'appendResp'); // the followers never answer
  c.stabilize();
  c.node(1).propose(['a']);
  c.node(1).propose(['b']);
  c.node(1).propose(['c']);
  c.stabilize();
  assert.equal(c.sent.filter(appendsTo(2)).length, 1);
});

test('pipelining: in replicate state at most maxInflight appends are outstanding to one follower', () => {
  // etcd's pipelining of paper §5.3 replication: the leader sends without waiting, up to a bound.
  const c = new Cluster({ config: { maxInflight: 2, maxEntriesPerAppend: 1 } });
  c.elect(1); // followers are now known and in replicate state
  for (const cmd of ['a', 'b', 'c', 'd', 'e']) c.node(1).propose([cmd]);
  c.handleReady(1);
  assert.equal(c.queue.filter(appendsTo(2)).length, 2, 'two appends in flight before any answer');

  c.deliver((m) => m.to === 2);
  c.handleReady(2);
  c.deliver((m) => m.from === 2); // two acknowledgements free the window
  c.handleReady(1);
  assert.equal(c.queue.filter(appendsTo(2)).length, 2, 'the next two appends go out');

  c.stabilize();
  assert.deepEqual(c.member(2).applied, ['a', 'b', 'c', 'd', 'e']);
});

test('batching: one propose call with many commands travels in one append of up to maxEntriesPerAppend entries', () => {
  // Dissertation §10.2 (batching): many entries per AppendEntries amortise its cost.
  const commands = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10'];
  const wide = new Cluster({ config: { maxEntriesPerAppend: 64 } });
  wide.elect(1);
  wide.node(1).propose(commands);
  wide.handleReady(1);
  const one = ofType(wide.queue.filter(appendsTo(2)), 'append');
  assert.deepEqual(
    one.map((m) => m.entries.length),
    [10],
  );

  const narrow = new Cluster({ config: { maxEntriesPerAppend: 4 } });
  narrow.elect(1);
  const r = narrow.node(1).propose(commands);
  assert.deepEqual(r, { ok: true, index: 11, term: 1 });
  narrow.handleReady(1);
  const first = ofType(narrow.queue.filter(appendsTo(2)), 'append');
  assert.deepEqual(
    first.map((m) => m.entries.map((e) => e.index)),
    [[2, 3, 4, 5]],
  );
  narrow.stabilize();
  const sizes = ofType(narrow.sent.filter(appendsTo(2)), 'append')
    .map((m) => m.entries.length)
    .filter((n) => n > 0);
  assert.deepEqual(sizes.slice(1), [4, 4, 2], 'after the no-op: batches of at most four');
  assert.deepEqual(narrow.member(2).applied, commands);
});

test('batching is bounded by bytes too: large commands travel a few per append, an oversized one alone', () => {
  // etcd's MaxSizePerMsg: a transport refuses frames over its limit, and a refused append would be
  // resent forever, so no append may carry more than maxAppendBytes of payload (but at least one entry).
  const kib = 'x'.repeat(1024);
  const c = new Cluster({ config: { maxEntriesPerAppend: 64, maxAppendBytes: 2500 } });
  c.elect(1);
  c.node(1).propose([kib, kib, kib, kib, kib, 'y'.repeat(4000)]);
  c.handleReady(1);
  const first = ofType(c.queue.filter(appendsTo(2)), 'append');
  assert.deepEqual(
    first.map((m) => m.entries.length),
    [2],
    'two 1 KiB commands fit in 2500 bytes, a third does not',
  );
  c.stabilize();
  const sizes = ofType(c.sent.filter(appendsTo(2)), 'append').map((m) => m.entries.length);
  assert.ok(sizes.every((n) => n <= 2));
  assert.ok(sizes.includes(1), 'the 4000-byte command went alone');
  assert.equal(c.status(2).commitIndex, 7, 'every entry still got through');
});
