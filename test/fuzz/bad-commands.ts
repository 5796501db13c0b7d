// Commands of the contract (main/shared/contract.ts) that every door must refuse, with what the
// refusal must say: a valid command broken in one place, a member that does not exist, a request
// the cluster's state rules out, an unknown command name, or an input that is not an object. The
// HTTP API, the WebSocket and the desktop IPC all carry them to the same supervisor; fuzzing them
// through each door checks the door adds no way around the contract.

import fc from 'fast-check';
import { commandInputs, type CommandName } from '../../main/shared/contract.ts';
import { invalidMutation, prototypeKeys } from './arbitraries.ts';

/** Members 1..3 exist in the societies these tests start. */
export const MEMBERS = [1, 2, 3] as const;

/** One valid input (or several) per command, for a society of members 1..3. */
export const validInputs: { readonly [C in CommandName]: readonly object[] } = {
  'cluster.get': [{}],
  'member.state': [{ id: 1 }],
  'node.crash': [{ id: 1 }],
  'node.restart': [{ id: 2 }],
  'node.pause': [{ id: 3 }],
  'node.resume': [{ id: 1 }],
  'link.set': [{ from: 1, to: 2, state: 'cut', oneWay: false }],
  'link.fault': [{ from: 1, to: 2, delayMs: 10, jitterMs: 5, loss: 0.1, duplicate: 0.1, oneWay: true }],
  partition: [{ groups: [[1], [2, 3]] }],
  heal: [{}],
  kv: [
    { op: 'set', key: 'gate', value: 'green' },
    { op: 'get', key: 'gate' },
    { op: 'cas', key: 'gate', expected: 'green', value: 'blue' },
  ],
  decide: [{ text: 'Paint the gate' }],
  'member.add': [{ learner: true }],
  'member.remove': [{ id: 2 }],
  'member.promote': [{ id: 2 }],
  'leader.transfer': [{ to: 2 }],
  'settings.set': [{ timeScale: 0.5, preVote: true, checkQuorum: true, messageTelemetry: true }],
};

/** What a refusal must look like: one of these statuses, and an error containing `names`. */
export interface Expected {
  readonly status: readonly number[];
  readonly names: string;
}

export interface BadCommand extends Expected {
  readonly name: string;
  readonly input: unknown;
  readonly why: string;
}

const names = Object.keys(commandInputs) as CommandName[];

const broken: fc.Arbitrary<BadCommand> = fc
  .constantFrom(...names.flatMap((name) => validInputs[name].map((input) => ({ name, input }))))
  .chain(({ name, input }) =>
    invalidMutation(input, { tags: ['op', 'state'] }).map((m) => ({
      name,
      input: m.value,
      status: [400],
      names: m.names,
      why: `${name}: ${m.what}`,
    })),
  );

/** Ids no member has (the contract allows 1..999). */
const stranger = fc.integer({ min: 100, max: 999 });

const unknownMember: fc.Arbitrary<BadCommand> = stranger.chain((x) =>
  fc.constantFrom<BadCommand>(
    ...(['node.crash', 'node.restart', 'node.pause', 'node.resume', 'member.remove', 'member.promote'] as const).map(
      (name) => ({ name, input: { id: x }, status: [404], names: String(x), why: `${name} of member ${x}` }),
    ),
    { name: 'leader.transfer', input: { to: x }, status: [404], names: String(x), why: `transfer to ${x}` },
    { name: 'link.set', input: { from: 1, to: x, state: 'cut' }, status: [404], names: String(x), why: `cut 1-${x}` },
    { name: 'link.fault', input: { from: x, to: 2, loss: 0.5 }, status: [404], names: String(x), why: `fault ${x}-2` },
    {
      name: 'partition',
      input: { groups: [[...MEMBERS], [x]] },
      status: [409],
      names: String(x),
      why: `partition with ${x}`,
    },
  ),
);

/** Well-formed, but ruled out by the contract's own rules or by the cluster's state. */
const ruledOut: fc.Arbitrary<BadCommand> = fc.constantFrom<BadCommand>(
  { name: 'link.set', input: { from: 2, to: 2, state: 'cut' }, status: [400], names: 'link', why: 'a link to itself' },
  {
    name: 'link.fault',
    input: { from: 3, to: 3, loss: 1 },
    status: [400],
    names: 'link',
    why: 'a faulty link to itself',
  },
  { name: 'partition', input: { groups: [[1], [2]] }, status: [409], names: '3', why: 'member 3 left out' },
  { name: 'node.restart', input: { id: 1 }, status: [409], names: 'running', why: 'restart a running member' },
);

const unknownName: fc.Arbitrary<BadCommand> = fc
  .oneof(
    fc.constantFrom(...prototypeKeys, 'KV', 'cluster.get ', 'node.crash\u0000', 'node', 'nodes.crash', '💥'),
    fc.string({ minLength: 1, maxLength: 64 }),
  )
  .filter((name) => !Object.hasOwn(commandInputs, name))
  .map((name) => ({
    name,
    input: {},
    status: [404],
    names: 'unknown command',
    why: `command ${JSON.stringify(name)}`,
  }));

/** Not an object (null is left out: every door reads it as "no input"). */
const notAnObject: fc.Arbitrary<BadCommand> = fc
  .tuple(
    fc.constantFrom(...names),
    fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 })),
  )
  .map(([name, input]) => ({
    name,
    input,
    status: [400],
    names: 'input',
    why: `${name} with ${JSON.stringify(input)}`,
  }));

export const badCommand: fc.Arbitrary<BadCommand> = fc.oneof(
  { arbitrary: broken, weight: 6 },
  { arbitrary: unknownMember, weight: 2 },
  { arbitrary: ruledOut, weight: 1 },
  { arbitrary: unknownName, weight: 1 },
  { arbitrary: notAnObject, weight: 1 },
);

/** Why `r` is not the refusal expected (a listed status, an error naming the problem), or null. */
export function refusalProblem(expected: Expected, r: { status: number; body: unknown }): string | null {
  if (!expected.status.includes(r.status))
    return `status ${r.status}, expected ${expected.status.join(' or ')}: ${JSON.stringify(r.body)}`;
  const error = (r.body as { error?: unknown } | null | undefined)?.error;
  if (typeof error !== 'string' || error.trim() === '') return `no error message: ${JSON.stringify(r.body)}`;
  if (!error.includes(expected.names)) return `the error does not name ${JSON.stringify(expected.names)}: ${error}`;
  return null;
}
