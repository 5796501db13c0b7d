// The HTTP door of the command contract: every route is one supervisor command (or a read of the
// recording), JSON in and out, the supervisor's own status and body passed through unchanged.
// This layer only decides who may ask (tokens, Host, Origin) and whether the request is well
// formed (size, content type, JSON); a request refused here never reaches the cluster.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, resolve, sep } from 'node:path';
import type { Supervisor } from '../cluster/supervisor.ts';
import type { CommandName, CommandResult } from '../shared/contract.ts';
import { accessOf, originProblem, presentedToken, type Access, type AuthConfig } from './auth.ts';
import { EventStream, type EventStreamOptions } from './event-stream.ts';
import type { ViewerJoin } from './join.ts';

/** What the API needs of the supervisor. */
export type ClusterDoor = Pick<Supervisor, 'execute' | 'view' | 'events' | 'safety' | 'metrics' | 'subscribe'>;

export interface ApiOptions {
  readonly door: ClusterDoor;
  readonly auth: AuthConfig;
  /** The Host header values accepted (loopback only), known once the server listens; null = any. */
  readonly hosts: () => Set<string> | null;
  /** Serve a built UI from here at `/`; null: a plain-text page that lists the API. */
  readonly staticDir: string | null;
  readonly stream?: Partial<EventStreamOptions>;
  /** How viewers join (/j/<code>, the links an admin's hello carries), known once the server listens; null: no viewer token. */
  readonly join?: () => ViewerJoin | null;
}

export const BODY_LIMIT = 64 * 1024;
/** Events returned by one GET /api/events at most; page on with ?since=<last seq>. */
export const EVENTS_PAGE_DEFAULT = 10_000;
export const EVENTS_PAGE_MAX = 100_000;

type Method = 'GET' | 'POST' | 'DELETE';
type Json = Record<string, unknown>;

interface RouteContext {
  readonly params: Readonly<Record<string, number>>;
  readonly body: Json;
  readonly query: URLSearchParams;
  readonly access: Access;
}

interface Route {
  readonly method: Method;
  /** Segments; `:id` captures a member id. */
  readonly path: string;
  /** Commands change the cluster: admin only. Reads are open to viewers too. */
  readonly changes: boolean;
  readonly summary: string;
  readonly run: (door: ClusterDoor, c: RouteContext) => Promise<CommandResult> | CommandResult;
}

const bad = (error: string, status = 400): CommandResult => ({ status, body: { error } });

/** A command whose input is the JSON body, with the path's `:id` (if any) added to it. */
function command(name: CommandName, idKey = 'id'): Route['run'] {
  return (door, { params, body }) => {
    const input: Json = { ...body };
    if (params.id !== undefined) {
      if (Object.hasOwn(body, idKey)) return bad(`the member id belongs in the path, not in the body`);
      input[idKey] = params.id;
    }
    return door.execute(name, input);
  };
}

function count(query: URLSearchParams, key: string, fallback: number, max: number): number | string {
  const raw = query.get(key);
  if (raw === null) return fallback;
  if (!/^\d{1,16}$/.test(raw) || Number(raw) > max) return `${key} must be a whole number from 0 to ${max}`;
  return Number(raw);
}

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/cluster',
    changes: false,
    summary: 'the cluster view: term, chairman (leaderId), members, links, settings',
    run: (door) => door.execute('cluster.get', {}),
  },
  ...(['crash', 'restart', 'pause', 'resume'] as const).map((action): Route => ({
    method: 'POST',
    path: `/api/nodes/:id/${action}`,
    changes: true,
    summary: `${action} member :id`,
    run: command(`node.${action}`),
  })),
  {
    method: 'POST',
    path: '/api/links',
    changes: true,
    summary: 'cut or restore a link: { from, to, state: "cut" | "up", oneWay? }',
    run: command('link.set'),
  },
  {
    method: 'POST',
    path: '/api/links/fault',
    changes: true,
    summary: 'a flaky link: { from, to, delayMs?, jitterMs?, loss?, duplicate?, entriesOnly?, oneWay? }',
    run: command('link.fault'),
  },
  {
    method: 'POST',
    path: '/api/partition',
    changes: true,
    summary: 'split the society: { groups: [[1,2],[3,4,5]] }',
    run: command('partition'),
  },
  { method: 'POST', path: '/api/heal', changes: true, summary: 'restore every link', run: command('heal') },
  {
    method: 'POST',
    path: '/api/kv',
    changes: true,
    summary: '{ op: "set", key, value } | { op: "get", key } | { op: "cas", key, expected, value }',
    run: command('kv'),
  },
  {
    method: 'POST',
    path: '/api/decisions',
    changes: true,
    summary: 'record a decision in the minutes book: { text }',
    run: command('decide'),
  },
  {
    method: 'POST',
    path: '/api/members',
    changes: true,
    summary: 'add a member: { learner? }',
    run: command('member.add'),
  },
  {
    method: 'DELETE',
    path: '/api/members/:id',
    changes: true,
    summary: 'remove member :id from the society',
    run: (door, { params }) => door.execute('member.remove', { id: params.id }),
  },
  {
    method: 'POST',
    path: '/api/members/:id/promote',
    changes: true,
    summary: 'promote learner :id to a voter',
    run: command('member.promote'),
  },
  {
    method: 'GET',
    path: '/api/members/:id/state',
    changes: false,
    summary: 'what member :id has applied: { id, applied, digest, keys, decisions }',
    run: (door, { params }) => door.execute('member.state', { id: params.id }),
  },
  {
    method: 'POST',
    path: '/api/leader',
    changes: true,
    summary: 'hand the chair over: { to }',
    run: command('leader.transfer'),
  },
  {
    method: 'POST',
    path: '/api/settings',
    changes: true,
    summary: '{ timeScale?, preVote?, checkQuorum?, messageTelemetry? }',
    run: command('settings.set'),
  },
  {
    method: 'GET',
    path: '/api/events',
    changes: false,
    summary: `recorded events after ?since=SEQ (at most ?limit=N, default ${EVENTS_PAGE_DEFAULT}); WebSocket: live`,
    run: (door, { query }) => {
      const since = count(query, 'since', 0, Number.MAX_SAFE_INTEGER);
      const limit = count(query, 'limit', EVENTS_PAGE_DEFAULT, EVENTS_PAGE_MAX);
      if (typeof since === 'string') return bad(since);
      if (typeof limit === 'string') return bad(limit);
      return { status: 200, body: door.events(since).slice(0, limit) };
    },
  },
  {
    method: 'GET',
    path: '/api/whoami',
    changes: false,
    summary: 'what the token presented may do: { access: "admin" | "viewer" }',
    run: (_door, { access }) => ({ status: 200, body: { access } }),
  },
  {
    method: 'GET',
    path: '/api/safety',
    changes: false,
    summary: "the safety monitor: each property's checks, evidence and violations (none, we hope)",
    run: (door) => ({ status: 200, body: door.safety() }),
  },
  {
    method: 'GET',
    path: '/api/metrics',
    changes: false,
    summary: 'leader changes, election durations, client latency and throughput, replication lag',
    run: (door) => ({ status: 200, body: door.metrics() }),
  },
];

/** The routes whose path matches, with the captured member id. */
function match(pathname: string): { route: Route; params: Record<string, number> | string }[] {
  const segments = pathname.split('/');
  const found: { route: Route; params: Record<string, number> | string }[] = [];
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    let params: Record<string, number> | string = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i]!;
      const s = segments[i]!;
      if (p.startsWith(':')) {
        if (/^\d{1,9}$/.test(s)) {
          if (typeof params !== 'string') params[p.slice(1)] = Number(s);
        } else params = `the member id must be a whole number, got "${decodeSafely(s)}"`;
      } else ok = p === s;
    }
    if (ok) found.push({ route, params });
  }
  return found;
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s).slice(0, 64);
  } catch {
    return s.slice(0, 64);
  }
}

const securityHeaders = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/** What to answer: JSON, plain text, or a file of the static UI. */
type Answer =
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly text: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: 200; readonly file: string; readonly size: number };

const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Answer => ({
  status,
  json: body,
  headers,
});
const text = (status: number, body: string, headers: Readonly<Record<string, string>> = {}): Answer => ({
  status,
  text: body,
  headers,
});

function write(req: IncomingMessage, res: ServerResponse, a: Answer): void {
  if (res.headersSent) return;
  if ('file' in a) {
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentTypes[extname(a.file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': a.size,
    });
    if (req.method === 'HEAD') res.end();
    else
      createReadStream(a.file)
        .on('error', () => res.destroy())
        .pipe(res);
    return;
  }
  const [type, payload] =
    'json' in a
      ? ['application/json; charset=utf-8', JSON.stringify(a.json ?? null)]
      : ['text/plain; charset=utf-8', a.text];
  res.writeHead(a.status, {
    ...securityHeaders,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(payload),
    ...a.headers,
  });
  res.end(payload);
}

const isJson = (type: string): boolean => /^application\/([\w.+-]+\+)?json\s*(;.*)?$/i.test(type.trim());

const refuse = (error: string, status = 400): { readonly refused: CommandResult } => ({ refused: bad(error, status) });

/** The request's JSON object body, or the reason (with status) it is refused. */
async function readJsonBody(
  req: IncomingMessage,
): Promise<{ readonly body: Json } | { readonly refused: CommandResult }> {
  const type = req.headers['content-type'];
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (type !== undefined ? !isJson(type) : hasBody)
    return refuse(`send JSON with Content-Type: application/json (got ${type ?? 'no Content-Type'})`, 415);
  if (length !== undefined && Number(length) > BODY_LIMIT)
    return refuse(`the body is larger than ${BODY_LIMIT} bytes`, 413);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) return refuse(`the body is larger than ${BODY_LIMIT} bytes`, 413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { body: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return refuse(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse('the body must be a JSON object');
  return { body: value as Json };
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The page at `/` when no UI is served: what the API offers. */
export function indexText(): string {
  const lines = routes.map((r) => `  ${r.method.padEnd(6)} ${r.path.padEnd(26)} ${r.summary}`);
  return [
    'Raft Society: Harmony Heights, a real Raft cluster',
    '',
    'The API (JSON in and out; see docs/api.md):',
    ...lines,
    '  WS     /api/events                { type: "hello", view } then { type: "events", events } batches;',
    '                                    send { type: "command", id, name, input } for { type: "result", ... }',
    '',
    'With a token configured, send Authorization: Bearer <token> or ?token=<token>.',
    '',
  ].join('\n');
}

async function staticFile(root: string, pathname: string): Promise<Answer> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return text(400, 'bad path\n');
  }
  if (rel.includes('\0')) return text(400, 'bad path\n');
  const base = resolve(root);
  let file = resolve(base, `.${rel.endsWith('/') ? `${rel}index.html` : rel}`);
  if (file !== base && !file.startsWith(base + sep)) return text(404, 'not found\n');
  let st = await stat(file).catch(() => null);
  if (st?.isDirectory() === true) {
    file = resolve(file, 'index.html');
    st = await stat(file).catch(() => null);
  }
  if (st?.isFile() !== true) return text(404, 'not found\n');
  return { status: 200, file, size: st.size };
}

export interface Api {
  /** The `request` handler of a node:http server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The `upgrade` handler: the WebSocket at /api/events. */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly stream: EventStream;
  /** Close every WebSocket and stop listening to the supervisor. */
  readonly close: () => Promise<void>;
}

const isApi = (pathname: string): boolean => pathname === '/api' || pathname.startsWith('/api/');

/** /j/<code>: a short join address (see join.ts). */
const JOIN_PATH = /^\/j\/([^/]{1,64})$/;

export function createApi(o: ApiOptions): Api {
  const join = o.join ?? (() => null);
  // An admin's hello carries the viewers' join links for the Share dialog; a viewer's never does.
  const stream = new EventStream(o.door, o.stream, (access) => (access === 'admin' ? (join()?.links() ?? null) : null));

  /** Host, Origin and token: who may go on, and how far. */
  function admit(req: IncomingMessage, url: URL): { access: Access } | { status: number; error: string } {
    const problem = originProblem(req.headers, o.hosts());
    if (problem !== null) return problem;
    if (!isApi(url.pathname)) return { access: 'viewer' };
    const access = accessOf(o.auth, presentedToken(req.headers, url.searchParams));
    return access === null
      ? { status: 401, error: 'a valid token is required (Authorization: Bearer <token>)' }
      : { access };
  }

  async function answer(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://x');
    const admitted = admit(req, url);
    if ('error' in admitted)
      return json(
        admitted.status,
        { error: admitted.error },
        admitted.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="raft-society"' } : {},
      );
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');

    if (!isApi(url.pathname)) {
      if (method !== 'GET') return text(405, 'only GET here\n', { Allow: 'GET, HEAD' });
      const code = JOIN_PATH.exec(url.pathname)?.[1];
      const viewers = join();
      if (code !== undefined && viewers !== null) {
        const a = viewers.answer(decodeSafely(code), req.socket.remoteAddress ?? '');
        return a.status === 302
          ? text(302, 'joining as a viewer\n', { Location: a.location })
          : text(a.status, `${a.error}\n`);
      }
      if (o.staticDir !== null) return staticFile(o.staticDir, url.pathname);
      return url.pathname === '/' ? text(200, indexText()) : text(404, 'not found; see /\n');
    }

    const candidates = match(url.pathname);
    if (candidates.length === 0) return json(404, { error: `no route ${url.pathname}; see / for the list` });
    const found = candidates.find((c) => c.route.method === method);
    if (found === undefined) {
      const allow = [
        ...new Set(candidates.flatMap((c) => (c.route.method === 'GET' ? ['GET', 'HEAD'] : [c.route.method]))),
      ];
      return json(
        405,
        { error: `${req.method ?? '?'} is not allowed here; use ${allow.join(' or ')}` },
        { Allow: allow.join(', ') },
      );
    }
    const { route, params } = found;
    if (route.changes && admitted.access !== 'admin')
      return json(403, { error: 'the viewer token may look but not command' });
    if (typeof params === 'string') return json(400, { error: params });
    let body: Json = {};
    if (method === 'POST') {
      const read = await readJsonBody(req);
      if ('refused' in read) {
        const { status, body: error } = read.refused;
        // A refused body may be left unread: close the connection after answering.
        return json(status, error, status === 413 || status === 415 ? { Connection: 'close' } : {});
      }
      body = read.body;
    }
    const result = await route.run(o.door, { params, body, query: url.searchParams, access: admitted.access });
    return json(result.status, result.body);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const reject = (status: number, error: string): void => {
      const text = JSON.stringify({ error });
      socket.end(
        `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\nCache-Control: no-store\r\n` +
          (status === 401 ? 'WWW-Authenticate: Bearer realm="raft-society"\r\n' : '') +
          `\r\n${text}`,
      );
    };
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const admitted = admit(req, url);
      if ('error' in admitted) return reject(admitted.status, admitted.error);
      if (url.pathname !== '/api/events') return reject(404, `no WebSocket at ${url.pathname}; use /api/events`);
      const since = url.searchParams.has('since') ? count(url.searchParams, 'since', 0, Number.MAX_SAFE_INTEGER) : null;
      if (typeof since === 'string') return reject(400, since);
      stream.accept(req, socket, head, admitted.access, since);
    } catch (e) {
      reject(500, e instanceof Error ? e.message : String(e));
    }
  }

  return {
    handle: (req, res) => {
      answer(req)
        .catch((e: unknown) => json(500, { error: `internal error: ${e instanceof Error ? e.message : String(e)}` }))
        .then((a) => write(req, res, a))
        // A bug must not take the server down: at worst this connection is dropped.
        .catch(() => res.destroy());
    },
    upgrade,
    stream,
    close: () => stream.close(),
  };
}

const statusText: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  500: 'Internal Server Error',
};
