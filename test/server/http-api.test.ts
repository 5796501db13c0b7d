// The HTTP API and the WebSocket stream against a real 3-member cluster (real processes, a temp
// data dir, port 0), stopped after the suite.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { properties, type ClusterEvent, type ClusterView, type SafetyReport } from '../../main/shared/contract.ts';
import type { WebServer } from '../../main/server/web.ts';
import { startWeb } from '../../main/server/web.ts';
import { connect, defaults, request, view, waitForView } from './helpers.ts';

const json = (body: unknown): { body: unknown } => ({ body });

describe('HTTP API on a real cluster', () => {
  let w: WebServer;
  before(async () => {
    w = await startWeb({ ...defaults });
  });
  after(() => w.close());

  /** Events after `since` that mean something was done to the cluster (not its own chatter). */
  const doneSince = (since: number): ClusterEvent[] =>
    w.supervisor.events(since).filter((e) => e.kind === 'fault' || e.kind === 'client');
  const lastSeq = (): number => w.supervisor.events(0).at(-1)?.seq ?? 0;

  test('GET /api/cluster: the view, with a chairman, no-store and JSON', async () => {
    const v = await waitForView(w, 'a chairman', (c) => c.leaderId !== null);
    assert.equal(v.nodes.length, 3);
    assert.deepEqual(
      v.nodes.map((n) => [n.id, n.name, n.status]),
      [
        [1, 'Rajesh - Building A', 'running'],
        [2, 'Priya - Building B', 'running'],
        [3, 'Mohan - Building C', 'running'],
      ],
    );
    for (const n of v.nodes) assert.equal(typeof n.pid, 'number');
    assert.equal(v.links.length, 6);
    assert.deepEqual(v.settings.electionTimeoutMs, [150, 300]);
    const r = await request(w, '/api/cluster');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    const head = await request(w, '/api/cluster', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  test('kv: set, get, cas (200 and 409); decisions', async () => {
    const set = await request(w, '/api/kv', json({ op: 'set', key: 'colour', value: 'blue' }));
    assert.equal(set.status, 200);
    assert.equal(typeof (set.json as { index: number }).index, 'number');
    assert.deepEqual((await request(w, '/api/kv', json({ op: 'get', key: 'colour' }))).json, { value: 'blue' });
    const miss = await request(w, '/api/kv', json({ op: 'cas', key: 'colour', expected: 'red', value: 'green' }));
    assert.equal(miss.status, 409);
    assert.deepEqual(miss.json, { ok: false, value: 'blue' });
    const hit = await request(w, '/api/kv', json({ op: 'cas', key: 'colour', expected: 'blue', value: 'green' }));
    assert.equal(hit.status, 200);
    assert.equal((hit.json as { ok: boolean }).ok, true);
    const absent = await request(w, '/api/kv', json({ op: 'cas', key: 'gate', expected: null, value: 'shut' }));
    assert.equal(absent.status, 200);
    assert.deepEqual((await request(w, '/api/kv', json({ op: 'get', key: 'colour' }))).json, { value: 'green' });
    assert.deepEqual((await request(w, '/api/kv', json({ op: 'get', key: 'nothing' }))).json, { value: null });
    const d = await request(w, '/api/decisions', json({ text: 'Approve painting contract for Rs 2 lakhs' }));
    assert.equal(d.status, 200);
    assert.equal((d.json as { number: number }).number, 1);
  });

  test('GET /api/members/:id/state: what each member applied, the same on all once caught up', async () => {
    await request(w, '/api/kv', json({ op: 'set', key: 'state', value: 'checked' }));
    const states = async (): Promise<{ applied: number; digest: string; keys: number }[]> =>
      Promise.all(
        [1, 2, 3].map(
          async (id) =>
            (await request(w, `/api/members/${id}/state`)).json as { applied: number; digest: string; keys: number },
        ),
      );
    let all = await states();
    for (let i = 0; i < 100 && new Set(all.map((s) => `${s.applied} ${s.digest}`)).size > 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      all = await states();
    }
    assert.equal(new Set(all.map((s) => `${s.applied} ${s.digest}`)).size, 1, JSON.stringify(all));
    assert.ok(all[0]!.keys >= 1);
    assert.equal((await request(w, '/api/members/7/state')).status, 404);
    assert.equal((await request(w, '/api/members/1/state', { method: 'POST', body: {} })).status, 405);
  });

  test('bad requests are refused with a reason and change nothing', async () => {
    await request(w, '/api/kv', json({ op: 'set', key: 'k', value: 'before' }));
    const since = lastSeq();
    const before = await view(w);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      request(w, path, { method: 'POST', body, headers });
    const cases: [
      string,
      Promise<{ status: number; json: unknown; headers: Record<string, unknown> }>,
      number,
      RegExp,
    ][] = [
      ['invalid JSON', post('/api/kv', '{"op":"set",', { 'content-type': 'application/json' }), 400, /invalid JSON/],
      ['schema: no value', post('/api/kv', { op: 'set', key: 'k' }), 400, /value/],
      ['schema: unknown op', post('/api/kv', { op: 'delete', key: 'k' }), 400, /op/],
      ['schema: link state', post('/api/links', { from: 1, to: 2, state: 'broken' }), 400, /state/],
      ['schema: extra field', post('/api/nodes/2/crash', { force: true }), 400, /force|unrecognized/i],
      ['id in the body', post('/api/nodes/2/crash', { id: 3 }), 400, /path/],
      ['id not a number', post('/api/nodes/two/crash', {}), 400, /whole number/],
      ['body not an object', post('/api/heal', [1, 2]), 400, /object/],
      [
        'partition overlap',
        post('/api/partition', {
          groups: [
            [1, 2],
            [2, 3],
          ],
        }),
        400,
        /one group/,
      ],
      ['unknown route', post('/api/nodes/2/explode', {}), 404, /no route/],
      ['unknown API', request(w, '/api/nope'), 404, /no route/],
      ['wrong method', request(w, '/api/kv'), 405, /POST/],
      ['too large', post('/api/kv', { op: 'set', key: 'k', value: 'x'.repeat(70 * 1024) }), 413, /larger/],
      ['not JSON', post('/api/kv', 'op=set&key=k&value=v', { 'content-type': 'text/plain' }), 415, /application\/json/],
      [
        'form',
        post('/api/nodes/1/crash', '', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        /application\/json/,
      ],
    ];
    for (const [what, pending, status, message] of cases) {
      const r = await pending;
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.json)}`);
      assert.match((r.json as { error: string }).error, message, what);
    }
    // 405 says what is allowed.
    assert.equal((await request(w, '/api/kv')).headers.allow, 'POST');
    assert.equal((await request(w, '/api/cluster', { method: 'PUT' })).headers.allow, 'GET, HEAD');
    assert.equal((await request(w, '/api/members', { method: 'DELETE' })).headers.allow, 'POST');
    // A chunked body over the limit (no Content-Length to refuse it early) is cut off too.
    const chunked = await request(w, '/api/kv', {
      method: 'POST',
      body: JSON.stringify({ op: 'set', key: 'k', value: 'y'.repeat(100 * 1024) }),
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    assert.equal(chunked.status, 413);

    assert.deepEqual(doneSince(since), [], 'nothing was done to the cluster');
    assert.deepEqual((await request(w, '/api/kv', json({ op: 'get', key: 'k' }))).json, { value: 'before' });
    const after = await view(w);
    assert.deepEqual(after.links, before.links);
    assert.deepEqual(
      after.nodes.map((n) => [n.id, n.status, n.pid]),
      before.nodes.map((n) => [n.id, n.status, n.pid]),
    );
    // The server is still fine.
    assert.equal((await request(w, '/api/cluster')).status, 200);
  });

  test('links: cut, one-way cut, fault and restore show in /api/cluster', async () => {
    const link = (v: ClusterView, from: number, to: number) => v.links.find((l) => l.from === from && l.to === to)!;
    assert.equal((await request(w, '/api/links', json({ from: 1, to: 2, state: 'cut' }))).status, 200);
    let v = await view(w);
    assert.equal(link(v, 1, 2).state, 'cut');
    assert.equal(link(v, 2, 1).state, 'cut');
    assert.equal(link(v, 1, 3).state, 'up');
    assert.equal((await request(w, '/api/links', json({ from: 1, to: 2, state: 'up' }))).status, 200);
    assert.equal((await request(w, '/api/links', json({ from: 2, to: 3, state: 'cut', oneWay: true }))).status, 200);
    v = await view(w);
    assert.equal(link(v, 1, 2).state, 'up');
    assert.equal(link(v, 2, 3).state, 'cut');
    assert.equal(link(v, 3, 2).state, 'up');
    const fault = await request(w, '/api/links/fault', json({ from: 1, to: 3, delayMs: 20, loss: 0.1 }));
    assert.equal(fault.status, 200);
    v = await view(w);
    assert.equal(link(v, 1, 3).delayMs, 20);
    assert.equal(link(v, 3, 1).loss, 0.1);
    assert.equal((await request(w, '/api/heal', { method: 'POST' })).status, 200);
    v = await view(w);
    assert.ok(v.links.every((l) => l.state === 'up' && l.delayMs === 0 && l.loss === 0));
    assert.equal((await request(w, '/api/links', json({ from: 1, to: 9, state: 'cut' }))).status, 404, 'no member 9');
  });

  test('partition and heal', async () => {
    const r = await request(w, '/api/partition', json({ groups: [[1], [2, 3]] }));
    assert.equal(r.status, 200);
    let v = await view(w);
    const cut = v.links.filter((l) => l.state === 'cut').map((l) => `${l.from}>${l.to}`);
    assert.deepEqual(cut.sort(), ['1>2', '1>3', '2>1', '3>1']);
    // The majority side {2,3} has (or elects) a chairman and still commits.
    const set = await request(w, '/api/kv', json({ op: 'set', key: 'monsoon', value: 'C cut off' }));
    assert.equal(set.status, 200);
    await waitForView(w, 'a chairman in {2,3}', (c) => c.leaderId === 2 || c.leaderId === 3);
    assert.equal((await request(w, '/api/heal', { method: 'POST', body: {} })).status, 200);
    v = await view(w);
    assert.ok(v.links.every((l) => l.state === 'up'));
  });

  test('settings', async () => {
    const r = await request(w, '/api/settings', json({ timeScale: 0.5, preVote: false }));
    assert.equal(r.status, 200);
    let v = await view(w);
    assert.equal(v.settings.timeScale, 0.5);
    assert.equal(v.settings.preVote, false);
    assert.equal((await request(w, '/api/settings', json({ timeScale: 5 }))).status, 400);
    await request(w, '/api/settings', json({ timeScale: 1, preVote: true }));
    v = await view(w);
    assert.equal(v.settings.timeScale, 1);
    assert.equal(v.settings.preVote, true);
  });

  test('crash the chairman: a new one is elected; restart brings it back; pause and resume', async () => {
    const old = (await waitForView(w, 'a chairman', (c) => c.leaderId !== null)).leaderId!;
    assert.equal((await request(w, `/api/nodes/${old}/crash`, { method: 'POST' })).status, 200);
    let v = await view(w);
    assert.equal(v.nodes.find((n) => n.id === old)!.status, 'crashed');
    assert.equal(v.nodes.find((n) => n.id === old)!.pid, null);
    v = await waitForView(w, 'a new chairman', (c) => c.leaderId !== null && c.leaderId !== old);
    const term = v.term;
    assert.equal((await request(w, `/api/nodes/${old}/crash`, { method: 'POST' })).status, 409);
    assert.equal((await request(w, `/api/nodes/${old}/restart`, { method: 'POST' })).status, 200);
    await waitForView(w, `member ${old} back and caught up`, (c) => {
      const n = c.nodes.find((m) => m.id === old)!;
      return n.status === 'running' && n.term >= term && n.commitIndex > 0;
    });
    const follower = v.nodes.find((n) => n.id !== v.leaderId && n.id !== old)!.id;
    assert.equal((await request(w, `/api/nodes/${follower}/pause`, { method: 'POST' })).status, 200);
    assert.equal((await view(w)).nodes.find((n) => n.id === follower)!.status, 'paused');
    assert.equal((await request(w, `/api/nodes/${follower}/resume`, { method: 'POST' })).status, 200);
    assert.equal((await view(w)).nodes.find((n) => n.id === follower)!.status, 'running');
  });

  test('membership: add a learner, promote it, transfer the chair, remove it', async () => {
    const add = await request(w, '/api/members', json({ learner: true }));
    assert.equal(add.status, 200, add.text);
    const { id } = add.json as { id: number };
    assert.equal(id, 4);
    await waitForView(w, 'learner 4', (c) => c.learners.includes(4));
    const promote = await request(w, '/api/members/4/promote', { method: 'POST' });
    assert.equal(promote.status, 200, promote.text);
    await waitForView(w, 'voter 4', (c) => c.voters.includes(4));
    const to = (await view(w)).nodes.find((n) => n.role !== 'leader' && n.id !== 4)!.id;
    const transfer = await request(w, '/api/leader', json({ to }));
    assert.equal(transfer.status, 200, transfer.text);
    assert.equal((await view(w)).leaderId, to);
    const remove = await request(w, '/api/members/4', { method: 'DELETE' });
    assert.equal(remove.status, 200, remove.text);
    assert.deepEqual(
      (await view(w)).nodes.map((n) => n.id),
      [1, 2, 3],
    );
  });

  test('GET /api/events?since and /api/safety', async () => {
    const all = (await request(w, '/api/events?since=0&limit=5')).json as ClusterEvent[];
    assert.deepEqual(
      all.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    const later = (await request(w, '/api/events?since=3&limit=2')).json as ClusterEvent[];
    assert.deepEqual(
      later.map((e) => e.seq),
      [4, 5],
    );
    const tail = lastSeq();
    const none = (await request(w, `/api/events?since=${tail + 1000}`)).json as ClusterEvent[];
    assert.deepEqual(none, []);
    assert.equal((await request(w, '/api/events?since=-1')).status, 400);
    assert.equal((await request(w, '/api/events?since=abc')).status, 400);
    const safety = await request(w, '/api/safety');
    assert.equal(safety.status, 200);
    const report = safety.json as SafetyReport;
    assert.deepEqual(report.violations, []);
    assert.deepEqual(
      report.properties.map((p) => [p.property, p.violations]),
      properties.map((p) => [p, 0]),
    );
    const elections = report.properties[0]!;
    assert.ok(elections.checks > 0, 'the election was checked');
    assert.equal(elections.evidence[0]?.kind, 'oneLeader');
    const metrics = (await request(w, '/api/metrics')).json as {
      leaderChanges: unknown[];
      client: { completed: number };
    };
    assert.ok(metrics.leaderChanges.length >= 1, 'the first election is counted');
    assert.ok(metrics.client.completed >= 1, 'earlier client requests are counted');
  });

  test('Host and Origin: DNS rebinding and cross-site requests are refused', async () => {
    const evil = await request(w, '/api/cluster', { headers: { host: `evil.example:${w.port}` } });
    assert.equal(evil.status, 421);
    assert.equal((await request(w, '/api/cluster', { headers: { host: `localhost:${w.port}` } })).status, 200);
    const since = lastSeq();
    const cross = await request(w, '/api/nodes/1/crash', {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    assert.equal(cross.status, 403);
    const site = await request(w, '/api/heal', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(site.status, 403);
    assert.deepEqual(doneSince(since), []);
    const same = await request(w, '/api/cluster', { headers: { origin: w.url } });
    assert.equal(same.status, 200);
  });

  test('/ lists the API when no UI is served', async () => {
    const r = await request(w, '/');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(r.text, /POST +\/api\/kv/);
    assert.match(r.text, /WS +\/api\/events/);
    assert.equal((await request(w, '/index.html')).status, 404);
    assert.equal((await request(w, '/', { method: 'POST', body: {} })).status, 405);
  });

  test('WebSocket: hello, then event batches at most one per 16 ms', async () => {
    const c = await connect(w);
    try {
      const hello = await c.next((m) => m.type === 'hello');
      assert.equal((hello.view as ClusterView).nodes.length, 3);
      assert.equal(typeof hello.seq, 'number');
      assert.equal(hello.access, 'admin');
      // Load: writes (each a flurry of appends, messages, applies) while the stream runs.
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => request(w, '/api/kv', json({ op: 'set', key: `w${i}`, value: 'v' }))),
      );
      await new Promise((r) => setTimeout(r, 200));
      const batches = c.messages.filter((m) => m.data.type === 'events');
      const elapsed = performance.now() - started;
      const events = batches.flatMap((b) => b.data.events as ClusterEvent[]);
      assert.ok(batches.length >= 3, `batches: ${batches.length}`);
      assert.ok(events.length > batches.length * 2, `events ${events.length} in ${batches.length} batches`);
      assert.ok(batches.length <= elapsed / 16 + 3, `${batches.length} batches in ${Math.round(elapsed)} ms`);
      // In order, no gaps, nothing from before the hello.
      const seqs = events.map((e) => e.seq);
      assert.ok(seqs[0]! > (hello.seq as number));
      for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1);
      assert.ok(events.some((e) => e.kind === 'client' && e.op === 'set'));
    } finally {
      c.close();
    }
  });

  test('WebSocket: ?since replays recorded events first', async () => {
    const c = await connect(w, '?since=0');
    try {
      await c.next((m) => m.type === 'hello');
      const first = await c.next((m) => m.type === 'events');
      assert.equal((first.events as ClusterEvent[])[0]!.seq, 1);
    } finally {
      c.close();
    }
  });

  test('WebSocket: commands get results; anything else an error, never a crash', async () => {
    const c = await connect(w);
    try {
      c.ws.send(JSON.stringify({ type: 'command', id: 'a', name: 'kv', input: { op: 'set', key: 'ws', value: '1' } }));
      const set = await c.next((m) => m.type === 'result' && m.id === 'a');
      assert.equal(set.status, 200);
      c.ws.send(JSON.stringify({ type: 'command', id: 2, name: 'kv', input: { op: 'get', key: 'ws' } }));
      assert.deepEqual((await c.next((m) => m.type === 'result' && m.id === 2)).body, { value: '1' });
      c.ws.send(JSON.stringify({ type: 'command', id: 3, name: 'kv', input: { op: 'set' } }));
      assert.equal((await c.next((m) => m.type === 'result' && m.id === 3)).status, 400);
      c.ws.send(JSON.stringify({ type: 'command', id: 4, name: 'self.destruct', input: {} }));
      assert.equal((await c.next((m) => m.type === 'result' && m.id === 4)).status, 404);
      for (const junk of ['not json', '[]', '{"type":"hello"}', '{"type":"command","name":"kv"}', 'null']) {
        c.ws.send(junk);
        assert.equal((await c.next((m) => m.type === 'error')).type, 'error', junk);
      }
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await c.next((m) => m.type === 'error');
      assert.equal(c.ws.readyState, c.ws.OPEN);
    } finally {
      c.close();
    }
    assert.equal((await request(w, '/api/cluster')).status, 200);
  });

  test('WebSocket: wrong path, wrong Host and cross-site pages are refused', async () => {
    await assert.rejects(connect(w, '', { host: `evil.example:${w.port}` }), /421/);
    await assert.rejects(connect(w, '', { origin: 'http://evil.example' }), /403/);
    const other = connect({ ...w, url: `${w.url}/api` });
    await assert.rejects(other, /404/);
  });
});
