// Raft messages from member 2 to member 1 for the socket fuzzers: valid ones of every type to
// mutate (the snapshot carries a real state machine image), and a generator of messages made of
// small numbers, which reach the rules between fields and the engine behind them.

import fc from 'fast-check';
import type { Entry, Message, RaftConfig, Snapshot } from '../../main/raft/types.ts';
import { SocietyState } from '../../main/statemachine/society-state.ts';
import { nastyString } from './arbitraries.ts';

/** Member 1's engine in the tests that step it directly. */
export const engineConfig: RaftConfig = {
  id: 1,
  electionTicksMin: 10,
  electionTicksMax: 20,
  heartbeatTicks: 3,
  preVote: false,
  checkQuorum: false,
  maxInflight: 8,
  maxEntriesPerAppend: 64,
  maxAppendBytes: 1024 * 1024,
  snapshotThreshold: 1000,
};

/** Member 1's log in the engine tests: three entries of term 1, two of them committed. */
export const followerLog: Entry[] = [1, 2, 3].map((index) => ({
  index,
  term: 1,
  payload: { kind: 'command', data: `set flat-${index} owner=member-${index}` },
}));

function image(at: number): string {
  const sm = new SocietyState();
  for (let index = 1; index <= at; index++) sm.apply({ index, term: 1, payload: { kind: 'noop' } });
  return sm.serialize();
}

const snapshot: Snapshot = { index: 5, term: 1, membership: { voters: [1, 2, 3], learners: [] }, data: image(5) };

export const validMessages: readonly Message[] = [
  { type: 'vote', from: 2, to: 1, term: 2, lastIndex: 3, lastTerm: 1, transfer: false },
  { type: 'prevote', from: 2, to: 1, term: 2, lastIndex: 4, lastTerm: 1, transfer: false },
  { type: 'voteResp', from: 2, to: 1, term: 1, granted: true },
  { type: 'prevoteResp', from: 2, to: 1, term: 2, granted: false },
  {
    type: 'append',
    from: 2,
    to: 1,
    term: 1,
    prevIndex: 3,
    prevTerm: 1,
    entries: [
      {
        index: 4,
        term: 1,
        payload: { kind: 'command', data: '{"client":"c","seq":1,"ackedBelow":1,"op":{"op":"decide","text":"नई छत"}}' },
      },
      {
        index: 5,
        term: 1,
        payload: {
          kind: 'membership',
          change: { kind: 'addLearner', node: 4 },
          membership: { voters: [1, 2, 3], learners: [4] },
        },
      },
    ],
    commit: 3,
  },
  {
    type: 'append',
    from: 2,
    to: 1,
    term: 2,
    prevIndex: 2,
    prevTerm: 1,
    entries: [{ index: 3, term: 2, payload: { kind: 'noop' } }],
    commit: 2,
  },
  { type: 'appendResp', from: 2, to: 1, term: 1, index: 3, reject: true, hintIndex: 2, hintTerm: 1 },
  { type: 'heartbeat', from: 2, to: 1, term: 1, commit: 2, readContext: 0 },
  { type: 'heartbeatResp', from: 2, to: 1, term: 1, readContext: 7 },
  { type: 'snapshot', from: 2, to: 1, term: 2, snapshot },
  { type: 'timeoutNow', from: 2, to: 1, term: 1 },
];

/** The first valid message of a type. */
export function sample<T extends Message['type']>(type: T): Message & { readonly type: T } {
  const m = validMessages.find((x): x is Message & { readonly type: T } => x.type === type);
  if (m === undefined) throw new Error(`no sample ${type} message`);
  return m;
}

/** Keys whose string value selects a variant: a message's type, a payload's or a change's kind. */
export const messageTags = ['type', 'kind'] as const;

/** One node-ipc frame: the JSON envelope and its delimiter. */
export function frame(type: string, dataText: string): string {
  return `{"type":${JSON.stringify(type)},"data":${dataText}}\f`;
}

// ---- a small world ----------------------------------------------------------------------------

const small = fc.nat({ max: 6 });
const id = fc.constantFrom(1, 2, 3, 4);
const membership = fc.record({
  voters: fc.uniqueArray(id, { maxLength: 3 }),
  learners: fc.uniqueArray(id, { maxLength: 2 }),
});
const payload = fc.oneof(
  fc.constant({ kind: 'noop' }),
  fc.record({
    kind: fc.constant('command'),
    data: fc.oneof(
      nastyString,
      fc.constant('{"client":"c","seq":1,"ackedBelow":1,"op":{"op":"set","key":"k","value":"v"}}'),
    ),
  }),
  fc.record({
    kind: fc.constant('membership'),
    change: fc.record({ kind: fc.constantFrom('addVoter', 'addLearner', 'promoteLearner', 'remove'), node: id }),
    membership,
  }),
);
const entry = fc.record({ index: small, term: small, payload });

/**
 * Messages from member 2 to member 1 built from small numbers (indexes and terms 0..6, ids 1..4):
 * every combination near member 1's log of three entries comes up, and most pass the type checks.
 */
export const smallWorldMessage: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    type: fc.constantFrom('vote', 'prevote'),
    from: fc.constant(2),
    to: fc.constant(1),
    term: small,
    lastIndex: small,
    lastTerm: small,
    transfer: fc.boolean(),
  }),
  fc.record({
    type: fc.constantFrom('voteResp', 'prevoteResp'),
    from: fc.constant(2),
    to: fc.constant(1),
    term: small,
    granted: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('append'),
    from: fc.constant(2),
    to: fc.constant(1),
    term: small,
    prevIndex: small,
    prevTerm: small,
    entries: fc.array(entry, { maxLength: 4 }),
    commit: small,
  }),
  fc.record({
    type: fc.constant('appendResp'),
    from: fc.constant(2),
    to: fc.constant(1),
    term: small,
    index: small,
    reject: fc.boolean(),
    hintIndex: small,
    hintTerm: small,
  }),
  fc.record({
    type: fc.constant('heartbeat'),
    from: fc.constant(2),
    to: fc.constant(1),
    term: small,
    commit: small,
    readContext: small,
  }),
  fc.record({
    type: fc.constant('heartbeatResp'),
    from: fc.constant(2),
    to: fc.constant(1),
    term: small,
    readContext: small,
  }),
  fc.record({ type: fc.constant('timeoutNow'), from: fc.constant(2), to: fc.constant(1), term: small }),
  fc
    .record({ index: small, term: small, membership, garbage: fc.option(nastyString, { nil: null }) })
    .chain(({ index, term, membership: m, garbage }) =>
      fc.record({
        type: fc.constant('snapshot'),
        from: fc.constant(2),
        to: fc.constant(1),
        term: small,
        snapshot: fc.constant({ index, term, membership: m, data: garbage ?? image(index) }),
      }),
    ),
);
