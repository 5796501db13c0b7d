// Tokens: the full token commands, the viewer token only looks, no token gets 401; tokens are
// required off loopback. Also the built UI served with --static.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { accessOf, allowedHosts, sameSecret } from '../../main/server/auth.ts';
import { isLoopback, parseClusterArgs, parseWebArgs, UsageError } from '../../main/server/options.ts';
import { startWeb, type WebServer } from '../../main/server/web.ts';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { connect, defaults, request } from './helpers.ts';

const TOKEN = 'chairman-secret-1';
const VIEWER = 'resident-view-22';

describe('tokens on a real cluster', () => {
  let w: WebServer;
  let ui: string;
  before(async () => {
    ui = mkdtempSync(join(tmpdir(), 'rs-ui-'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Harmony Heights</title>');
    writeFileSync(join(ui, 'app.js'), 'console.log(1)');
    w = await startWeb({ ...defaults, token: TOKEN, viewerToken: VIEWER, staticDir: ui });
  });
  after(async () => {
    await w.close();
    rmSync(ui, { recursive: true, force: true });
  });
  const done = (since: number): ClusterEvent[] =>
    w.supervisor.events(since).filter((e) => e.kind === 'fault' || e.kind === 'client');
  const lastSeq = (): number => w.supervisor.events(0).at(-1)?.seq ?? 0;

  test('no token or a wrong one: 401, and nothing happens', async () => {
    const since = lastSeq();
    const none = await request(w, '/api/cluster');
    assert.equal(none.status, 401);
    assert.match(none.headers['www-authenticate'] ?? '', /^Bearer/);
    assert.equal((await request(w, '/api/cluster', { token: 'chairman-secret-2' })).status, 401);
    assert.equal((await request(w, '/api/cluster?token=nope')).status, 401);
    assert.equal((await request(w, '/api/cluster', { headers: { authorization: TOKEN } })).status, 401);
    assert.equal((await request(w, '/api/nodes/1/crash', { method: 'POST' })).status, 401);
    assert.equal((await request(w, '/api/nosuch')).status, 401, 'routes are not revealed without a token');
    assert.deepEqual(done(since), []);
  });

  test('the token: header or ?token=, everything allowed', async () => {
    assert.equal((await request(w, '/api/cluster', { token: TOKEN })).status, 200);
    assert.equal((await request(w, `/api/cluster?token=${TOKEN}`)).status, 200);
    const set = await request(w, '/api/kv', { token: TOKEN, body: { op: 'set', key: 'a', value: '1' } });
    assert.equal(set.status, 200);
  });

  test('the viewer token: may look (GET, events) but every command is 403', async () => {
    const since = lastSeq();
    assert.equal((await request(w, '/api/cluster', { token: VIEWER })).status, 200);
    assert.equal((await request(w, '/api/events?since=0&limit=1', { token: VIEWER })).status, 200);
    assert.equal((await request(w, '/api/safety', { token: VIEWER })).status, 200);
    assert.equal((await request(w, '/api/members/1/state', { token: VIEWER })).status, 200);
    for (const [path, body] of [
      ['/api/nodes/1/crash', {}],
      ['/api/kv', { op: 'get', key: 'a' }],
      ['/api/heal', {}],
      ['/api/settings', { timeScale: 0.5 }],
    ] as const) {
      const r = await request(w, path, { token: VIEWER, body });
      assert.equal(r.status, 403, path);
    }
    assert.equal((await request(w, '/api/members/2', { method: 'DELETE', token: VIEWER })).status, 403);
    assert.deepEqual(done(since), []);
  });

  test('WebSocket: 401 without the token; the viewer subscribes but cannot command', async () => {
    await assert.rejects(connect(w), /401/);
    await assert.rejects(connect(w, '?token=wrong-token'), /401/);
    const admin = await connect(w, '', { authorization: `Bearer ${TOKEN}` });
    admin.close();
    const c = await connect(w, `?token=${VIEWER}`);
    try {
      const hello = await c.next((m) => m.type === 'hello');
      assert.equal(hello.access, 'viewer');
      await c.next((m) => m.type === 'events');
      c.ws.send(JSON.stringify({ type: 'command', id: 1, name: 'node.crash', input: { id: 1 } }));
      assert.equal((await c.next((m) => m.type === 'result')).status, 403);
      c.ws.send(JSON.stringify({ type: 'command', id: 2, name: 'cluster.get', input: {} }));
      assert.equal((await c.next((m) => m.type === 'result')).status, 200);
      c.ws.send(JSON.stringify({ type: 'command', id: 3, name: 'member.state', input: { id: 1 } }));
      assert.equal((await c.next((m) => m.type === 'result')).status, 200);
    } finally {
      c.close();
    }
    assert.ok((await request(w, '/api/cluster', { token: TOKEN })).json !== undefined);
  });

  test('--static: the UI is served at / without a token; no way out of its directory', async () => {
    const index = await request(w, '/');
    assert.equal(index.status, 200);
    assert.match(index.headers['content-type'] ?? '', /^text\/html/);
    assert.match(index.text, /Harmony Heights/);
    const js = await request(w, '/app.js');
    assert.match(js.headers['content-type'] ?? '', /javascript/);
    assert.equal((await request(w, '/missing.js')).status, 404);
    assert.equal((await request(w, '/..%2f..%2fetc%2fpasswd')).status, 404);
    assert.equal((await request(w, '/%2e%2e/%2e%2e/etc/passwd')).status, 404);
  });
});

test('off loopback a token is required; options are checked', () => {
  assert.throws(() => parseWebArgs(['--host', '0.0.0.0'], {}), /refusing to serve on 0\.0\.0\.0 without a token/);
  assert.equal(parseWebArgs(['--host', '0.0.0.0', '--token', TOKEN], {})!.host, '0.0.0.0');
  assert.equal(parseWebArgs(['--host', '0.0.0.0'], { RAFT_SOCIETY_TOKEN: TOKEN })!.token, TOKEN);
  const o = parseWebArgs([], {})!;
  assert.deepEqual(
    [o.nodes, o.port, o.host, o.electionTimeoutMs, o.heartbeatMs, o.timeScale, o.dataDir, o.token],
    [5, 8080, '127.0.0.1', [150, 300], 50, 1, null, null],
  );
  for (const [args, message] of [
    [['--nodes', '0'], /--nodes must be a whole number from 1 to 15/],
    [['--nodes', 'five'], /--nodes/],
    [['--port', '70000'], /--port/],
    [['--election-timeout', '300-150'], /--election-timeout/],
    [['--election-timeout', '150'], /MIN-MAX/],
    [['--heartbeat', '200'], /shorter than the shortest election timeout/],
    [['--time-scale', '2'], /--time-scale/],
    [['--time-scale', 'fast'], /--time-scale/],
    [['--token', 'short'], /8 to 256/],
    [['--viewer-token', VIEWER], /needs --token/],
    [['--token', TOKEN, '--viewer-token', TOKEN], /must differ/],
    [['--static', '/no/such/dir'], /not a directory/],
    [['--host', 'bad host!'], /--host/],
    [['--bogus'], /bogus/],
    [['--port'], /port/],
    [['stray'], /stray/],
  ] as const) {
    assert.throws(
      () => parseWebArgs(args, {}),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  }
  assert.throws(() => parseClusterArgs(['--port', '1']), UsageError);
  assert.equal(parseClusterArgs(['--nodes', '3', '--time-scale', '0.1'])!.timeScale, 0.1);
  assert.equal(parseWebArgs(['--help'], {}), null);
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.5'));
});

test('token comparison and access', () => {
  assert.ok(sameSecret('abc', 'abc'));
  assert.ok(!sameSecret('abc', 'abcd'));
  const config = { token: TOKEN, viewerToken: VIEWER };
  assert.equal(accessOf(config, TOKEN), 'admin');
  assert.equal(accessOf(config, VIEWER), 'viewer');
  assert.equal(accessOf(config, null), null);
  assert.equal(accessOf(config, ''), null);
  assert.equal(accessOf({ token: null, viewerToken: null }, null), 'admin');
  assert.deepEqual([...allowedHosts('127.0.0.1', 8080)!], ['127.0.0.1:8080', 'localhost:8080']);
  assert.deepEqual([...allowedHosts('::1', 80)!], ['[::1]:80', 'localhost:80', '[::1]', 'localhost']);
  assert.equal(allowedHosts('0.0.0.0', 8080), null);
});
