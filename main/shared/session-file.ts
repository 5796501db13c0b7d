// A recorded session in a file: what a window received from the cluster (its events and the views
// it was sent), and where its replay starts, so the session can be replayed later anywhere (a demo
// offline, a bug report). Every door that reads one validates it here, with `parseSessionFile`:
// a bad file gets one clear error naming what is wrong, and changes nothing.

import { z } from 'zod';
import {
  clusterEventSchema,
  clusterViewSchema,
  configurationShape,
  countSchema as count,
  entryViewSchema,
  memberStatusSchema,
  networkSchema,
  nodeIdSchema,
  raftStateShape,
  settingsViewSchema,
  type ClusterEvent,
  type DeepReadonly,
} from './contract.ts';

export const SESSION_FORMAT = 'raft-society-session';
export const SESSION_VERSION = 1;
/** More events than this is not a session this app recorded (it keeps far fewer). */
export const MAX_SESSION_EVENTS = 1_000_000;

/** One member as the window showed it at some moment, minutes book included. */
export const memberSnapshotSchema = z
  .object({
    id: nodeIdSchema,
    name: z.string().min(1).max(200),
    ...raftStateShape,
    status: memberStatusSchema,
    pid: count.nullable(),
    /** When its election timer last restarted (the cluster's clock, ms since the epoch). */
    timerResetAt: z.number(),
    book: z.array(entryViewSchema).max(100_000),
    snapshotIndex: count,
    config: z.object(configurationShape).strict().nullable(),
  })
  .strict();

/** The society as the window showed it after event `seq`: where a replay may start. */
export const societySnapshotSchema = z
  .object({
    seq: count,
    at: z.number(),
    members: z.array(memberSnapshotSchema).max(999),
    network: networkSchema,
    settings: settingsViewSchema,
  })
  .strict();
export type SocietySnapshot = DeepReadonly<z.infer<typeof societySnapshotSchema>>;

export const sessionFileSchema = z
  .object({
    format: z.literal(SESSION_FORMAT),
    version: z.literal(SESSION_VERSION),
    /** When the file was written (ISO 8601). */
    recordedAt: z.iso.datetime({ offset: true }),
    /** Where: which door, and the page or app it was recorded in. */
    recordedFrom: z.object({ door: z.enum(['desktop', 'browser']), location: z.string().max(2048) }).strict(),
    /**
     * The state after event `start.seq`, from which the events replay; null when the events begin
     * with the cluster's first (seq 1), so the replay starts from nothing.
     */
    start: societySnapshotSchema.nullable(),
    /** The cluster views the window was sent (each with the seq it reflects). */
    views: z.array(z.object({ seq: count, view: clusterViewSchema }).strict()).max(10_000),
    /** Every event, in order and without gaps; those up to `start.seq` are kept for the record. */
    events: z.array(clusterEventSchema).max(MAX_SESSION_EVENTS),
  })
  .strict();
export type SessionFile = DeepReadonly<z.infer<typeof sessionFileSchema>>;

export type SessionParse =
  { readonly ok: true; readonly session: SessionFile } | { readonly ok: false; readonly error: string };

const fail = (error: string): SessionParse => ({ ok: false, error });
/** A JSON value in words for an error; a missing one says so. */
const shown = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

/** Where the replay can go wrong although every field is well formed: gaps, a missing beginning. */
function continuityProblem(start: SessionFile['start'], events: readonly ClusterEvent[]): string | null {
  const first = events[0];
  if (first === undefined) return 'the session has no events';
  for (let i = 1; i < events.length; i++)
    if (events[i]!.seq !== events[i - 1]!.seq + 1)
      return `events are not consecutive: event ${i} has seq ${events[i]!.seq} after seq ${events[i - 1]!.seq}`;
  const from = start?.seq ?? 0;
  if (first.seq > from + 1)
    return start === null
      ? `the events begin at seq ${first.seq}, not at the cluster's first (seq 1), and there is no start state`
      : `the events begin at seq ${first.seq}, after the start state's seq ${from}: events ${from + 1}-${first.seq - 1} are missing`;
  const last = events.at(-1)!.seq;
  if (last < from) return `the events end at seq ${last}, before the start state's seq ${from}`;
  return null;
}

/**
 * Read a session file's text. Pure and total: any input gives either the session or one error in
 * words that names the problem (the field's path for a malformed one).
 */
export function parseSessionFile(text: string): SessionParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not a session file: it is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('not a session file: expected a JSON object');
  const format = (raw as { format?: unknown }).format;
  if (format !== SESSION_FORMAT)
    return fail(`not a Raft Society session: "format" is ${shown(format)}, not "${SESSION_FORMAT}"`);
  const version = (raw as { version?: unknown }).version;
  if (version !== SESSION_VERSION)
    return fail(
      typeof version === 'number' && version > SESSION_VERSION
        ? `this session is version ${version}, made by a newer Raft Society; this one reads version ${SESSION_VERSION}`
        : `unknown session version (${shown(version)}); this app reads version ${SESSION_VERSION}`,
    );
  const parsed = sessionFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    return fail(`${issue.path.join('.') || 'the file'}: ${issue.message}${more}`);
  }
  const session: SessionFile = parsed.data;
  const problem = continuityProblem(session.start, session.events);
  return problem === null ? { ok: true, session } : fail(problem);
}
