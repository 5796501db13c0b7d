// The replicated state machine of Harmony Heights: a key-value store (set / get / compare-and-set),
// the minutes book of society decisions, and the client sessions that make retries exactly-once.
// Deterministic: every member that applies the same log reaches the same state.

import { z } from 'zod';
import {
  commandSchema,
  keySchema,
  operationResultSchema,
  valueSchema,
  type Command,
  type OperationResult,
} from './commands.ts';
import type { Entry } from '../raft/types.ts';

export interface Decision {
  /** Position in the minutes book, from 1. */
  readonly number: number;
  readonly text: string;
  /** The log index it was committed at. */
  readonly index: number;
}

interface Session {
  /** Answers kept for retries, by seq; everything below `ackedBelow` is forgotten. */
  readonly results: Map<number, OperationResult>;
  ackedBelow: number;
  lastIndex: number;
}

/** Bound on remembered clients; the least recently active is forgotten first (same on every member). */
export const MAX_SESSIONS = 4096;
/** Bound on answers one client may have outstanding. */
export const MAX_OUTSTANDING_PER_CLIENT = 1024;

const imageSchema = z
  .object({
    applied: z.number().int().nonnegative(),
    kv: z.array(z.tuple([keySchema, valueSchema])),
    decisions: z.array(z.object({ number: z.number().int().positive(), text: z.string(), index: z.number().int() })),
    sessions: z.array(
      z.object({
        client: z.string(),
        ackedBelow: z.number().int().positive(),
        lastIndex: z.number().int(),
        results: z.array(z.tuple([z.number().int().positive(), operationResultSchema])),
      }),
    ),
  })
  .strict();

export class SocietyState {
  private readonly kv = new Map<string, string>();
  private readonly minutes: Decision[] = [];
  private readonly sessions = new Map<string, Session>();
  appliedIndex = 0;

  get(key: string): string | null {
    return this.kv.get(key) ?? null;
  }

  decisions(): readonly Decision[] {
    return this.minutes;
  }

  size(): number {
    return this.kv.size;
  }

  /**
   * Apply one committed entry. Returns the answer for a client command (null for entries that carry
   * none: no-ops and membership changes). Never throws on bad data: a command that fails validation
   * is answered "rejected" identically on every member.
   */
  apply(entry: Entry): { command: Command | null; result: OperationResult | null } {
    if (entry.index !== this.appliedIndex + 1) {
      throw new RangeError(`entry ${entry.index} applied out of order (applied up to ${this.appliedIndex})`);
    }
    this.appliedIndex = entry.index;
    if (entry.payload.kind !== 'command') return { command: null, result: null };
    let raw: unknown;
    try {
      raw = JSON.parse(entry.payload.data);
    } catch {
      return { command: null, result: { op: 'rejected', error: 'command is not JSON', index: entry.index } };
    }
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) {
      return { command: null, result: { op: 'rejected', error: parsed.error.message, index: entry.index } };
    }
    return { command: parsed.data, result: this.applyCommand(parsed.data, entry.index) };
  }

  private applyCommand(c: Command, index: number): OperationResult {
    const session = this.session(c.client, index);
    // Retries of an answered request get the same answer and change nothing (dissertation §6.3).
    const earlier = session.results.get(c.seq);
    if (earlier !== undefined) return earlier;
    if (c.seq < session.ackedBelow) {
      return { op: 'rejected', error: `request ${c.seq} of ${c.client} was already answered and forgotten`, index };
    }
    if (c.ackedBelow > session.ackedBelow) {
      session.ackedBelow = c.ackedBelow;
      for (const seq of session.results.keys()) if (seq < c.ackedBelow) session.results.delete(seq);
    }
    const result = this.execute(c, index);
    session.results.set(c.seq, result);
    if (session.results.size > MAX_OUTSTANDING_PER_CLIENT) {
      const oldest = Math.min(...session.results.keys());
      session.results.delete(oldest);
      session.ackedBelow = Math.max(session.ackedBelow, oldest + 1);
    }
    return result;
  }

  private execute(c: Command, index: number): OperationResult {
    const op = c.op;
    switch (op.op) {
      case 'set':
        this.kv.set(op.key, op.value);
        return { op: 'set', index };
      case 'cas': {
        const current = this.get(op.key);
        if (current !== op.expected) return { op: 'cas', ok: false, value: current, index };
        this.kv.set(op.key, op.value);
        return { op: 'cas', ok: true, value: op.value, index };
      }
      case 'decide': {
        const decision = { number: this.minutes.length + 1, text: op.text, index };
        this.minutes.push(decision);
        return { op: 'decide', number: decision.number, index };
      }
    }
  }

  private session(client: string, index: number): Session {
    let s = this.sessions.get(client);
    if (s === undefined) {
      s = { results: new Map(), ackedBelow: 1, lastIndex: index };
      this.sessions.set(client, s);
      if (this.sessions.size > MAX_SESSIONS) this.evictLeastRecent();
    }
    s.lastIndex = index;
    // Map order is insertion order: re-inserting keeps the most recently active client last.
    this.sessions.delete(client);
    this.sessions.set(client, s);
    return s;
  }

  private evictLeastRecent(): void {
    const oldest = this.sessions.keys().next();
    if (!oldest.done) this.sessions.delete(oldest.value);
  }

  /** The image stored in a snapshot. */
  serialize(): string {
    return JSON.stringify({
      applied: this.appliedIndex,
      kv: [...this.kv],
      decisions: this.minutes,
      sessions: [...this.sessions].map(([client, s]) => ({
        client,
        ackedBelow: s.ackedBelow,
        lastIndex: s.lastIndex,
        results: [...s.results],
      })),
    });
  }

  /**
   * Rebuild from a snapshot taken at log index `index`; throws a clear error (and builds nothing) if
   * the image is malformed or belongs to another index.
   */
  static restore(data: string, index: number): SocietyState {
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch (e) {
      throw new Error(`snapshot image is not JSON: ${(e as Error).message}`, { cause: e });
    }
    const parsed = imageSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`snapshot image is malformed: ${z.prettifyError(parsed.error)}`);
    const image = parsed.data;
    if (image.applied !== index)
      throw new Error(`snapshot image holds state at index ${image.applied}, the snapshot says ${index}`);
    const state = new SocietyState();
    state.appliedIndex = image.applied;
    for (const [k, v] of image.kv) state.kv.set(k, v);
    state.minutes.push(...image.decisions);
    for (const s of image.sessions) {
      state.sessions.set(s.client, {
        ackedBelow: s.ackedBelow,
        lastIndex: s.lastIndex,
        results: new Map(s.results),
      });
    }
    return state;
  }
}
