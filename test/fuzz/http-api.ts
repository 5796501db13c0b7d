// Fuzzing the HTTP API of `npm run web` on a real server and a real cluster, started once: bad
// commands through their routes, bodies that are not JSON or too big or of another type, paths
// and methods that do not exist, a Host or Origin that is not ours, and raw bytes that are not
// HTTP at all. Each is refused with a status and a message naming the problem, the society is
// as it was after every one, and the server answers on. It listens on 127.0.0.1 only.

import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { BODY_LIMIT } from '../../main/server/http-api.ts';
import type { WebServer } from '../../main/server/web.ts';
import type { CommandName } from '../../main/shared/contract.ts';
import { listenersOf } from '../lib/listeners.ts';
import { request, type RequestOptions } from '../server/helpers.ts';
import { jsonText, mangledText, parses, prototypeKeys } from './arbitraries.ts';
import { badCommand, refusalProblem, validInputs, type BadCommand, type Expected } from './bad-commands.ts';
import { fuzz } from './budget.ts';
import type { Baseline, WebSociety } from './society.ts';

/** Where each command lives in the API (docs/api.md); `:id` takes the input's `id`. */
const routeOf: { readonly [C in CommandName]: { readonly method: 'GET' | 'POST' | 'DELETE'; readonly path: string } } =
  {
    'cluster.get': { method: 'GET', path: '/api/cluster' },
    'member.state': { method: 'GET', path: '/api/members/:id/state' },
    'node.crash': { method: 'POST', path: '/api/nodes/:id/crash' },
    'node.restart': { method: 'POST', path: '/api/nodes/:id/restart' },
    'node.pause': { method: 'POST', path: '/api/nodes/:id/pause' },
    'node.resume': { method: 'POST', path: '/api/nodes/:id/resume' },
    'link.set': { method: 'POST', path: '/api/links' },
    'link.fault': { method: 'POST', path: '/api/links/fault' },
    partition: { method: 'POST', path: '/api/partition' },
    heal: { method: 'POST', path: '/api/heal' },
    kv: { method: 'POST', path: '/api/kv' },
    decide: { method: 'POST', path: '/api/decisions' },
    'member.add': { method: 'POST', path: '/api/members' },
    'member.remove': { method: 'DELETE', path: '/api/members/:id' },
    'member.promote': { method: 'POST', path: '/api/members/:id/promote' },
    'leader.transfer': { method: 'POST', path: '/api/leader' },
    'settings.set': { method: 'POST', path: '/api/settings' },
  };

interface BadRequest extends Expected {
  readonly path: string;
  readonly options: RequestOptions;
  readonly why: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request that carries `bad` through its route, or null where the route cannot carry it (a GET or DELETE ignores a body). */
function throughRoute(bad: BadCommand): BadRequest | null {
  if (!Object.hasOwn(routeOf, bad.name)) return null;
  const route = routeOf[bad.name as CommandName];
  let path = route.path;
  let body: unknown = bad.input;
  let names = bad.names;
  if (path.includes(':id')) {
    if (!isPlainObject(bad.input) || !Object.hasOwn(bad.input, 'id')) {
      if (route.method !== 'POST') return null;
      path = path.replace(':id', '1');
    } else {
      const { id, ...rest } = bad.input;
      // A number goes in the path as itself; anything else as its JSON text, so "1" cannot become member 1.
      path = path.replace(':id', encodeURIComponent(typeof id === 'number' ? jsonText(id) : `~${jsonText(id)}`));
      body = rest;
      if (route.method !== 'POST' && Object.keys(rest).length > 0) return null;
    }
  } else if (route.method !== 'POST') return null;
  if (route.method !== 'POST')
    return { path, options: { method: route.method }, status: bad.status, names, why: bad.why };
  const text = jsonText(body);
  let status = bad.status;
  if (!parses(text)) [status, names] = [[400], 'invalid JSON'];
  else if (!isPlainObject(body)) [status, names] = [[400], 'JSON object'];
  if (Buffer.byteLength(text) > BODY_LIMIT) [status, names] = [[413], 'larger'];
  return {
    path,
    options: { method: 'POST', body: text, headers: { 'content-type': 'application/json' } },
    status,
    names,
    why: bad.why,
  };
}

const postRoutes = (Object.keys(routeOf) as CommandName[]).filter(
  (n) => routeOf[n].method === 'POST' && !routeOf[n].path.includes(':id'),
);
const validBody = fc
  .constantFrom(...postRoutes)
  .chain((name) => fc.constantFrom(...validInputs[name]).map((input) => ({ name, input })));

const notJson: fc.Arbitrary<BadRequest> = validBody.chain(({ name, input }) =>
  fc
    .oneof(
      mangledText(JSON.stringify(input)),
      fc.constantFrom('NaN', '{"a":1}}', "{'op':'set'}", '[', '{"a":'.repeat(50_000), '\u0000'),
    )
    .filter((text) => !parses(text) && text.trim() !== '')
    .map((text) => ({
      path: routeOf[name].path,
      options: { method: 'POST', body: text, headers: { 'content-type': 'application/json' } },
      status: Buffer.byteLength(text) > BODY_LIMIT ? [413] : [400],
      names: Buffer.byteLength(text) > BODY_LIMIT ? 'larger' : 'invalid JSON',
      why: `not JSON: ${JSON.stringify(text.slice(0, 40))}`,
    })),
);

/** Content types the API does not read as JSON. */
const notJsonType = fc.constantFrom(
  'text/plain',
  'text/html; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/javascript',
  'application/jsonp',
  'json',
  '',
  'application/json-patch',
);
const wrongType: fc.Arbitrary<BadRequest> = fc.tuple(validBody, notJsonType).map(([{ name, input }, type]) => ({
  path: routeOf[name].path,
  options: { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': type } },
  status: [415],
  names: 'application/json',
  why: `Content-Type ${JSON.stringify(type)}`,
}));

const segment = (s: string): string => encodeURIComponent(s.toWellFormed());
/** Anything but the id of a member that exists (1..999 in digits, leading zeros included). */
const badId = fc
  .oneof(
    fc
      .constantFrom('0', '-1', '1.5', '1e3', '0x1', 'abc', '１', '99999999999', '..', ' 1', ...prototypeKeys)
      .map(segment),
    fc.constantFrom('%31', '%00', '%2e%2e', '1%20'),
    fc.string({ unit: 'binary', maxLength: 30 }).map(segment),
  )
  .filter((id) => !(/^\d{1,9}$/.test(id) && Number(id) >= 1));
/** First segments of real routes: a random path must not hit one. */
const routeNames = new Set(Object.values(routeOf).map((r) => r.path.split('/')[2]));
const badPath: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(fc.constantFrom('crash', 'restart', 'pause', 'resume'), badId).map(([action, id]) => ({
    path: `/api/nodes/${id}/${action}`,
    options: { method: 'POST', body: {} },
    status: [400, 404],
    names: '',
    why: `member id ${id}`,
  })),
  fc
    .oneof(
      fc.constantFrom('/api/', '/api/kv/', '/api//kv', '/api/KV', '/api/nodes', '/api/nodes/1', '/api/nodes/1/explode'),
      fc
        .string({ unit: 'binary', maxLength: 30 })
        // "." and ".." are resolved away by URL parsing (as a browser would): not API paths any more.
        .filter((s) => !routeNames.has(s) && s !== '.' && s !== '..')
        .map((s) => `/api/${segment(s)}`),
    )
    .map((path) => ({
      path,
      options: { method: 'POST', body: {} },
      status: [400, 404],
      names: '',
      why: `path ${path}`,
    })),
);

const wrongMethod: fc.Arbitrary<BadRequest> = fc
  .tuple(
    fc.constantFrom(...(Object.keys(routeOf) as CommandName[])),
    fc.constantFrom('GET', 'PUT', 'PATCH', 'OPTIONS', 'DELETE', 'POST'),
  )
  .filter(([name, method]) => routeOf[name].method !== method && !(method === 'GET' && routeOf[name].method === 'GET'))
  .map(([name, method]) => ({
    path: routeOf[name].path.replace(':id', '2'),
    options: { method, headers: { 'content-type': 'application/json' } },
    status: [405],
    names: 'not allowed',
    why: `${method} ${routeOf[name].path}`,
  }));

/** A command the society would obey, sent from somewhere it must not be obeyed from. */
const obeyable: readonly { readonly path: string; readonly body: object }[] = [
  { path: '/api/nodes/1/crash', body: {} },
  { path: '/api/heal', body: {} },
  { path: '/api/kv', body: { op: 'set', key: 'gate', value: 'pwned' } },
];
function elsewhere(port: number): fc.Arbitrary<BadRequest> {
  return fc.tuple(fc.constantFrom(...obeyable), fc.integer({ min: 0, max: 4 })).map(([{ path, body }, how]) => {
    const headers: Record<string, string> = [
      { host: `evil.example:${port}` },
      { host: `127.0.0.1:${port + 1}` },
      { origin: 'http://evil.example' },
      { origin: `http://localhost:${port}` },
      { 'sec-fetch-site': 'cross-site' },
    ][how]!;
    return {
      path,
      options: { method: 'POST', body, headers },
      status: 'host' in headers ? [421] : [403],
      names: 'host' in headers ? 'answers to' : 'refused',
      why: JSON.stringify(headers),
    };
  });
}

/** Registers the HTTP API fuzzers on the shared society (doors.test.ts runs them). */
export function httpFuzzers(shared: () => WebSociety): void {
  let w: WebServer;
  let society: Baseline;
  before(() => {
    ({ web: w, society } = shared());
  });

  test('it listens on 127.0.0.1 only', { skip: process.platform !== 'linux' }, () => {
    assert.deepEqual(
      listenersOf([process.pid]).map((l) => [l.proto, l.address, l.port]),
      [['tcp', '127.0.0.1', w.port]],
    );
  });

  test('every bad request is refused with a status and a reason, and changes nothing', async () => {
    const requests = fc.oneof(
      { weight: 6, arbitrary: badCommand.map(throughRoute).filter((r): r is BadRequest => r !== null) },
      { weight: 2, arbitrary: notJson },
      { weight: 1, arbitrary: wrongType },
      { weight: 2, arbitrary: badPath },
      { weight: 1, arbitrary: wrongMethod },
      { weight: 2, arbitrary: elsewhere(w.port) },
    );
    await fuzz(
      'http: bad requests',
      fc.asyncProperty(requests, async (bad) => {
        const r = await request(w, bad.path, bad.options);
        const problem = refusalProblem(bad, { status: r.status, body: r.json });
        assert.equal(problem, null, `${bad.why}: ${problem}`);
        assert.equal(society.changed(), null);
      }),
      { runs: 200, timeoutMs: 20_000 },
    );
  });

  test('bytes that are not HTTP are answered 400 or cut off, and the server answers on', async () => {
    const junk = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).map((s) => Buffer.from(`${s}\r\n\r\n`)),
      fc
        .constantFrom(
          'GET / HTTP/9.9\r\n\r\n',
          'POST /api/heal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
          'POST /api/heal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}',
          'POST /api/heal HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}',
          'GET /api/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n' + 'X: y\r\n'.repeat(5000) + '\r\n',
          'GET /' + 'a'.repeat(20_000) + ' HTTP/1.1\r\n\r\n',
          '\r\n\r\n\r\n',
          'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
        )
        .map((s) => Buffer.from(s)),
    );
    await fuzz(
      'http: raw bytes',
      fc.asyncProperty(junk, async (bytes) => {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = createConnection(w.port, '127.0.0.1', () => socket.end(bytes));
          let text = '';
          socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
          socket.on('close', () => resolve(text));
          socket.on('error', () => resolve(text));
          socket.setTimeout(10_000, () => reject(new Error('the server neither answered nor hung up')));
        });
        if (answer !== '')
          assert.match(answer, /^HTTP\/1\.1 4\d\d /, `answered ${JSON.stringify(answer.slice(0, 80))}`);
        assert.equal(society.changed(), null);
      }),
      { runs: 40, timeoutMs: 20_000 },
    );
    assert.equal((await request(w, '/api/cluster')).status, 200);
  });
}
