// The desktop door in the main process, without Electron: who may send (only the main frame of
// our window showing our own page), what (payloads checked against schemas before anything
// reaches the supervisor), and the event stream (hello, then batches at most one per 16 ms). The
// last test sends a command through the handler to a real three-member cluster.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Supervisor } from '../../main/cluster/supervisor.ts';
import {
  SocietyIpc,
  senderProblem,
  type ContentsLike,
  type FrameLike,
  type SenderEvent,
  type SocietyDoor,
  type TrustedWindow,
} from '../../main/electron/ipc.ts';
import type { StreamMessage } from '../../main/electron/messages.ts';
import { SafetyMonitor } from '../../main/safety/monitor.ts';
import { ipcChannels } from '../../main/shared/bridge.ts';
import type { ClusterEvent, ClusterView, CommandResult } from '../../main/shared/contract.ts';
import { ensureMemberBundle } from '../../scripts/build-member.ts';

const rendererDir = join(tmpdir(), 'raft-society-app', 'out', 'renderer');
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function frame(overrides: Partial<FrameLike> = {}): FrameLike {
  return { url: indexUrl, parent: null, frameTreeNodeId: 1, processId: 7, detached: false, ...overrides };
}

class FakeContents implements ContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  readonly sent: { channel: string; message: StreamMessage; at: number }[] = [];
  destroyed = false;
  constructor(id = 1, mainFrame: FrameLike = frame()) {
    this.id = id;
    this.mainFrame = mainFrame;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, message: args[0] as StreamMessage, at: performance.now() });
  }
  messages<T extends StreamMessage['type']>(type: T): Extract<StreamMessage, { type: T }>[] {
    return this.sent.map((s) => s.message).filter((m): m is Extract<StreamMessage, { type: T }> => m.type === type);
  }
}

const view: ClusterView = {
  term: 0,
  leaderId: null,
  voters: [],
  learners: [],
  nodes: [],
  links: [],
  settings: {
    timeScale: 1,
    preVote: true,
    checkQuorum: true,
    electionTimeoutMs: [150, 300],
    heartbeatMs: 50,
    snapshotThreshold: 1000,
    canFreeze: true,
  },
  safety: new SafetyMonitor().report(),
};

/** A supervisor stand-in: records commands, emits events on demand. */
class FakeDoor implements SocietyDoor {
  readonly calls: { name: string; input: unknown }[] = [];
  readonly listeners = new Set<(e: ClusterEvent) => void>();
  answer: (name: string) => Promise<CommandResult> = () => Promise.resolve({ status: 200, body: { ok: true } });
  readonly recording: ClusterEvent[] = [];
  execute(name: string, input: unknown): Promise<CommandResult> {
    this.calls.push({ name, input });
    return this.answer(name);
  }
  view(): ClusterView {
    return view;
  }
  events(since = 0): ClusterEvent[] {
    return this.recording.filter((e) => e.seq > since);
  }
  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(n = 1): void {
    for (let i = 0; i < n; i++) {
      const seq = this.recording.length + 1;
      const e: ClusterEvent = { seq, at: Date.now(), kind: 'frame', node: 1, reason: `e${seq}` };
      this.recording.push(e);
      for (const l of this.listeners) l(e);
    }
  }
}

function setup(options: ConstructorParameters<typeof SocietyIpc>[2] = {}) {
  const contents = new FakeContents();
  const trusted: TrustedWindow = { contents, rendererDir };
  const door = new FakeDoor();
  const refusals: string[] = [];
  const ipc = new SocietyIpc(door, () => trusted, { onRefused: (_c, why) => refusals.push(why), ...options });
  const from = (f: FrameLike | null = contents.mainFrame, id = contents.id): SenderEvent => ({
    sender: { id },
    senderFrame: f,
  });
  return { contents, trusted, door, ipc, refusals, from, ok: from() };
}

test('senderProblem: only the main frame of our window, showing one of our pages', () => {
  const { trusted, from } = setup();
  assert.equal(senderProblem(from(), trusted), null);
  assert.equal(senderProblem(from(frame({ url: `${indexUrl}#/minutes?x=1` })), trusted), null);
  const cases: [string, SenderEvent, RegExp][] = [
    ['another webContents', from(frame(), 2), /webContents 2 is not the app window/],
    ['a subframe', from(frame({ parent: frame(), frameTreeNodeId: 2 })), /subframe/],
    ['another top-level frame', from(frame({ frameTreeNodeId: 9 })), /not the main frame/],
    ['a frame of another process', from(frame({ processId: 8 })), /not the main frame/],
    ['a frame that is gone', from(null), /frame is gone/],
    ['a detached frame', from(frame({ detached: true })), /frame is gone/],
    ['a remote page', from(frame({ url: 'https://evil.example/' })), /not a page of the app/],
    ['a local page elsewhere', from(frame({ url: pathToFileURL('/tmp/evil.html').href })), /not a page of the app/],
    [
      'a page beside the renderer',
      from(frame({ url: pathToFileURL(join(rendererDir, '..', 'x.html')).href })),
      /not a page of the app/,
    ],
    ['about:blank', from(frame({ url: 'about:blank' })), /not a page of the app/],
    ['a data: page', from(frame({ url: 'data:text/html,<script>1</script>' })), /not a page of the app/],
  ];
  for (const [what, event, why] of cases) assert.match(senderProblem(event, trusted) ?? 'accepted', why, what);
  assert.match(senderProblem(from(), null)!, /no app window/);
  const gone = new FakeContents();
  gone.destroyed = true;
  assert.match(senderProblem(from(), { contents: gone, rendererDir })!, /no app window/);
});

test('execute: a message from anywhere else is refused before the supervisor sees it', async () => {
  const { ipc, door, from, refusals } = setup();
  const payload = { name: 'node.crash', input: { id: 1 } };
  for (const event of [
    from(frame(), 2),
    from(frame({ parent: frame(), frameTreeNodeId: 5 })),
    from(frame({ url: 'https://evil.example/' })),
  ]) {
    const r = await ipc.execute(event, payload);
    assert.equal(r.status, 403);
    assert.match((r.body as { error: string }).error, /^refused: /);
  }
  assert.deepEqual(door.calls, []);
  assert.equal(refusals.length, 3);
});

test('execute: payloads that do not match the schemas are answered 400/404 and never reach the supervisor', async () => {
  const { ipc, door, ok } = setup();
  const bad: [unknown, number, RegExp][] = [
    [null, 400, /expected \{ name, input \}/],
    ['kv', 400, /expected \{ name, input \}/],
    [[], 400, /expected \{ name, input \}/],
    [{ input: {} }, 400, /name/],
    [{ name: 'kv', input: {}, extra: true }, 400, /extra/],
    [{ name: 'x'.repeat(65), input: {} }, 400, /name/],
    [{ name: 'launch.missiles', input: {} }, 404, /unknown command "launch.missiles"/],
    [{ name: '__proto__', input: {} }, 404, /unknown command/],
    [{ name: 'kv', input: { op: 'set', key: '', value: 'x' } }, 400, /key/],
    [{ name: 'kv', input: { op: 'drop', key: 'a' } }, 400, /op/],
    [{ name: 'node.crash', input: { id: '1' } }, 400, /id/],
    [{ name: 'node.crash', input: { id: 1, signal: 'KILL' } }, 400, /signal/],
    [{ name: 'decide', input: { text: '   ' } }, 400, /text/],
    [
      {
        name: 'partition',
        input: {
          groups: [
            [1, 2],
            [2, 3],
          ],
        },
      },
      400,
      /one group only/,
    ],
    [{ name: 'settings.set', input: { timeScale: 5 } }, 400, /timeScale/],
  ];
  for (const [payload, status, why] of bad) {
    const r = await ipc.execute(ok, payload);
    assert.equal(r.status, status, JSON.stringify(payload));
    assert.match((r.body as { error: string }).error, why, JSON.stringify(payload));
  }
  assert.deepEqual(door.calls, []);
});

test('execute: a valid command reaches the supervisor with its parsed input, and its answer comes back', async () => {
  const { ipc, door, ok } = setup();
  door.answer = () => Promise.resolve({ status: 200, body: { number: 1, index: 3 } });
  const r = await ipc.execute(ok, { name: 'decide', input: { text: '  Paint the gate  ' } });
  assert.deepEqual(r, { status: 200, body: { number: 1, index: 3 } });
  door.answer = () => Promise.resolve({ status: 200, body: { ok: true } });
  assert.deepEqual(await ipc.execute(ok, { name: 'heal', input: undefined }), { status: 200, body: { ok: true } });
  assert.deepEqual(door.calls, [
    { name: 'decide', input: { text: 'Paint the gate' } },
    { name: 'heal', input: {} },
  ]);
  door.answer = () => Promise.reject(new Error('boom'));
  const failed = await ipc.execute(ok, { name: 'heal', input: {} });
  assert.equal(failed.status, 500);
});

test('execute: at most 16 commands at once per window', async () => {
  const { ipc, door, ok } = setup();
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  door.answer = async () => {
    await held;
    return { status: 200, body: { ok: true } };
  };
  const running = Array.from({ length: 16 }, () => ipc.execute(ok, { name: 'heal', input: {} }));
  const extra = await ipc.execute(ok, { name: 'heal', input: {} });
  assert.equal(extra.status, 429);
  release();
  assert.ok((await Promise.all(running)).every((r) => r.status === 200));
  assert.equal((await ipc.execute(ok, { name: 'heal', input: {} })).status, 200);
});

/** The seqs of the events sent to subscription `id`, in the order sent. */
const seqsFor = (contents: FakeContents, id: number): number[] =>
  contents
    .messages('events')
    .filter((m) => m.id === id)
    .flatMap((m) => m.events.map((e) => e.seq));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('the stream: a hello, the recording as history, then live events, at most one batch per 16 ms', async () => {
  const { ipc, door, contents, ok } = setup();
  door.emit(3); // before anyone listens: history
  ipc.subscribe(ok, { id: 1 });
  assert.equal(contents.sent.length, 1, 'the hello goes at once');
  assert.equal(contents.sent[0]!.channel, ipcChannels.stream);
  assert.deepEqual(contents.sent[0]!.message, { type: 'hello', id: 1, view, seq: 3 });

  // 400 events over ~100 ms arrive in a few batches after the history, in order, none twice.
  for (let i = 0; i < 20; i++) {
    door.emit(20);
    await sleep(5);
  }
  await sleep(40);
  assert.deepEqual(seqsFor(contents, 1), range(1, 403));
  const batches = contents.sent.filter((s) => s.message.type === 'events');
  assert.ok(batches.length >= 2 && batches.length <= 12, `${batches.length} batches`);
  for (let i = 1; i < batches.length; i++)
    assert.ok(batches[i]!.at - batches[i - 1]!.at >= 15.5, `batches ${i - 1} and ${i} within 16 ms`);
});

test('the stream: a long recording is sent as history in batches of at most maxBatch', async () => {
  const { ipc, door, contents, ok } = setup({ maxBatch: 100 });
  door.emit(450);
  ipc.subscribe(ok, { id: 1 });
  await sleep(5 * 16 + 40);
  const sizes = contents.messages('events').map((m) => m.events.length);
  assert.deepEqual(sizes, [100, 100, 100, 100, 50]);
  assert.deepEqual(seqsFor(contents, 1), range(1, 450));
});

test('the stream: subscriptions are separate; refused senders and bad payloads get nothing; unsubscribing stops one', async () => {
  const { ipc, door, contents, ok, from, refusals } = setup();
  door.emit(2);
  ipc.subscribe(ok, { id: 1 });
  await sleep(30);
  door.emit(1);
  ipc.subscribe(ok, { id: 2 }); // joins later: its own hello and the whole history
  assert.deepEqual(contents.sent.at(-1)!.message, { type: 'hello', id: 2, view, seq: 3 });
  await sleep(30);
  assert.deepEqual(seqsFor(contents, 1), [1, 2, 3]);
  assert.deepEqual(seqsFor(contents, 2), [1, 2, 3]);

  const before = contents.sent.length;
  ipc.subscribe(from(frame({ url: 'https://evil.example/' })), { id: 3 });
  ipc.subscribe(from(frame(), 2), { id: 3 });
  ipc.subscribe(ok, { id: -1 });
  ipc.subscribe(ok, { id: 1.5 });
  ipc.subscribe(ok, 'all');
  ipc.unsubscribe(from(frame({ parent: frame(), frameTreeNodeId: 4 })), { id: 1 });
  assert.equal(contents.sent.length, before);
  assert.equal(refusals.length, 6);
  assert.equal(ipc.subscriptions(contents.id), 2);

  ipc.unsubscribe(ok, { id: 1 });
  door.emit(1);
  await sleep(30);
  assert.deepEqual(seqsFor(contents, 1), [1, 2, 3], 'nothing more for the one that left');
  assert.deepEqual(seqsFor(contents, 2), [1, 2, 3, 4]);
  ipc.unsubscribe(ok, { id: 2 });
  assert.equal(ipc.subscriptions(contents.id), 0);
  door.emit(1);
  await sleep(30);
  assert.deepEqual(seqsFor(contents, 2), [1, 2, 3, 4]);
});

test('the stream: a subscription limit, a window that goes away, and a goodbye when the cluster stops', async () => {
  const { ipc, door, contents, ok } = setup({ maxSubscriptions: 2 });
  ipc.subscribe(ok, { id: 1 });
  ipc.subscribe(ok, { id: 2 });
  ipc.subscribe(ok, { id: 3 });
  assert.equal(ipc.subscriptions(contents.id), 2);
  ipc.forget(contents.id);
  door.emit(3);
  await sleep(40);
  assert.equal(contents.messages('events').length, 0, 'a forgotten window gets no events');
  ipc.subscribe(ok, { id: 4 });
  contents.destroyed = true;
  door.emit(1);
  await sleep(40);
  assert.equal(contents.messages('events').length, 0, 'nothing is sent to a destroyed window');
  contents.destroyed = false;
  ipc.close('the app is quitting');
  assert.deepEqual(contents.sent.at(-1)!.message, { type: 'disconnected', reason: 'the app is quitting' });
  assert.equal(door.listeners.size, 0, 'no longer listening to the supervisor');
  assert.equal((await ipc.execute(ok, { name: 'heal', input: {} })).status, 503);
});

test('the stream: a flood past maxQueued is dropped for a fresh hello instead of an endless queue', async () => {
  const { ipc, door, contents, ok } = setup({ maxQueued: 100 });
  ipc.subscribe(ok, { id: 1 });
  door.emit(150); // all within one tick: the queue overflows before a batch can go
  await sleep(40);
  // The 101st event overflowed the queue: a hello at seq 101 replaces events 1-101, the rest follow.
  assert.deepEqual(contents.messages('hello').at(-1), { type: 'hello', id: 1, view, seq: 101 });
  assert.deepEqual(seqsFor(contents, 1), range(102, 150));
});

test('attach installs exactly the three handlers and detach removes them', () => {
  const { ipc } = setup();
  const handled = new Map<string, unknown>();
  const listened = new Map<string, unknown>();
  const fakeIpcMain = {
    handle: (channel: string, listener: unknown) => void handled.set(channel, listener),
    removeHandler: (channel: string) => void handled.delete(channel),
    on: (channel: string, listener: unknown) => listened.set(channel, listener),
    removeListener: (channel: string, listener: unknown) => {
      if (listened.get(channel) === listener) listened.delete(channel);
    },
  };
  const detach = ipc.attach(fakeIpcMain);
  assert.deepEqual([...handled.keys()], [ipcChannels.execute]);
  assert.deepEqual([...listened.keys()].sort(), [ipcChannels.subscribe, ipcChannels.unsubscribe].sort());
  detach();
  assert.equal(handled.size + listened.size, 0);
});

test('a valid command through the handler reaches a real three-member cluster', async (t) => {
  await ensureMemberBundle();
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-electron-'));
  const supervisor = new Supervisor({ nodes: 3, dataDir });
  const contents = new FakeContents();
  const ipc = new SocietyIpc(supervisor, () => ({ contents, rendererDir }));
  t.after(async () => {
    ipc.close('test over');
    await supervisor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ok: SenderEvent = { sender: { id: contents.id }, senderFrame: contents.mainFrame };
  ipc.subscribe(ok, { id: 1 });
  await supervisor.start();
  assert.notEqual(await supervisor.waitForLeader(5000), null);

  const set = await ipc.execute(ok, { name: 'kv', input: { op: 'set', key: 'gate', value: 'green' } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const get = await ipc.execute(ok, { name: 'kv', input: { op: 'get', key: 'gate' } });
  assert.equal(get.status, 200);
  assert.equal((get.body as { value: string }).value, 'green');
  const cluster = await ipc.execute(ok, { name: 'cluster.get', input: {} });
  assert.equal((cluster.body as ClusterView).nodes.length, 3);
  const refused = await ipc.execute(
    { sender: { id: 99 }, senderFrame: contents.mainFrame },
    {
      name: 'node.crash',
      input: { id: 1 },
    },
  );
  assert.equal(refused.status, 403);
  assert.ok(
    supervisor.view().nodes.every((n) => n.status === 'running'),
    'the refused crash did not happen',
  );

  // A listener that joins now learns what happened before it from the history.
  ipc.subscribe(ok, { id: 2 });
  const hello2 = contents.messages('hello').find((m) => m.id === 2)!;
  await sleep(50);
  const history = contents
    .messages('events')
    .filter((m) => m.id === 2)
    .flatMap((m) => m.events)
    .filter((e) => e.seq <= hello2.seq);
  assert.equal(history[0]?.seq, 1, 'from the first event');
  assert.equal(history.at(-1)?.seq, hello2.seq, 'up to the hello');
  assert.ok(
    history.some((e) => e.kind === 'append'),
    'with the minutes books',
  );

  const events = contents
    .messages('events')
    .filter((m) => m.id === 1)
    .flatMap((m) => m.events);
  assert.ok(
    events.some((e) => e.kind === 'state' && e.role === 'leader'),
    'the election arrived as events',
  );
  assert.ok(
    events.some((e) => e.kind === 'client' && e.op === 'set' && e.status === 200),
    'and the set',
  );
  const seqs = events.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
    'in order',
  );
});
