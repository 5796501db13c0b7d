// A real web server on a real 3-member cluster for the server tests, and a raw HTTP client that
// can send what fetch would not (any Host, any body), always stopped after the test.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { ClusterView } from '../../main/shared/contract.ts';
import type { WebOptions } from '../../main/server/options.ts';
import { Inbox } from '../lib/inbox.ts';
import { startWeb, type WebServer } from '../../main/server/web.ts';

export const defaults: WebOptions = {
  nodes: 3,
  dataDir: null,
  electionTimeoutMs: [150, 300],
  heartbeatMs: 50,
  timeScale: 1,
  port: 0,
  host: '127.0.0.1',
  token: null,
  viewerToken: null,
  staticDir: null,
  workshop: false,
};

type Hook = (fn: () => Promise<void>) => void;

/** Start a web server; `after` (t.after, or node:test's after) stops it. */
export async function startTestWeb(after: Hook | TestContext, options: Partial<WebOptions> = {}): Promise<WebServer> {
  const w = await startWeb({ ...defaults, ...options });
  const stop = (): Promise<void> => w.close();
  if (typeof after === 'function') after(stop);
  else after.after(stop);
  return w;
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

export interface RequestOptions {
  readonly method?: string;
  /** An object is sent as JSON (with Content-Type: application/json); a string or Buffer as is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly token?: string;
}

/** One HTTP request with node:http: any method, headers (Host too) and body. */
export function request(w: WebServer, path: string, o: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  let payload: Buffer | null = null;
  if (o.body !== undefined) {
    if (typeof o.body === 'string' || Buffer.isBuffer(o.body)) payload = Buffer.from(o.body);
    else {
      payload = Buffer.from(JSON.stringify(o.body));
      headers['content-type'] ??= 'application/json';
    }
    if (headers['transfer-encoding'] === undefined) headers['content-length'] ??= String(payload.length);
  }
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${w.url}${path}`, { method: o.method ?? (payload === null ? 'GET' : 'POST'), headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // The server may answer (413, 415) and close before the whole body is sent: the answer counts.
    req.on('error', (e) => setTimeout(() => reject(e), 100));
    req.end(payload ?? undefined);
  });
}

export async function view(w: WebServer, token?: string): Promise<ClusterView> {
  const r = await request(w, '/api/cluster', token === undefined ? {} : { token });
  if (r.status !== 200) throw new Error(`GET /api/cluster: ${r.status} ${r.text}`);
  return r.json as ClusterView;
}

/** Poll `check` on the cluster view every 20 ms until it holds; throws with `what` after `ms`. */
export async function waitForView(
  w: WebServer,
  what: string,
  check: (v: ClusterView) => boolean,
  ms = 5000,
): Promise<ClusterView> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await view(w);
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const wsUrl = (w: WebServer, query = ''): string => `${w.url.replace(/^http/, 'ws')}/api/events${query}`;

/** A WebSocket client that keeps every message with its arrival time. */
export interface WsClient {
  readonly ws: WebSocket;
  readonly messages: { readonly at: number; readonly data: Record<string, unknown> }[];
  /** The next message (after those already taken by `next`) matching `match`. */
  next(match: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  close(): void;
}

export function connect(w: WebServer, query = '', headers: Readonly<Record<string, string>> = {}): Promise<WsClient> {
  const ws = new WebSocket(wsUrl(w, query), { headers });
  const inbox = new Inbox<{ at: number; data: Record<string, unknown> }>();
  ws.on('message', (raw: Buffer) => {
    inbox.push({ at: performance.now(), data: JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
  });
  const client: WsClient = {
    ws,
    messages: inbox.items,
    next: async (match, ms = 5000) => (await inbox.next((m) => match(m.data), ms, 'WebSocket message')).data,
    close: () => ws.terminate(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/**
 * Wait until a stopped server's temp data directory is gone: removing it is the server's last step
 * of stopping, after it has stopped answering. Throws after `ms`.
 */
export async function removedWithin(path: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} still exists ${ms} ms after the server stopped`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A child process started from the repository root, its output collected as it comes. */
export interface Child {
  readonly proc: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export function runChild(command: string, args: readonly string[]): Child {
  const proc = spawn(command, args, { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const child: Child = {
    proc,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  proc.stdout.on('data', (d: Buffer) => (child.stdout += d.toString('utf8')));
  proc.stderr.on('data', (d: Buffer) => (child.stderr += d.toString('utf8')));
  return child;
}
