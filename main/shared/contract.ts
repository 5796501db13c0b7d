// The one command and event contract of Raft Society. The supervisor implements it; the HTTP API,
// the terminal REPL, the Electron preload and the browser bridge carry it; the renderer speaks it
// without knowing which door it came through. Inputs are validated here, at every door.

import { z } from 'zod';
import { keySchema, valueSchema } from '../statemachine/commands.ts';

export const nodeIdSchema = z.number().int().min(1).max(999);
export type MemberId = z.infer<typeof nodeIdSchema>;

const empty = z.object({}).strict();
const target = z.object({ id: nodeIdSchema }).strict();

const twoMembers = { message: 'a link joins two different members' };

/** How one directed link misbehaves: delay (with jitter), loss and duplication. */
const linkFaultFields = {
  delayMs: z.number().min(0).max(10_000),
  jitterMs: z.number().min(0).max(10_000),
  loss: z.number().min(0).max(1),
  duplicate: z.number().min(0).max(1),
  /** The faults hit only messages that carry log entries (appends, snapshots): heartbeats get through. */
  entriesOnly: z.boolean(),
};

export const linkFaultInput = z
  .object({
    from: nodeIdSchema,
    to: nodeIdSchema,
    delayMs: linkFaultFields.delayMs.default(0),
    jitterMs: linkFaultFields.jitterMs.default(0),
    loss: linkFaultFields.loss.default(0),
    duplicate: linkFaultFields.duplicate.default(0),
    entriesOnly: linkFaultFields.entriesOnly.optional(),
    oneWay: z.boolean().default(false),
  })
  .strict()
  .refine((l) => l.from !== l.to, twoMembers);

/**
 * Hand a write to this member only, whatever it believes: no redirect to the chairman, no retry
 * elsewhere. Lessons use it to have an isolated old chairman append minutes that never commit.
 */
const via = nodeIdSchema.optional();

export const kvInput = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), key: keySchema, value: valueSchema, via }).strict(),
  z.object({ op: z.literal('get'), key: keySchema }).strict(),
  z
    .object({ op: z.literal('cas'), key: keySchema, expected: valueSchema.nullable(), value: valueSchema, via })
    .strict(),
]);
export type KvInput = z.infer<typeof kvInput>;

export const settingsInput = z
  .object({
    timeScale: z.number().min(0.01).max(1).optional(),
    preVote: z.boolean().optional(),
    checkQuorum: z.boolean().optional(),
    messageTelemetry: z.boolean().optional(),
    /** Take a snapshot (and drop the log it covers) after this many applied entries. */
    snapshotThreshold: z.number().int().min(2).max(1_000_000).optional(),
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
    .strict()
    .refine((l) => l.from !== l.to, twoMembers),
  'link.fault': linkFaultInput,
  partition: z
    .object({ groups: z.array(z.array(nodeIdSchema).min(1)).min(2).max(16) })
    .strict()
    .refine((p) => new Set(p.groups.flat()).size === p.groups.flat().length, {
      message: 'a member may be in one group only',
    }),
  heal: empty,
  kv: kvInput,
  decide: z.object({ text: z.string().trim().min(1).max(500), via }).strict(),
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

/** `readonly` all the way down: views and events are shared, never changed after they are made. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

// The data the cluster shows: schemas first (a session file is validated against them, whichever
// door reads it), the types derived from them.

/** A term, an index, a count: a whole number from 0. */
export const countSchema = z.number().int().min(0);
/** A member id as it appears in Raft state: 0 or null where there is none. */
const memberRefSchema = countSchema.nullable();

export const memberStatusSchema = z.enum(['starting', 'running', 'crashed', 'paused', 'stopped']);
export type MemberStatus = z.infer<typeof memberStatusSchema>;

export const roleSchema = z.enum(['follower', 'precandidate', 'candidate', 'leader', 'learner']);

/** One entry of a member's minutes book, as the view shows it. */
export const entryViewSchema = z
  .object({
    index: countSchema,
    term: countSchema,
    kind: z.enum(['noop', 'command', 'membership']),
    /** Plain words: "set k = v", "decision: Approve painting contract", "add voter 6" (values included). */
    label: z.string().max(256 * 1024),
  })
  .strict();
export type EntryView = DeepReadonly<z.infer<typeof entryViewSchema>>;

/** What a chairman knows of each member's log (Raft's per-follower progress). */
const progressSchema = z.array(
  z.object({ id: nodeIdSchema, next: countSchema, match: countSchema, state: z.string().max(64) }).strict(),
);

export const memberViewSchema = z
  .object({
    id: nodeIdSchema,
    name: z.string().min(1).max(200),
    role: roleSchema,
    term: countSchema,
    vote: memberRefSchema,
    leader: memberRefSchema,
    commitIndex: countSchema,
    appliedIndex: countSchema,
    firstIndex: countSchema,
    lastIndex: countSchema,
    status: memberStatusSchema,
    pid: z.number().int().min(0).nullable(),
    address: z.string().max(4096),
    progress: progressSchema,
  })
  .strict();
export type MemberView = DeepReadonly<z.infer<typeof memberViewSchema>>;

export const linkViewSchema = z
  .object({ from: nodeIdSchema, to: nodeIdSchema, state: z.enum(['up', 'cut']), ...linkFaultFields })
  .strict();
export type LinkView = DeepReadonly<z.infer<typeof linkViewSchema>>;

export const settingsViewSchema = z
  .object({
    timeScale: z.number().min(0.01).max(1),
    preVote: z.boolean(),
    checkQuorum: z.boolean(),
    electionTimeoutMs: z.tuple([z.number().min(0), z.number().min(0)]),
    heartbeatMs: z.number().min(0),
    /** Applied entries after which each member takes a snapshot. */
    snapshotThreshold: z.number().int().min(2).max(1_000_000),
    /** Freeze/thaw needs SIGSTOP/SIGCONT, which Windows lacks. */
    canFreeze: z.boolean(),
  })
  .strict();
export type SettingsView = DeepReadonly<z.infer<typeof settingsViewSchema>>;

// ---- the safety monitor's report (main/safety/monitor.ts) ------------------------------------

/** Raft's five safety properties (paper Figure 3). */
export const properties = [
  'Election Safety',
  'Leader Append-Only',
  'Log Matching',
  'Leader Completeness',
  'State Machine Safety',
] as const;
export const propertySchema = z.enum(properties);
export type Property = z.infer<typeof propertySchema>;

const contentSchema = z.string().max(256 * 1024);
const factBase = { seq: z.number().int().min(1).nullable(), node: nodeIdSchema, term: countSchema };
/** One report the monitor based a verdict on. `content` is the entry in plain words. */
export const factSchema = z.discriminatedUnion('act', [
  z.object({ ...factBase, act: z.literal('voted'), candidate: nodeIdSchema }).strict(),
  z.object({ ...factBase, act: z.literal('elected') }).strict(),
  z.object({ ...factBase, act: z.literal('wrote'), index: countSchema, content: contentSchema }).strict(),
  z.object({ ...factBase, act: z.literal('overwrote'), index: countSchema }).strict(),
  z.object({ ...factBase, act: z.literal('applied'), index: countSchema, content: contentSchema }).strict(),
]);
export type Fact = DeepReadonly<z.infer<typeof factSchema>>;

const violationShape = {
  property: propertySchema,
  message: z.string().max(4096),
  /** The reports that contradict each other, oldest first. */
  causes: z.array(factSchema),
};
export const violationSchema = z.object(violationShape).strict();
export type Violation = DeepReadonly<z.infer<typeof violationSchema>>;

const seqs = { seqs: z.array(z.number().int().min(1)) };
/** A passed check worth showing, one kind per property (in the order of `properties`). */
export const evidenceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...seqs,
      kind: z.literal('oneLeader'),
      term: countSchema,
      leader: nodeIdSchema,
      voters: z.array(nodeIdSchema),
    })
    .strict(),
  z
    .object({
      ...seqs,
      kind: z.literal('appendOnly'),
      term: countSchema,
      leader: nodeIdSchema,
      from: countSchema,
      to: countSchema,
    })
    .strict(),
  z
    .object({
      ...seqs,
      kind: z.literal('sameEntry'),
      index: countSchema,
      term: countSchema,
      content: contentSchema,
      members: z.array(nodeIdSchema),
    })
    .strict(),
  z
    .object({ ...seqs, kind: z.literal('complete'), term: countSchema, leader: nodeIdSchema, committed: countSchema })
    .strict(),
  z
    .object({
      ...seqs,
      kind: z.literal('sameApplied'),
      index: countSchema,
      term: countSchema,
      content: contentSchema,
      members: z.array(nodeIdSchema),
    })
    .strict(),
]);
export type Evidence = DeepReadonly<z.infer<typeof evidenceSchema>>;

export const propertyReportSchema = z
  .object({
    property: propertySchema,
    /** Checks of this property that passed. */
    checks: countSchema,
    violations: countSchema,
    /** The most recent passed checks, newest first. */
    evidence: z.array(evidenceSchema),
  })
  .strict();
export type PropertyReport = DeepReadonly<z.infer<typeof propertyReportSchema>>;

export const safetyReportSchema = z
  .object({
    /** One per property, in the order of `properties`. */
    properties: z.array(propertyReportSchema),
    /** The most recent violations, oldest first (at most 20). */
    violations: z.array(violationSchema),
  })
  .strict();
export type SafetyReport = DeepReadonly<z.infer<typeof safetyReportSchema>>;

export const clusterViewSchema = z
  .object({
    term: countSchema,
    leaderId: nodeIdSchema.nullable(),
    voters: z.array(nodeIdSchema),
    learners: z.array(nodeIdSchema),
    nodes: z.array(memberViewSchema),
    links: z.array(linkViewSchema),
    settings: settingsViewSchema,
    /** The live safety monitor: each of Raft's five safety properties, its checks and evidence. */
    safety: safetyReportSchema,
  })
  .strict();
export type ClusterView = DeepReadonly<z.infer<typeof clusterViewSchema>>;

/** Who votes and who only learns. */
export const configurationShape = { voters: z.array(nodeIdSchema), learners: z.array(nodeIdSchema) };

/**
 * The network as the supervisor set it: the directed links that are cut and the ones that
 * misbehave. Every other link between members is up and well.
 */

export const networkSchema = z
  .object({
    cuts: z.array(z.object({ from: nodeIdSchema, to: nodeIdSchema }).strict()),
    faults: z.array(z.object({ from: nodeIdSchema, to: nodeIdSchema, ...linkFaultFields }).strict()),
  })
  .strict();
export type Network = DeepReadonly<z.infer<typeof networkSchema>>;

/** A member's Raft state as it reports it (a `state` event), and as a recorded moment keeps it. */
export const raftStateShape = {
  role: roleSchema,
  term: countSchema,
  vote: memberRefSchema,
  leader: memberRefSchema,
  commit: countSchema,
  applied: countSchema,
  first: countSchema,
  last: countSchema,
  progress: progressSchema,
};

const stamp = { seq: z.number().int().min(1), at: z.number() };
const event = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({ ...stamp, kind: z.literal(kind), ...shape }).strict();

/** The event stream: everything the cluster did, in order, stamped by the supervisor. */
export const clusterEventSchema = z.discriminatedUnion('kind', [
  event('member', {
    node: nodeIdSchema,
    /** The member's name, so a recording alone can show it. */
    name: z.string().min(1).max(200),
    status: memberStatusSchema,
    pid: z.number().int().min(0).nullable(),
    detail: z.string().max(4096).exactOptional(),
  }),
  event('state', {
    node: nodeIdSchema,
    /** When the member changed, by its own clock (`at` is when the supervisor recorded it, a telemetry batch later). */
    memberAt: z.number(),
    ...raftStateShape,
    /** The configuration as this member knows it. */
    ...configurationShape,
  }),
  event('message', {
    node: nodeIdSchema,
    /** When the member sent, received or dropped it, by its own clock. */
    memberAt: z.number(),
    phase: z.enum(['sent', 'received', 'dropped']),
    reason: z.string().max(4096).exactOptional(),
    type: z.string().max(64),
    from: nodeIdSchema,
    to: nodeIdSchema,
    term: countSchema,
    detail: z.string().max(4096),
  }),
  event('append', { node: nodeIdSchema, entries: z.array(entryViewSchema), overwrote: countSchema.nullable() }),
  event('apply', { node: nodeIdSchema, entry: entryViewSchema }),
  event('snapshot', { node: nodeIdSchema, index: countSchema, how: z.enum(['taken', 'installed']) }),
  event('vote', { node: nodeIdSchema, term: countSchema, candidate: nodeIdSchema }),
  event('frame', { node: nodeIdSchema, reason: z.string().max(4096) }),
  /**
   * Something done to the cluster, in words (`description`), and the network and settings as they
   * are after it, so a recording alone can show them.
   */
  event('fault', {
    description: z.string().max(4096),
    after: z.object({ network: networkSchema, settings: settingsViewSchema }).strict(),
  }),
  /** A safety property broken, and the members' reports that contradict each other, oldest first. */
  event('safety', violationShape),
  /** The safety monitor's report, after it changed: at most one a second, and at once after a violation. */
  event('checks', { report: safetyReportSchema }),
  event('client', { op: z.string().max(64), status: z.number().int(), latencyMs: z.number().min(0) }),
]);
export type ClusterEvent = DeepReadonly<z.infer<typeof clusterEventSchema>>;

/** The API's answer to a client command: an HTTP-like status and a body. */
export interface CommandResult {
  readonly status: number;
  readonly body: unknown;
}
