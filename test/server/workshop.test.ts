// Workshop mode: `--workshop` makes up strong tokens and serves every interface; viewers join by a
// short code that leads to the viewer page and is worth no more than the viewer token; the server
// tells each connection what it may do, and refuses a viewer's every command.

import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { parseWebArgs, UsageError } from '../../main/server/options.ts';
import {
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  JOIN_GUESSES,
  JOIN_WINDOW_MS,
  joinAddresses,
  lanAddresses,
  newJoinCode,
  ViewerJoin,
} from '../../main/server/join.ts';
import { startWeb, workshopBanner, type WebServer } from '../../main/server/web.ts';
import type { JoinLink } from '../../main/shared/bridge.ts';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { connect, defaults, request, runChild } from './helpers.ts';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{24}$/;

const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

const interfaces = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  wlan0: [nic('192.168.1.20', 'IPv4', false), nic('fe80::1', 'IPv6', false)],
  eth0: [nic('10.0.0.7', 'IPv4', false)],
  // The same address on a second interface (a bridge) is listed once.
  br0: [nic('10.0.0.7', 'IPv4', false)],
};

test('--workshop: every interface, a strong controller and viewer token made up when not given', () => {
  const a = parseWebArgs(['--workshop'], {})!;
  const b = parseWebArgs(['--workshop'], {})!;
  assert.equal(a.workshop, true);
  assert.equal(a.host, '0.0.0.0');
  for (const t of [a.token, a.viewerToken, b.token, b.viewerToken]) assert.match(t ?? '', TOKEN_SHAPE);
  assert.equal(new Set([a.token, a.viewerToken, b.token, b.viewerToken]).size, 4, 'every token is fresh');

  // Given ones are kept (flag or environment); only the missing one is made up.
  const given = parseWebArgs(['--workshop', '--token', 'instructor-own-1'], {})!;
  assert.equal(given.token, 'instructor-own-1');
  assert.match(given.viewerToken ?? '', TOKEN_SHAPE);
  const fromEnv = parseWebArgs(['--workshop'], { RAFT_SOCIETY_VIEWER_TOKEN: 'room-view-123' })!;
  assert.equal(fromEnv.viewerToken, 'room-view-123');
  assert.match(fromEnv.token ?? '', TOKEN_SHAPE);
  assert.equal(parseWebArgs(['--workshop', '--host', '192.168.1.20'], {})!.host, '192.168.1.20');

  // Without --workshop nothing is made up, and the old defaults hold.
  const plain = parseWebArgs([], {})!;
  assert.deepEqual([plain.workshop, plain.host, plain.token, plain.viewerToken], [false, '127.0.0.1', null, null]);

  for (const [args, message] of [
    [['--workshop', '--static', 'none'], /--workshop needs the UI/],
    [['--workshop', '--token', 'short'], /8 to 256/],
    [['--workshop', '--viewer-token', 'has space in it'], /8 to 256/],
    [['--workshop', '--token', 'same-secret-1', '--viewer-token', 'same-secret-1'], /must differ/],
    [['--workshop=yes'], /workshop/],
  ] as const)
    assert.throws(
      () => parseWebArgs(args, {}),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      args.join(' '),
    );
});

test('join addresses: the LAN IPv4 addresses for a wildcard bind, else the bound host', () => {
  assert.deepEqual(lanAddresses(interfaces), ['192.168.1.20', '10.0.0.7']);
  assert.deepEqual(joinAddresses('0.0.0.0', interfaces), [
    { address: '192.168.1.20', lan: true },
    { address: '10.0.0.7', lan: true },
  ]);
  assert.deepEqual(joinAddresses('0.0.0.0', { lo: interfaces.lo }), [{ address: '127.0.0.1', lan: false }]);
  assert.deepEqual(joinAddresses('192.168.1.20', interfaces), [{ address: '192.168.1.20', lan: true }]);
  assert.deepEqual(joinAddresses('127.0.0.1', interfaces), [{ address: '127.0.0.1', lan: false }]);

  for (let i = 0; i < 200; i++) {
    const code = newJoinCode();
    assert.match(code, new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`));
  }
  assert.doesNotMatch(JOIN_CODE_ALPHABET, /[il1o0]/, 'nothing that reads as another character');
});

test('the short join code leads to the viewer page only; wrong guesses are limited per client', () => {
  const join = new ViewerJoin({
    host: '0.0.0.0',
    port: 8080,
    viewerToken: 'room/view+1',
    code: 'abc234',
    interfaces: () => interfaces,
  });
  assert.deepEqual(join.links(), [
    {
      address: '192.168.1.20',
      lan: true,
      url: 'http://192.168.1.20:8080/?token=room%2Fview%2B1',
      shortUrl: 'http://192.168.1.20:8080/j/abc234',
    },
    {
      address: '10.0.0.7',
      lan: true,
      url: 'http://10.0.0.7:8080/?token=room%2Fview%2B1',
      shortUrl: 'http://10.0.0.7:8080/j/abc234',
    },
  ]);
  const now = 1_000_000;
  assert.deepEqual(join.answer('abc234', '10.0.0.50', now), { status: 302, location: '/?token=room%2Fview%2B1' });
  assert.equal(join.answer('ABC234', '10.0.0.50', now).status, 302, 'typed in capitals');
  for (let i = 0; i < JOIN_GUESSES; i++) assert.equal(join.answer(`wrong${i}`, '10.0.0.66', now).status, 404);
  // Out of guesses: even the right code must wait, or guessing would still pay.
  assert.equal(join.answer('abc234', '10.0.0.66', now + 1).status, 429);
  assert.equal(join.answer('abc234', '10.0.0.50', now + 1).status, 302, 'other clients are not affected');
  assert.equal(join.answer('abc234', '10.0.0.66', now + JOIN_WINDOW_MS).status, 302, 'after the window');
});

describe('a workshop server bound to every interface, reached through 127.0.0.1', () => {
  let w: WebServer;
  /** The same server, asked at 127.0.0.1 (the e2e harness and a laptop's own browser do). */
  let local: WebServer;
  let admin: string;
  let viewer: string;
  before(async () => {
    const o = parseWebArgs(['--workshop'], {})!;
    admin = o.token!;
    viewer = o.viewerToken!;
    w = await startWeb({ ...defaults, host: o.host, token: admin, viewerToken: viewer, workshop: true });
    local = { ...w, url: `http://127.0.0.1:${w.port}` };
  });
  after(() => w.close());
  const changes = (since: number): ClusterEvent[] =>
    w.supervisor.events(since).filter((e) => e.kind === 'fault' || e.kind === 'client');
  const lastSeq = (): number => w.supervisor.events(0).at(-1)?.seq ?? 0;

  test('GET /j/<code>: a redirect to the viewer page, whose token gives viewer rights; a wrong code 404', async () => {
    const code = w.join!.code;
    const go = await request(local, `/j/${code}`);
    assert.equal(go.status, 302);
    const location = go.headers.location ?? '';
    assert.equal(location, `/?token=${encodeURIComponent(viewer)}`);
    assert.ok(!location.includes(admin) && !go.text.includes(admin), 'the controller token never appears');
    const token = new URL(location, local.url).searchParams.get('token')!;
    assert.deepEqual((await request(local, '/api/whoami', { token })).json, { access: 'viewer' });
    assert.equal((await request(local, `/j/${code.toUpperCase()}`)).status, 302);
    assert.equal((await request(local, '/j/zzzzzz')).status, 404);
    assert.equal((await request(local, `/j/${code}`, { method: 'POST', body: {} })).status, 405);
  });

  test('GET /api/whoami: admin, viewer, or 401', async () => {
    assert.deepEqual((await request(local, '/api/whoami', { token: admin })).json, { access: 'admin' });
    assert.deepEqual((await request(local, '/api/whoami', { token: viewer })).json, { access: 'viewer' });
    assert.equal((await request(local, '/api/whoami')).status, 401);
    assert.equal((await request(local, '/api/whoami', { token: 'not-a-token-at-all' })).status, 401);
  });

  test("the hello says who is connected; only an admin's carries the viewers' join links", async () => {
    const a = await connect(local, `?token=${admin}`);
    const v = await connect(local, `?token=${encodeURIComponent(viewer)}`);
    try {
      const adminHello = await a.next((m) => m.type === 'hello');
      const viewerHello = await v.next((m) => m.type === 'hello');
      assert.equal(adminHello.access, 'admin');
      assert.equal(viewerHello.access, 'viewer');
      assert.equal(viewerHello.share, null);
      const links = adminHello.share as JoinLink[];
      assert.ok(links.length >= 1);
      assert.deepEqual(links, w.join!.links());
      for (const l of links) {
        assert.equal(new URL(l.url).searchParams.get('token'), viewer);
        assert.equal(new URL(l.shortUrl).pathname, `/j/${w.join!.code}`);
        assert.equal(new URL(l.url).port, String(w.port));
      }
      assert.ok(!JSON.stringify(adminHello.share).includes(admin), 'the share links carry the viewer token only');
      assert.ok(!JSON.stringify(viewerHello).includes(admin));
    } finally {
      a.close();
      v.close();
    }
  });

  test("a viewer's commands are refused, over HTTP and the WebSocket, and change nothing", async () => {
    const since = lastSeq();
    for (const [path, body] of [
      ['/api/nodes/1/crash', {}],
      ['/api/partition', { groups: [[1], [2, 3]] }],
      ['/api/decisions', { text: 'the viewer decides' }],
    ] as const)
      assert.equal((await request(local, path, { token: viewer, body })).status, 403, path);
    const v = await connect(local, `?token=${encodeURIComponent(viewer)}`);
    try {
      await v.next((m) => m.type === 'hello');
      v.ws.send(JSON.stringify({ type: 'command', id: 'x', name: 'heal', input: {} }));
      const r = await v.next((m) => m.type === 'result');
      assert.equal(r.status, 403);
    } finally {
      v.close();
    }
    assert.deepEqual(changes(since), []);
  });

  test('bound to every interface, any Host is answered (the token guards it), other sites still are not', async () => {
    const lan = await request(local, '/api/whoami', { token: admin, headers: { host: `192.168.1.20:${w.port}` } });
    assert.equal(lan.status, 200);
    const join = await request(local, `/j/${w.join!.code}`, { headers: { host: `10.0.0.7:${w.port}` } });
    assert.equal(join.status, 302, 'the join code works whatever address the viewer typed');
    const since = lastSeq();
    const cross = await request(local, '/api/heal', {
      method: 'POST',
      token: admin,
      headers: { host: `192.168.1.20:${w.port}`, origin: 'http://evil.example' },
    });
    assert.equal(cross.status, 403);
    assert.deepEqual(changes(since), []);
  });

  test('the banner: the join links for each address, the instructor link, a QR code', async () => {
    const o = { ...defaults, host: '0.0.0.0', token: admin, viewerToken: viewer, workshop: true };
    const banner = await workshopBanner(o, w);
    for (const l of w.join!.links()) {
      assert.ok(banner.includes(l.shortUrl), l.shortUrl);
      assert.ok(banner.includes(l.url), l.url);
      assert.ok(banner.includes(`http://${l.address}:${w.port}/?token=${admin}`), 'the instructor link');
    }
    assert.match(banner, /viewer rights only/);
    assert.match(banner, /scan to join/);
    assert.match(banner, /[▀▄█]/, 'a QR code drawn in block characters');
  });
});

test('npm run web -- --workshop prints where to join, and the links it prints work', async (t) => {
  const child = runChild(process.execPath, ['scripts/web.ts', '--workshop', '--nodes', '1', '--port', '0']);
  t.after(() => {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGINT');
  });
  const deadline = Date.now() + 20_000;
  while (!/scan to join/.test(child.stdout)) {
    if (child.proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`no workshop banner; stdout: ${child.stdout}\nstderr: ${child.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(
    child.stdout,
    /^Raft Society cluster of 1 at http:\/\/0\.0\.0\.0:\d+ .*token required \(viewer token accepted\)/,
  );
  const viewerUrl = /viewers \(may watch, not act\): +(\S+) +or +(\S+)/.exec(child.stdout);
  const instructorUrl = /instructor \(keep it private\): +(\S+)/.exec(child.stdout);
  assert.ok(viewerUrl !== null && instructorUrl !== null, child.stdout);
  const [, shortUrl, fullUrl] = viewerUrl;
  const go = await fetch(shortUrl!, { redirect: 'manual' });
  assert.equal(go.status, 302);
  assert.equal(new URL(go.headers.get('location')!, shortUrl).search, new URL(fullUrl!).search);
  const whoami = async (pageUrl: string): Promise<unknown> => {
    const u = new URL(pageUrl);
    return (await fetch(`${u.origin}/api/whoami${u.search}`)).json();
  };
  assert.deepEqual(await whoami(fullUrl!), { access: 'viewer' });
  assert.deepEqual(await whoami(instructorUrl[1]!), { access: 'admin' });
  child.proc.kill('SIGINT');
  assert.deepEqual(await child.exited, { code: 0, signal: null });
});
