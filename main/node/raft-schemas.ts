// Schemas for the engine's plain data as it crosses a boundary: socket frames between members and
// records read back from disk. The engine itself stays free of dependencies; whatever reaches it
// from outside has passed these first.

import { z } from 'zod';
import type { Entry, HardState, Membership, Message, Snapshot } from '../raft/types.ts';

const nodeId = z.number().int().min(1).max(65535);
const index = z.number().int().nonnegative();
const term = z.number().int().nonnegative();

export const membershipSchema = z
  .object({ voters: z.array(nodeId).max(256).readonly(), learners: z.array(nodeId).max(256).readonly() })
  .strict() satisfies z.ZodType<Membership>;

const membershipChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('addVoter'), node: nodeId }).strict(),
  z.object({ kind: z.literal('addLearner'), node: nodeId }).strict(),
  z.object({ kind: z.literal('promoteLearner'), node: nodeId }).strict(),
  z.object({ kind: z.literal('remove'), node: nodeId }).strict(),
]);

/** Bound on one command's text: the API accepts less, this only stops absurd frames. */
export const MAX_COMMAND_BYTES = 256 * 1024;

export const entrySchema = z
  .object({
    index: index.min(1),
    term: term.min(1),
    payload: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('noop') }).strict(),
      z.object({ kind: z.literal('command'), data: z.string().max(MAX_COMMAND_BYTES) }).strict(),
      z.object({ kind: z.literal('membership'), change: membershipChange, membership: membershipSchema }).strict(),
    ]),
  })
  .strict() satisfies z.ZodType<Entry>;

export const hardStateSchema = z
  .object({ term, vote: nodeId.nullable(), commit: index })
  .strict() satisfies z.ZodType<HardState>;

export const snapshotSchema = z
  .object({ index, term, membership: membershipSchema, data: z.string() })
  .strict() satisfies z.ZodType<Snapshot>;

const envelope = { from: nodeId, to: nodeId, term };

export const messageSchema = z.discriminatedUnion('type', [
  z
    .object({ ...envelope, type: z.enum(['vote', 'prevote']), lastIndex: index, lastTerm: term, transfer: z.boolean() })
    .strict(),
  z.object({ ...envelope, type: z.enum(['voteResp', 'prevoteResp']), granted: z.boolean() }).strict(),
  z
    .object({
      ...envelope,
      type: z.literal('append'),
      prevIndex: index,
      prevTerm: term,
      entries: z.array(entrySchema).max(10_000),
      commit: index,
    })
    .strict(),
  z
    .object({
      ...envelope,
      type: z.literal('appendResp'),
      index,
      reject: z.boolean(),
      hintIndex: index,
      hintTerm: term,
    })
    .strict(),
  z.object({ ...envelope, type: z.literal('heartbeat'), commit: index, readContext: index }).strict(),
  z.object({ ...envelope, type: z.literal('heartbeatResp'), readContext: index }).strict(),
  z.object({ ...envelope, type: z.literal('snapshot'), snapshot: snapshotSchema }).strict(),
  z.object({ ...envelope, type: z.literal('timeoutNow') }).strict(),
]) satisfies z.ZodType<Message>;
