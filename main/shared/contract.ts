// The one command and event contract of Raft Society. The supervisor implements it; the HTTP API,
// the terminal REPL, the Electron preload and the browser bridge carry it; the renderer speaks it
// without knowing which door it came through. Inputs are validated here, at every door.

import { z } from 'zod';
import { keySchema, valueSchema } from '../statemachine/commands.ts';

export const nodeIdSchema = z.number().int().min(1).max(999);
export type MemberId = z.infer<typeof nodeIdSchema>;

const empty = z.object({}).strict();
const target = z.object({ id: nodeIdSchema }).strict();

export const linkFaultInput = z
  .object({
    from: nodeIdSchema,
    to: nodeIdSchema,
    delayMs: z.number().min(0).max(10_000).default(0),
    jitterMs: z.number().min(0).max(10_000).default(0),
    loss: z.number().min(0).max(1).default(0),
    duplicate: z.number().min(0).max(1).default(0),
    oneWay: z.boolean().default(false),
  })
  .strict();

export const kvInput = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), key: keySchema, value: valueSchema }).strict(),
  z.object({ op: z.literal('get'), key: keySchema }).strict(),
  z.object({ op: z.literal('cas'), key: keySchema, expected: valueSchema.nullable(), value: valueSchema }).strict(),
]);
export type KvInput = z.infer<typeof kvInput>;

export const settingsInput = z
  .object({
    timeScale: z.number().min(0.01).max(1).optional(),
    preVote: z.boolean().optional(),
    checkQuorum: z.boolean().optional(),
    messageTelemetry: z.boolean().optional(),
  })
  .strict();

/** Every command a client may send: its name and the schema of its input. */
export const commandInputs = {
  'cluster.get': empty,
  'node.crash': target,
  'node.restart': target,
  'node.pause': target,
  'node.resume': target,
  'link.set': z
    .object({ from: nodeIdSchema, to: nodeIdSchema, state: z.enum(['cut', 'up']), oneWay: z.boolean().default(false) })
    .strict(),
  'link.fault': linkFaultInput,
  partition: z
    .object({ groups: z.array(z.array(nodeIdSchema).min(1)).min(2).max(16) })
    .strict()
    .refine((p) => new Set(p.groups.flat()).size === p.groups.flat().length, {
      message: 'a member may be in one group only',
    }),
  heal: empty,
  kv: kvInput,
  decide: z.object({ text: z.string().trim().min(1).max(500) }).strict(),
  'member.add': z.object({ learner: z.boolean().default(false) }).strict(),
  'member.remove': target,
  'member.promote': target,
  /** What member :id has applied: its applied index and a digest of its state (read-only). */
  'member.state': target,
  'leader.transfer': z.object({ to: nodeIdSchema }).strict(),
  'settings.set': settingsInput,
} as const;
export type CommandName = keyof typeof commandInputs;
/** The commands that only look: a viewer may send these. */
export const readOnlyCommands: ReadonlySet<string> = new Set<CommandName>(['cluster.get', 'member.state']);
export type CommandInput<C extends CommandName> = z.output<(typeof commandInputs)[C]>;

export type MemberStatus = 'starting' | 'running' | 'crashed' | 'paused' | 'stopped';

/** One entry of a member's minutes book, as the view shows it. */
export interface EntryView {
  readonly index: number;
  readonly term: number;
  readonly kind: 'noop' | 'command' | 'membership';
  /** Plain words: "set k = v", "decision: Approve painting contract", "add voter 6". */
  readonly label: string;
}

export interface MemberView {
  readonly id: MemberId;
  readonly name: string;
  readonly role: 'follower' | 'precandidate' | 'candidate' | 'leader' | 'learner';
  readonly term: number;
  readonly vote: number | null;
  readonly leader: number | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly status: MemberStatus;
  readonly pid: number | null;
  readonly address: string;
  readonly progress: readonly {
    readonly id: number;
    readonly next: number;
    readonly match: number;
    readonly state: string;
  }[];
}

export interface LinkView {
  readonly from: MemberId;
  readonly to: MemberId;
  readonly state: 'up' | 'cut';
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly loss: number;
  readonly duplicate: number;
}

export interface ClusterView {
  readonly term: number;
  readonly leaderId: number | null;
  readonly voters: readonly number[];
  readonly learners: readonly number[];
  readonly nodes: readonly MemberView[];
  readonly links: readonly LinkView[];
  readonly settings: {
    readonly timeScale: number;
    readonly preVote: boolean;
    readonly checkQuorum: boolean;
    readonly electionTimeoutMs: readonly [number, number];
    readonly heartbeatMs: number;
    /** Freeze/thaw needs SIGSTOP/SIGCONT, which Windows lacks. */
    readonly canFreeze: boolean;
  };
}

/** The event stream: everything the cluster did, in order, stamped by the supervisor. */
export type ClusterEvent = { readonly seq: number; readonly at: number } & (
  | {
      readonly kind: 'member';
      readonly node: number;
      readonly status: MemberStatus;
      readonly pid: number | null;
      readonly detail?: string;
    }
  | {
      readonly kind: 'state';
      readonly node: number;
      readonly role: MemberView['role'];
      readonly term: number;
      readonly vote: number | null;
      readonly leader: number | null;
      readonly commit: number;
      readonly applied: number;
      readonly first: number;
      readonly last: number;
      readonly progress: MemberView['progress'];
    }
  | {
      readonly kind: 'message';
      readonly node: number;
      readonly phase: 'sent' | 'received' | 'dropped';
      readonly reason?: string;
      readonly type: string;
      readonly from: number;
      readonly to: number;
      readonly term: number;
      readonly detail: string;
    }
  | {
      readonly kind: 'append';
      readonly node: number;
      readonly entries: readonly EntryView[];
      readonly overwrote: number | null;
    }
  | { readonly kind: 'apply'; readonly node: number; readonly entry: EntryView }
  | { readonly kind: 'snapshot'; readonly node: number; readonly index: number; readonly how: 'taken' | 'installed' }
  | { readonly kind: 'vote'; readonly node: number; readonly term: number; readonly candidate: number }
  | { readonly kind: 'frame'; readonly node: number; readonly reason: string }
  | { readonly kind: 'fault'; readonly description: string }
  | { readonly kind: 'safety'; readonly property: string; readonly message: string }
  | { readonly kind: 'client'; readonly op: string; readonly status: number; readonly latencyMs: number }
);

/** The API's answer to a client command: an HTTP-like status and a body. */
export interface CommandResult {
  readonly status: number;
  readonly body: unknown;
}
