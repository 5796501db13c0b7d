// The control channel between the supervisor and a member process (Node's IPC channel of a
// forked child): lifecycle, client requests, fault rules and telemetry. Both directions are
// validated with these schemas, so neither side acts on a message it does not understand.

import { z } from 'zod';
import { entrySchema, membershipSchema } from './raft-schemas.ts';
import { operationResultSchema } from '../statemachine/commands.ts';

const nodeId = z.number().int().min(1).max(65535);
const requestId = z.string().min(1).max(128);

/** How one directed link misbehaves, enforced by the sender's transport. */
export const linkFaultSchema = z
  .object({
    delayMs: z.number().min(0).max(10_000),
    jitterMs: z.number().min(0).max(10_000),
    loss: z.number().min(0).max(1),
    duplicate: z.number().min(0).max(1),
    /** Only messages that carry log entries (appends, snapshots) suffer; heartbeats get through. */
    entriesOnly: z.boolean(),
  })
  .strict();
export type LinkFault = z.infer<typeof linkFaultSchema>;

/** The network as the supervisor wants it: directed cuts and per-link faults. */
export const linkRulesSchema = z
  .object({
    cut: z.array(z.tuple([nodeId, nodeId])).max(65_536),
    faults: z.array(z.object({ from: nodeId, to: nodeId, fault: linkFaultSchema }).strict()).max(65_536),
  })
  .strict();
export type LinkRules = z.infer<typeof linkRulesSchema>;

export const peerSchema = z.object({ id: nodeId, path: z.string().min(1).max(4096) }).strict();
export type Peer = z.infer<typeof peerSchema>;

export const nodeConfigSchema = z
  .object({
    id: nodeId,
    dataDir: z.string().min(1),
    socketDir: z.string().min(1),
    peers: z.array(peerSchema),
    /** The configuration of a brand-new cluster; a member added later starts with none. */
    initial: membershipSchema,
    tickMs: z.number().int().min(1).max(1000),
    /** 1 = real time; 0.01 = a hundred times slower, so people can watch. */
    timeScale: z.number().min(0.01).max(1),
    electionTicksMin: z.number().int().min(2),
    electionTicksMax: z.number().int().min(2),
    heartbeatTicks: z.number().int().min(1),
    preVote: z.boolean(),
    checkQuorum: z.boolean(),
    maxInflight: z.number().int().min(1).max(1024),
    maxEntriesPerAppend: z.number().int().min(1).max(10_000),
    maxAppendBytes: z.number().int().min(1024),
    snapshotThreshold: z.number().int().min(1),
    /** A new WAL segment is started once the current one has reached this size. */
    segmentBytes: z
      .number()
      .int()
      .min(4096)
      .max(2 ** 31),
    rules: linkRulesSchema,
    /** Report every message sent and received (the teaching view) or only state changes (benchmarks). */
    messageTelemetry: z.boolean(),
  })
  .strict()
  .refine((c) => c.heartbeatTicks < c.electionTicksMin && c.electionTicksMin <= c.electionTicksMax, {
    message: 'need heartbeatTicks < electionTicksMin <= electionTicksMax',
  });
export type NodeConfig = z.infer<typeof nodeConfigSchema>;

const membershipChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('addVoter'), node: nodeId }).strict(),
  z.object({ kind: z.literal('addLearner'), node: nodeId }).strict(),
  z.object({ kind: z.literal('promoteLearner'), node: nodeId }).strict(),
  z.object({ kind: z.literal('remove'), node: nodeId }).strict(),
]);

export const toNodeSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('init'), config: nodeConfigSchema }).strict(),
  z.object({ t: z.literal('rules'), rules: linkRulesSchema }).strict(),
  z.object({ t: z.literal('peers'), peers: z.array(peerSchema) }).strict(),
  z
    .object({
      t: z.literal('settings'),
      timeScale: z.number().min(0.01).max(1).optional(),
      preVote: z.boolean().optional(),
      checkQuorum: z.boolean().optional(),
      messageTelemetry: z.boolean().optional(),
      snapshotThreshold: z.number().int().min(1).optional(),
    })
    .strict(),
  /** A client command (an encoded Command); answered when this member applies it. */
  z.object({ t: z.literal('propose'), req: requestId, command: z.string().max(512 * 1024) }).strict(),
  z.object({ t: z.literal('read'), req: requestId, key: z.string().min(1).max(256) }).strict(),
  z.object({ t: z.literal('membership'), req: requestId, change: membershipChange }).strict(),
  z.object({ t: z.literal('transfer'), req: requestId, to: nodeId }).strict(),
  /** What this member has applied, as a digest: members that applied the same log hold the same state. */
  z.object({ t: z.literal('inspect'), req: requestId }).strict(),
  /** The client stopped waiting here (it retries elsewhere). */
  z.object({ t: z.literal('abandon'), req: requestId }).strict(),
]);
export type ToNode = z.infer<typeof toNodeSchema>;

type WithoutRequestId<T> = T extends unknown ? Omit<T, 'req'> : never;
/** A request a member answers with one reply; the supervisor adds the request id. */
export type MemberRequest = WithoutRequestId<
  Extract<ToNode, { t: 'propose' | 'read' | 'membership' | 'transfer' | 'inspect' }>
>;

const refusal = z.enum(['notLeader', 'transferring', 'membershipPending', 'invalid']);

export const replyOutcomeSchema = z.discriminatedUnion('kind', [
  /** The command was applied by this member (so committed): its result. */
  z.object({ kind: z.literal('applied'), result: operationResultSchema }).strict(),
  z.object({ kind: z.literal('value'), value: z.string().nullable() }).strict(),
  /** Accepted into the log at `index` (membership changes, transfers); not yet committed. */
  z.object({ kind: z.literal('accepted'), index: z.number().int(), term: z.number().int() }).strict(),
  z
    .object({ kind: z.literal('refused'), reason: refusal, leader: nodeId.nullable(), detail: z.string().optional() })
    .strict(),
  /** It will not be answered here (this member lost its leadership): retry elsewhere. */
  z.object({ kind: z.literal('failed'), reason: z.string() }).strict(),
  /** The answer to `inspect`: the applied index, a SHA-256 of the state's image, and its size. */
  z
    .object({
      kind: z.literal('state'),
      applied: z.number().int().nonnegative(),
      digest: z.string().regex(/^[0-9a-f]{64}$/),
      keys: z.number().int().nonnegative(),
      decisions: z.number().int().nonnegative(),
    })
    .strict(),
]);
export type ReplyOutcome = z.infer<typeof replyOutcomeSchema>;

/** A message as the teaching view shows it: enough to draw and label, not the entries themselves. */
export const messageSummarySchema = z
  .object({
    type: z.string(),
    from: nodeId,
    to: nodeId,
    term: z.number().int(),
    entries: z.number().int().optional(),
    index: z.number().int().optional(),
    commit: z.number().int().optional(),
    granted: z.boolean().optional(),
    reject: z.boolean().optional(),
  })
  .strict();
export type MessageSummary = z.infer<typeof messageSummarySchema>;

export const telemetrySchema = z.discriminatedUnion('k', [
  z
    .object({
      k: z.literal('state'),
      at: z.number(),
      role: z.enum(['follower', 'precandidate', 'candidate', 'leader']),
      term: z.number().int(),
      vote: nodeId.nullable(),
      leader: nodeId.nullable(),
      commit: z.number().int(),
      applied: z.number().int(),
      first: z.number().int(),
      last: z.number().int(),
      voters: z.array(nodeId).readonly(),
      learners: z.array(nodeId).readonly(),
      progress: z.array(z.object({ id: nodeId, next: z.number().int(), match: z.number().int(), state: z.string() })),
    })
    .strict(),
  z
    .object({
      k: z.literal('msg'),
      at: z.number(),
      phase: z.enum(['sent', 'received', 'dropped']),
      reason: z.string().optional(),
      m: messageSummarySchema,
    })
    .strict(),
  /** Entries written to this member's log; `overwrote` is the first replaced index, if any. */
  z
    .object({
      k: z.literal('append'),
      at: z.number(),
      term: z.number().int(),
      leader: z.boolean(),
      prevTerm: z.number().int().nullable(),
      overwrote: z.number().int().nullable(),
      entries: z.array(entrySchema).readonly(),
    })
    .strict(),
  z.object({ k: z.literal('apply'), at: z.number(), entry: entrySchema }).strict(),
  z.object({ k: z.literal('vote'), at: z.number(), term: z.number().int(), candidate: nodeId }).strict(),
  z
    .object({ k: z.literal('snapshot'), at: z.number(), index: z.number().int(), how: z.enum(['taken', 'installed']) })
    .strict(),
  /** A frame on this member's socket that was refused (malformed, oversized, unexpected). */
  z.object({ k: z.literal('frame'), at: z.number(), reason: z.string() }).strict(),
]);
export type Telemetry = z.infer<typeof telemetrySchema>;

export const fromNodeSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('started'),
      pid: z.number().int(),
      address: z.string(),
      tornTail: z.string().nullable(),
      /** Crash leftovers recovery deleted (half-written snapshots, an empty new segment). */
      removed: z.array(z.string()),
      /** The log on disk, compactly: the snapshot's index, the last index, and where each term's run starts. */
      log: z
        .object({
          snapshotIndex: z.number().int().nonnegative(),
          lastIndex: z.number().int().nonnegative(),
          runs: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])),
        })
        .strict(),
    })
    .strict(),
  z.object({ t: z.literal('reply'), req: requestId, outcome: replyOutcomeSchema }).strict(),
  z.object({ t: z.literal('telemetry'), events: z.array(telemetrySchema) }).strict(),
  /** The member cannot run (e.g. its log is corrupt); it exits right after saying why. */
  z.object({ t: z.literal('fatal'), message: z.string() }).strict(),
]);
export type FromNode = z.infer<typeof fromNodeSchema>;
