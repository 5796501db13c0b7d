// Closed-loop clients of the real cluster, through the HTTP API: each sends one request at a time
// (set / get / cas on a few keys, some decisions), records when it was sent and answered and what
// came back, and thinks a little before the next. The history is what the linearizability checker
// reads. How answers count (docs/api.md): 200 and 409 are known outcomes; 503 means "certainly not
// applied", so the request is left out; 504 or no answer means the outcome is unknown.

import { z } from 'zod';
import { chooseRequest, type ClientRequest } from '../lib/kv-requests.ts';
import type { KvOutput, Operation } from '../lib/linearizability.ts';
import { describe, sleep, type ApiAnswer, type RunContext } from './api-client.ts';

export interface ClientOptions {
  readonly clients: number;
  readonly keys: number;
  /** Pause before each request, in ms. */
  readonly thinkMs: readonly [number, number];
}

/** How a request ended, for the counts (the checker only sees known and unknown ones). */
export type Outcome = 'ok' | 'unknown' | 'not applied' | 'unexpected';

/** Every request, with its raw answer: written to the failure file next to the history. */
export interface LoggedRequest {
  readonly client: string;
  readonly request: ClientRequest;
  readonly call: number;
  readonly ret: number;
  readonly answer: string;
  readonly outcome: Outcome;
}

const getBody = z.object({ value: z.string().nullable() });
const casRefused = z.object({ ok: z.literal(false), value: z.string().nullable() });

/** What a known answer says (for the checker), or how else the request ended. */
function outcomeOf(request: ClientRequest, a: ApiAnswer): KvOutput | 'decided' | Exclude<Outcome, 'ok'> {
  if (a.status === 200) {
    if (request.op === 'decide') return 'decided';
    if (request.op === 'set') return { op: 'set' };
    if (request.op === 'cas') return { op: 'cas', ok: true, value: null };
    const body = getBody.safeParse(a.body);
    if (body.success) return { op: 'get', value: body.data.value };
  }
  if (a.status === 409 && request.op === 'cas') {
    const body = casRefused.safeParse(a.body);
    if (body.success) return { op: 'cas', ok: false, value: body.data.value };
  }
  if (a.status === 503) return 'not applied';
  if (a.status === null || a.status === 504) return 'unknown';
  return 'unexpected';
}

export class KvClients {
  readonly history: Operation[] = [];
  readonly log: LoggedRequest[] = [];
  readonly counts: Record<Outcome, number> = { ok: 0, unknown: 0, 'not applied': 0, unexpected: 0 };
  private running: Promise<void>[] = [];
  private stopped = false;
  private readonly ctx: RunContext;
  private readonly o: ClientOptions;

  constructor(ctx: RunContext, o: ClientOptions) {
    this.ctx = ctx;
    this.o = o;
  }

  start(): void {
    this.running = Array.from({ length: this.o.clients }, (_, i) => this.client(`c${i + 1}`));
  }

  /** No new requests; resolves when those under way have been answered (or given up). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async client(name: string): Promise<void> {
    // The values this client last saw, so its compare-and-sets often expect the current one.
    const seen = new Map<string, string | null>();
    const r = this.ctx.r;
    for (let n = 1; ; n++) {
      await sleep(r.int(this.o.thinkMs[0], this.o.thinkMs[1]));
      if (this.stopped) return;
      const request = chooseRequest(r, name, n, this.o.keys, (key) => (r.chance(0.2) ? null : (seen.get(key) ?? null)));
      const call = performance.now() - this.ctx.t0;
      const answer = await this.send(request);
      const ret = performance.now() - this.ctx.t0;
      const result = outcomeOf(request, answer);
      const outcome = typeof result === 'string' && result !== 'decided' ? result : 'ok';
      this.counts[outcome]++;
      this.log.push({ client: name, request, call, ret, answer: describe(answer), outcome });
      if (request.op === 'decide' || outcome === 'not applied') continue;
      const output = typeof result === 'string' ? null : result;
      // An unexpected answer to a write might still hide an effect: it counts as unknown here,
      // and fails the run on its own.
      this.history.push({ client: name, input: request, call, ret: output === null ? null : ret, output });
      if (output?.op === 'get') seen.set(request.key, output.value);
      else if (output?.op === 'cas' && !output.ok) seen.set(request.key, output.value);
      else if (output !== null && request.op !== 'get') seen.set(request.key, request.value);
    }
  }

  private send(request: ClientRequest): Promise<ApiAnswer> {
    return request.op === 'decide'
      ? this.ctx.api.call('POST', '/api/decisions', { text: request.text })
      : this.ctx.api.call('POST', '/api/kv', request);
  }
}
