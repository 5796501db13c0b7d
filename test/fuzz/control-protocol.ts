// Fuzzing the control channel between the supervisor and a member (main/node/control-protocol.ts).
// Both directions' schemas take nothing they would have to change: what they accept is exactly
// what was sent. And a real member process, sent control messages broken in one place, reports
// each as refused with the field at fault, stays up, and is as it was: the next proposal lands
// right after its log, in the same term.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromNodeSchema, toNodeSchema, type FromNode, type ToNode } from '../../main/node/control-protocol.ts';
import { encodeCommand } from '../../main/statemachine/commands.ts';
import { forkMember, isReply, isStarted, soloConfig } from '../lib/member.ts';
import { anyMutation, hostileValue, invalidMutation, wellTypedMutations } from './arbitraries.ts';
import { fuzz } from './budget.ts';

const entry = { index: 2, term: 1, payload: { kind: 'command', data: 'x' } } as const;
const fault = { delayMs: 10, jitterMs: 5, loss: 0.1, duplicate: 0, entriesOnly: false };

function toNodeSamples(config: Extract<ToNode, { t: 'init' }>['config']): ToNode[] {
  return [
    { t: 'init', config },
    { t: 'rules', rules: { cut: [[1, 2]], faults: [{ from: 1, to: 3, fault }] } },
    { t: 'peers', peers: [{ id: 2, path: '/tmp/rs-x/n2.sock' }] },
    { t: 'settings', timeScale: 0.5, preVote: true, checkQuorum: false, messageTelemetry: true },
    {
      t: 'propose',
      req: 'r-1',
      command: '{"client":"c","seq":1,"ackedBelow":1,"op":{"op":"set","key":"k","value":"v"}}',
    },
    { t: 'read', req: 'r-2', key: 'k' },
    { t: 'membership', req: 'r-3', change: { kind: 'addLearner', node: 4 } },
    { t: 'transfer', req: 'r-4', to: 2 },
    { t: 'abandon', req: 'r-5' },
  ];
}

const fromNodeSamples: FromNode[] = [
  {
    t: 'started',
    pid: 42,
    address: '/tmp/rs-x/n1.sock',
    tornTail: null,
    removed: [],
    log: {
      snapshotIndex: 0,
      lastIndex: 3,
      runs: [
        [1, 1],
        [3, 2],
      ],
    },
  },
  { t: 'reply', req: 'r-1', outcome: { kind: 'applied', result: { op: 'set', index: 4 } } },
  { t: 'reply', req: 'r-2', outcome: { kind: 'refused', reason: 'notLeader', leader: 2 } },
  {
    t: 'telemetry',
    events: [
      {
        k: 'state',
        at: 1,
        role: 'leader',
        term: 2,
        vote: 1,
        leader: 1,
        commit: 3,
        applied: 3,
        first: 1,
        last: 3,
        voters: [1, 2, 3],
        learners: [],
        progress: [{ id: 2, next: 4, match: 3, state: 'replicate' }],
      },
      {
        k: 'msg',
        at: 2,
        phase: 'sent',
        m: { type: 'append', from: 1, to: 2, term: 2, entries: 1, index: 3, commit: 3 },
      },
      { k: 'append', at: 3, term: 2, leader: true, prevTerm: 1, overwrote: null, entries: [entry] },
      { k: 'frame', at: 4, reason: 'invalid hello' },
    ],
  },
  { t: 'fatal', message: 'refusing to start' },
];

/** Whether Node's IPC channel (JSON) can carry `v` at all. */
function sendable(v: unknown): boolean {
  try {
    // JSON.stringify gives undefined for what JSON cannot hold at all.
    const text = JSON.stringify(v) as string | undefined;
    return v !== null && text !== undefined;
  } catch {
    return false;
  }
}

/** Accepted means accepted as sent: the schemas have no defaults or transforms to change a value. */
function acceptedAsSent(schema: typeof toNodeSchema | typeof fromNodeSchema, value: unknown): void {
  const r = schema.safeParse(value);
  if (!r.success) {
    assert.ok(r.error.issues.length > 0 && r.error.issues.every((i) => i.message.trim() !== ''));
    return;
  }
  assert.deepEqual(r.data, value);
}

/** Registers the control channel fuzzers (member.test.ts runs them). */
export function controlProtocolFuzzers(): void {
  test('both directions accept only what they can take unchanged', async (t) => {
    const samples = toNodeSamples(soloConfig(t));
    await fuzz(
      'control: to a member',
      fc.property(
        fc
          .constantFrom(...samples)
          .chain((m) => fc.oneof(anyMutation(m, { tags: ['t', 'kind'] }), wellTypedMutations(m, 2))),
        (mut) => acceptedAsSent(toNodeSchema, mut.value),
      ),
      { runs: 200 },
    );
    await fuzz(
      'control: from a member',
      fc.property(
        fc
          .constantFrom(...fromNodeSamples)
          .chain((m) => fc.oneof(anyMutation(m, { tags: ['t', 'k', 'kind', 'op'] }), wellTypedMutations(m, 2))),
        (mut) => acceptedAsSent(fromNodeSchema, mut.value),
      ),
      { runs: 200 },
    );
  });

  test('a member refuses broken control messages naming the field, stays up, and is as it was', async (t) => {
    const config = soloConfig(t);
    const member = await forkMember(t, config);
    const started = await member.next(isStarted);
    // A society of one: it leads itself and commits its first entry.
    const state = (): Extract<FromNode, { t: 'telemetry' }>['events'][number] & { k: 'state' } => {
      const last = member.received
        .flatMap((m) => (m.t === 'telemetry' ? m.events : []))
        .filter((e): e is Extract<typeof e, { k: 'state' }> => e.k === 'state')
        .at(-1);
      assert.ok(last !== undefined);
      return last;
    };
    while (
      member.received.every(
        (m) => m.t !== 'telemetry' || m.events.every((e) => e.k !== 'state' || e.role !== 'leader' || e.commit < 1),
      )
    )
      await member.next((m): m is FromNode => m.t === 'telemetry', 10_000);
    const before = state();
    const frames = (): string[] =>
      member.received
        .flatMap((m) => (m.t === 'telemetry' ? m.events : []))
        .flatMap((e) => (e.k === 'frame' ? [e.reason] : []));

    const samples = toNodeSamples(config);
    const bad = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...samples).chain((m) => invalidMutation(m, { tags: ['t', 'kind'] })) },
      {
        weight: 1,
        arbitrary: hostileValue
          // What Node's IPC channel can carry: it sends JSON, and refuses undefined and bigints.
          .filter((v) => sendable(v) && !JSON.stringify(v).includes('"t":'))
          .map((value) => ({ value, what: 'garbage', path: [], names: '' })),
      },
    );
    await fuzz(
      'control: broken messages to a real member',
      fc.asyncProperty(bad, async (mut) => {
        const seen = frames().length;
        try {
          member.send(mut.value);
        } catch {
          return; // not something Node's IPC channel can carry at all
        }
        const deadline = Date.now() + 10_000;
        while (frames().length === seen) {
          assert.ok(Date.now() < deadline, `no refusal reported for ${mut.what}`);
          await member.next((m): m is FromNode => m.t === 'telemetry', 10_000).catch(() => undefined);
        }
        const reason = frames().at(-1)!;
        assert.match(reason, /^invalid control message: \S/);
        assert.ok(reason.includes(mut.names), `"${reason}" does not name ${mut.names} (${mut.what})`);
        assert.equal(member.child.exitCode, null, 'still running');
      }),
      { runs: 80, timeoutMs: 20_000 },
    );

    assert.equal(member.received.some(isReply), false, 'no bad request was answered');
    const now = state();
    assert.deepEqual(
      [now.term, now.last, now.commit, now.voters],
      [before.term, before.last, before.commit, before.voters],
    );
    const command = encodeCommand({
      client: 'fuzz',
      seq: 1,
      ackedBelow: 1,
      op: { op: 'set', key: 'after', value: 'fuzzing' },
    });
    member.send({ t: 'propose', req: 'after', command });
    const reply = await member.next(isReply);
    assert.deepEqual(reply.outcome, { kind: 'applied', result: { op: 'set', index: before.last + 1 } });
    assert.equal(started.pid, member.child.pid);
  });
}
