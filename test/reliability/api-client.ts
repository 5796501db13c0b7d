// The HTTP API as the reliability runs use it (npm run nemesis, npm run crash-points): JSON over
// keep-alive connections, every request with a deadline. A request that gets no answer (timeout,
// refused or reset connection) says so instead of throwing: for a write that means "outcome unknown".

import { z } from 'zod';
import type { Random } from '../sim/random.ts';

/** A client request without an answer after this long has an unknown outcome (the API gives up after 5 s). */
export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Restarts and membership changes are answered when done (a member started, a change committed or
 * given up after 10 election timeouts), which on a loaded machine can take a while.
 */
export const CONTROL_TIMEOUT_MS = 120_000;

export type ApiAnswer =
  { readonly status: number; readonly body: unknown } | { readonly status: null; readonly error: string };

/** The parts of GET /api/cluster the runs look at (the view holds more). */
export const viewSchema = z.object({
  leaderId: z.number().nullable(),
  voters: z.array(z.number()),
  learners: z.array(z.number()),
  nodes: z.array(
    z.object({
      id: z.number(),
      status: z.enum(['starting', 'running', 'crashed', 'paused', 'stopped']),
      role: z.string(),
      commitIndex: z.number(),
      appliedIndex: z.number(),
      pid: z.number().nullable(),
    }),
  ),
});
export type View = z.infer<typeof viewSchema>;

export const memberStateSchema = z.object({
  id: z.number(),
  applied: z.number(),
  digest: z.string(),
  keys: z.number(),
  decisions: z.number(),
});
export type MemberState = z.infer<typeof memberStateSchema>;

export const eventsSchema = z.array(z.object({ seq: z.number(), kind: z.string() }).loose());

/** What each participant of a run (clients, nemesis) works with. */
export interface RunContext {
  readonly api: ApiClient;
  /** Its own stream of random choices. */
  readonly r: Random;
  /** When the run started (performance.now()): times in the records are ms since then. */
  readonly t0: number;
}

export class ApiClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(base: string, timeoutMs: number) {
    this.base = base;
    this.timeoutMs = timeoutMs;
  }

  async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      return { status: null, error: `${e instanceof Error ? e.message : String(e)}${cause}` };
    }
  }

  /** A request that must succeed; its body parsed with `schema`. */
  async expect<T>(schema: z.ZodType<T>, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const a = await this.call(method, path, body);
    if (a.status !== 200) throw new Error(`${method} ${path}: ${describe(a)}`);
    return schema.parse(a.body);
  }

  view(): Promise<View> {
    return this.expect(viewSchema, 'GET', '/api/cluster');
  }

  /**
   * The recorded events (GET /api/events, page by page) but the two most numerous kinds, apply and
   * client (each entry applied by each member, each request): what a failure file needs to show
   * how the cluster got there. The supervisor keeps the most recent 200000 events.
   */
  async events(): Promise<unknown[]> {
    const page = 100_000;
    const out: unknown[] = [];
    for (let since = 0; ;) {
      const events = await this.expect(eventsSchema, 'GET', `/api/events?since=${since}&limit=${page}`);
      out.push(...events.filter((e) => e.kind !== 'apply' && e.kind !== 'client'));
      if (events.length < page) return out;
      since = events.at(-1)!.seq;
    }
  }

  /** Poll the view until `check` holds; null after `ms`. */
  async waitForView(check: (v: View) => boolean, ms: number): Promise<View | null> {
    const deadline = performance.now() + ms;
    for (;;) {
      const v = await this.view();
      if (check(v)) return v;
      if (performance.now() > deadline) return null;
      await sleep(50);
    }
  }
}

/** An answer in a few words: `200 {...}`, `504 {...}`, or `no answer: ...`. */
export function describe(a: ApiAnswer): string {
  return a.status === null ? `no answer: ${a.error}` : `${a.status} ${JSON.stringify(a.body)}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
