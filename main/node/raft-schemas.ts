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
  .strict()
  // A member listed twice would count twice in a majority.
  .refine((m) => new Set([...m.voters, ...m.learners]).size === m.voters.length + m.learners.length, {
    message: 'a member is listed more than once',
  }) satisfies z.ZodType<Membership>;

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

/**
 * The largest term or index a peer may claim: far beyond any real cluster, and far enough below
 * 2^53 that counting on from it stays exact. A claimed term of 2^53 - 1 once made a member adopt
 * it, campaign at 2^53, and fail to write that term to its WAL on every restart after.
 */
export const MAX_CLAIM = 2 ** 48;
const claimedIndex = index.max(MAX_CLAIM);
const claimedTerm = term.max(MAX_CLAIM);

const envelope = { from: nodeId, to: nodeId, term: claimedTerm };

/**
 * What every message a correct member sends satisfies beyond its fields' types, so the engine never
 * meets a message no leader or candidate could have sent: a log's terms never decrease along it
 * and never exceed the sender's term; an append carries consecutive entries right after prevIndex;
 * a snapshot covers at least one entry and has voters. The first rule broken, or null.
 */
function inconsistency(m: Message): { readonly path: (string | number)[]; readonly message: string } | null {
  switch (m.type) {
    case 'vote':
    case 'prevote':
      if (m.lastTerm > m.term) return { path: ['lastTerm'], message: `a log term after the sender's term ${m.term}` };
      if ((m.lastIndex === 0) !== (m.lastTerm === 0))
        return { path: ['lastTerm'], message: 'an empty log has term 0, and only an empty log' };
      return null;
    case 'append': {
      if (m.prevTerm > m.term) return { path: ['prevTerm'], message: `a log term after the sender's term ${m.term}` };
      if ((m.prevIndex === 0) !== (m.prevTerm === 0))
        return { path: ['prevTerm'], message: 'index 0 has term 0, and only index 0' };
      let previous = m.prevTerm;
      for (const [k, e] of m.entries.entries()) {
        if (e.index !== m.prevIndex + 1 + k)
          return { path: ['entries', k, 'index'], message: `expected index ${m.prevIndex + 1 + k} after prevIndex` };
        if (e.term < previous || e.term > m.term)
          return { path: ['entries', k, 'term'], message: `terms must not decrease nor exceed the sender's term` };
        previous = e.term;
      }
      return null;
    }
    case 'snapshot': {
      const s = m.snapshot;
      if (s.index === 0 || s.term === 0)
        return { path: ['snapshot'], message: 'a snapshot covers at least one entry, of term 1 or later' };
      if (s.index > MAX_CLAIM) return { path: ['snapshot', 'index'], message: `beyond ${MAX_CLAIM}` };
      if (s.term > m.term)
        return { path: ['snapshot', 'term'], message: `a log term after the sender's term ${m.term}` };
      if (s.membership.voters.length === 0) return { path: ['snapshot', 'membership', 'voters'], message: 'no voters' };
      return null;
    }
    default:
      return null;
  }
}

const messageFields = z.discriminatedUnion('type', [
  z
    .object({
      ...envelope,
      type: z.enum(['vote', 'prevote']),
      lastIndex: claimedIndex,
      lastTerm: claimedTerm,
      transfer: z.boolean(),
    })
    .strict(),
  z.object({ ...envelope, type: z.enum(['voteResp', 'prevoteResp']), granted: z.boolean() }).strict(),
  z
    .object({
      ...envelope,
      type: z.literal('append'),
      prevIndex: claimedIndex,
      prevTerm: claimedTerm,
      entries: z.array(entrySchema).max(10_000),
      commit: claimedIndex,
    })
    .strict(),
  z
    .object({
      ...envelope,
      type: z.literal('appendResp'),
      index: claimedIndex,
      reject: z.boolean(),
      hintIndex: claimedIndex,
      hintTerm: claimedTerm,
    })
    .strict(),
  z.object({ ...envelope, type: z.literal('heartbeat'), commit: claimedIndex, readContext: claimedIndex }).strict(),
  z.object({ ...envelope, type: z.literal('heartbeatResp'), readContext: claimedIndex }).strict(),
  z.object({ ...envelope, type: z.literal('snapshot'), snapshot: snapshotSchema }).strict(),
  z.object({ ...envelope, type: z.literal('timeoutNow') }).strict(),
]);

export const messageSchema = messageFields.superRefine((m, ctx) => {
  const problem = inconsistency(m);
  if (problem !== null) ctx.addIssue({ code: 'custom', ...problem });
}) satisfies z.ZodType<Message>;
