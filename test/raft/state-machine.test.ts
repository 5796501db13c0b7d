// The replicated state machine (Raft paper §5 "replicated state machines", dissertation §6.3 client
// sessions for exactly-once semantics): Harmony Heights' key-value store and minutes book.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocietyState } from '../../main/statemachine/society-state.ts';
import { encodeCommand } from '../../main/statemachine/commands.ts';
import type { Command, Operation } from '../../main/statemachine/commands.ts';
import type { Entry } from '../../main/raft/types.ts';

/** A state machine and a log to feed it, one committed entry at a time. */
function machine(): { sm: SocietyState; apply: (data: string) => ReturnType<SocietyState['apply']>['result'] } {
  const sm = new SocietyState();
  let index = 0;
  return {
    sm,
    apply: (data) => sm.apply({ index: ++index, term: 1, payload: { kind: 'command', data } }).result,
  };
}

function cmd(client: string, seq: number, op: Operation, ackedBelow = 1): string {
  const command: Command = { client, seq, ackedBelow, op };
  return encodeCommand(command);
}

const set = (key: string, value: string): Operation => ({ op: 'set', key, value });
const cas = (key: string, expected: string | null, value: string): Operation => ({ op: 'cas', key, expected, value });
const decide = (text: string): Operation => ({ op: 'decide', text });

// ---- the operations ---------------------------------------------------------------------------

test('set stores a value that get returns; an absent key reads as null', () => {
  // Paper §5: every server applies the same commands in the same order.
  const { sm, apply } = machine();
  assert.equal(sm.get('flat-101'), null);
  assert.deepEqual(apply(cmd('a', 1, set('flat-101', 'Mehta'))), { op: 'set', index: 1 });
  apply(cmd('a', 2, set('flat-101', 'Iyer')));
  assert.equal(sm.get('flat-101'), 'Iyer');
  assert.equal(sm.size(), 1);
});

test('cas succeeds only when the current value is the expected one', () => {
  // Compare-and-set: a deterministic conditional write.
  const { sm, apply } = machine();
  apply(cmd('a', 1, set('k', 'v1')));
  assert.deepEqual(apply(cmd('a', 2, cas('k', 'v1', 'v2'))), { op: 'cas', ok: true, value: 'v2', index: 2 });
  assert.deepEqual(apply(cmd('a', 3, cas('k', 'v1', 'v3'))), { op: 'cas', ok: false, value: 'v2', index: 3 });
  assert.equal(sm.get('k'), 'v2');
});

test('cas with expected null means "only if absent"', () => {
  // commands.ts: `expected: null` means "only if the key is absent".
  const { sm, apply } = machine();
  assert.deepEqual(apply(cmd('a', 1, cas('k', null, 'first'))), { op: 'cas', ok: true, value: 'first', index: 1 });
  assert.deepEqual(apply(cmd('a', 2, cas('k', null, 'second'))), { op: 'cas', ok: false, value: 'first', index: 2 });
  assert.equal(sm.get('k'), 'first');
});

test('decisions are numbered in the order they are committed', () => {
  // The minutes book is the order of the log.
  const { sm, apply } = machine();
  apply(cmd('a', 1, decide('Paint the building')));
  apply(cmd('b', 1, decide('Fix the lift')));
  assert.deepEqual(apply(cmd('a', 2, decide('Hire a guard'))), { op: 'decide', number: 3, index: 3 });
  assert.deepEqual(
    sm.decisions().map((d) => [d.number, d.text, d.index]),
    [
      [1, 'Paint the building', 1],
      [2, 'Fix the lift', 2],
      [3, 'Hire a guard', 3],
    ],
  );
});

test('no-op and membership entries change nothing and carry no answer', () => {
  // Paper §8: the leader's no-op is for commitment only.
  const sm = new SocietyState();
  const noop: Entry = { index: 1, term: 1, payload: { kind: 'noop' } };
  const change: Entry = {
    index: 2,
    term: 1,
    payload: {
      kind: 'membership',
      change: { kind: 'addLearner', node: 4 },
      membership: { voters: [1], learners: [4] },
    },
  };
  assert.deepEqual(sm.apply(noop), { command: null, result: null });
  assert.deepEqual(sm.apply(change), { command: null, result: null });
  assert.equal(sm.appliedIndex, 2);
  assert.throws(() => sm.apply(noop), RangeError, 'an entry is never applied twice');
});

// ---- client sessions --------------------------------------------------------------------------

test('a retried (client, seq) changes the state once and gets the same answer', () => {
  // Dissertation §6.3: "the state machine ... responds immediately without re-executing the request".
  const { sm, apply } = machine();
  const first = apply(cmd('alice', 1, decide('Approve painting')));
  const retry = apply(cmd('alice', 1, decide('Approve painting')));
  assert.deepEqual(retry, first);
  assert.equal(sm.decisions().length, 1);
  apply(cmd('bob', 1, set('k', 'bob')));
  const casFirst = apply(cmd('alice', 2, cas('k', 'bob', 'alice')));
  apply(cmd('bob', 2, set('k', 'bob again')));
  assert.deepEqual(
    apply(cmd('alice', 2, cas('k', 'bob', 'alice'))),
    casFirst,
    'not re-evaluated against the new value',
  );
  assert.equal(sm.get('k'), 'bob again');
});

test('ackedBelow lets the state machine forget old answers; a retry of a forgotten seq is rejected', () => {
  // Dissertation §6.3: the client says which responses it has received, so the server may discard them.
  const { sm, apply } = machine();
  apply(cmd('alice', 1, decide('One')));
  apply(cmd('alice', 2, decide('Two'), 2)); // alice has her answer to seq 1
  const retry = apply(cmd('alice', 1, decide('One')));
  assert.ok(retry?.op === 'rejected');
  assert.match(retry.error, /already answered and forgotten/);
  assert.equal(sm.decisions().length, 2, 'nothing was executed twice');
  assert.deepEqual(
    apply(cmd('alice', 2, decide('Two'), 2)),
    { op: 'decide', number: 2, index: 2 },
    'seq 2 is still remembered',
  );
});

test("a seq below the session's ackedBelow is rejected even if it was never seen", () => {
  // Dissertation §6.3: such a request can only be a stale duplicate.
  const { sm, apply } = machine();
  apply(cmd('alice', 5, set('k', 'v5'), 5));
  assert.equal(apply(cmd('alice', 3, set('k', 'v3'), 3))?.op, 'rejected');
  assert.equal(sm.get('k'), 'v5');
});

test('bad JSON and schema-invalid commands are answered "rejected" and change nothing', () => {
  // commands.ts: a value that fails the schema never changes any state (identically on every member).
  const { sm, apply } = machine();
  const before = sm.serialize();
  const bad = [
    'not json {',
    JSON.stringify({ client: 'a', seq: 1, ackedBelow: 1 }), // no op
    JSON.stringify({ client: 'a', seq: 1, ackedBelow: 2, op: set('k', 'v') }), // ackedBelow > seq
    JSON.stringify({ client: 'a', seq: 0, ackedBelow: 1, op: set('k', 'v') }), // seq must be positive
    JSON.stringify({ client: 'a', seq: 1, ackedBelow: 1, op: set('', 'v') }), // empty key
    JSON.stringify({ client: 'a', seq: 1, ackedBelow: 1, op: { op: 'delete', key: 'k' } }), // unknown op
    JSON.stringify({ client: 'a', seq: 1, ackedBelow: 1, op: set('k', 'v'), extra: true }), // strict
    JSON.stringify({ client: 'a', seq: 1, ackedBelow: 1, op: decide('   ') }), // blank decision
  ];
  for (const [i, data] of bad.entries()) {
    assert.deepEqual(apply(data)?.op, 'rejected', `case ${i}`);
  }
  const after = JSON.parse(sm.serialize()) as { applied: number };
  assert.equal(after.applied, bad.length, 'the entries were applied (as refusals)');
  assert.deepEqual(
    { ...after, applied: 0 },
    { ...(JSON.parse(before) as object), applied: 0 },
    'and nothing else changed',
  );
});

// ---- snapshots --------------------------------------------------------------------------------

test('serialize and restore round-trip the whole state, sessions included', () => {
  // Paper §7: a snapshot holds the state machine's complete state.
  const { sm, apply } = machine();
  apply(cmd('alice', 1, set('k', 'v')));
  const answer = apply(cmd('alice', 2, decide('Approve budget')));
  apply(cmd('bob', 1, cas('k', null, 'lost')));
  const copy = SocietyState.restore(sm.serialize(), sm.appliedIndex);
  assert.equal(copy.serialize(), sm.serialize());
  assert.equal(copy.appliedIndex, 3);
  assert.equal(copy.get('k'), 'v');
  assert.deepEqual(copy.decisions(), sm.decisions());
  const retry = copy.apply({
    index: 4,
    term: 1,
    payload: { kind: 'command', data: cmd('alice', 2, decide('Approve budget')) },
  });
  assert.deepEqual(retry.result, answer, 'a retry after restore still gets the remembered answer');
  assert.equal(copy.decisions().length, 1);
});

test('restoring a malformed snapshot image throws a clear error', () => {
  // Paper §7: a follower installs what the leader sent; garbage must fail loudly, not half-restore.
  assert.throws(() => SocietyState.restore('{"applied": 1,', 1), /snapshot image is not JSON/);
  assert.throws(() => SocietyState.restore(JSON.stringify({ applied: 1 }), 1), /snapshot image is malformed[^]*kv/);
  assert.throws(
    () => SocietyState.restore(JSON.stringify({ applied: -1, kv: [], decisions: [], sessions: [] }), -1),
    /applied/,
  );
  const image = new SocietyState().serialize();
  assert.throws(() => SocietyState.restore(image, 5), /holds state at index 0, the snapshot says 5/);
});
