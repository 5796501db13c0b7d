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
  'leader.transfer': z.object({ to: nodeIdSchema }).strict(),
  'settings.set': settingsInput,
} as const;
export type CommandName = keyof typeof commandInputs;
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
  /** The live safety monitor: each of Raft's five safety properties, its checks and evidence. */
  readonly safety: SafetyReport;
}

// ---- the safety monitor's report (main/safety/monitor.ts) ------------------------------------

/** Raft's five safety properties (paper Figure 3). */
export const properties = [
  'Election Safety',
  'Leader Append-Only',
  'Log Matching',
  'Leader Completeness',
  'State Machine Safety',
] as const;
export type Property = (typeof properties)[number];

/** One report the monitor based a verdict on. `content` is the entry in plain words. */
export type Fact = { readonly seq: number | null; readonly node: MemberId; readonly term: number } & (
  | { readonly act: 'voted'; readonly candidate: MemberId }
  | { readonly act: 'elected' }
  | { readonly act: 'wrote'; readonly index: number; readonly content: string }
  | { readonly act: 'overwrote'; readonly index: number }
  | { readonly act: 'applied'; readonly index: number; readonly content: string }
);

export interface Violation {
  readonly property: Property;
  readonly message: string;
  /** The reports that contradict each other, oldest first. */
  readonly causes: readonly Fact[];
}

/** A passed check worth showing, one kind per property (in the order of `properties`). */
export type Evidence = { readonly seqs: readonly number[] } & (
  | {
      readonly kind: 'oneLeader';
      readonly term: number;
      readonly leader: MemberId;
      readonly voters: readonly MemberId[];
    }
  | {
      readonly kind: 'appendOnly';
      readonly term: number;
      readonly leader: MemberId;
      readonly from: number;
      readonly to: number;
    }
  | {
      readonly kind: 'sameEntry';
      readonly index: number;
      readonly term: number;
      readonly content: string;
      readonly members: readonly MemberId[];
    }
  | { readonly kind: 'complete'; readonly term: number; readonly leader: MemberId; readonly committed: number }
  | {
      readonly kind: 'sameApplied';
      readonly index: number;
      readonly term: number;
      readonly content: string;
      readonly members: readonly MemberId[];
    }
);

export interface PropertyReport {
  readonly property: Property;
  /** Checks of this property that passed. */
  readonly checks: number;
  readonly violations: number;
  /** The most recent passed checks, newest first. */
  readonly evidence: readonly Evidence[];
}

export interface SafetyReport {
  /** One per property, in the order of `properties`. */
  readonly properties: readonly PropertyReport[];
  /** The most recent violations, oldest first (at most 20). */
  readonly violations: readonly Violation[];
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
      /** When the member reported it, by its own clock (see the message event's `memberAt`). */
      readonly memberAt: number;
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
      /**
       * When the member did it, by its own clock (the same machine's as `at`, which is when the
       * supervisor heard of it, up to one telemetry batch later): a send always precedes its receipt.
       */
      readonly memberAt: number;
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
  | {
      readonly kind: 'fault';
      readonly description: string;
      /** After a change to the links: every cut link now, as [from, to] (one direction each). */
      readonly cuts?: readonly (readonly [number, number])[];
    }
  | {
      readonly kind: 'safety';
      readonly property: Property;
      readonly message: string;
      /** The members' reports that contradict each other (their events' seqs), oldest first. */
      readonly causes: readonly Fact[];
    }
  /** The safety monitor's report, after it changed: at most one a second, and at once after a violation. */
  | { readonly kind: 'checks'; readonly report: SafetyReport }
  | { readonly kind: 'client'; readonly op: string; readonly status: number; readonly latencyMs: number }
);

/** The API's answer to a client command: an HTTP-like status and a body. */
export interface CommandResult {
  readonly status: number;
  readonly body: unknown;
}
