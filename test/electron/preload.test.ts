// The compiled preload as Electron's sandbox loads it: one CommonJS file that may require only
// 'electron'. Run in a vm context with a fake `electron` (contextBridge and ipcRenderer stubs), it
// must expose exactly SocietyApi as window.raftSociety, never ipcRenderer, and hand each listener
// what its own subscription is sent.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { Script, createContext } from 'node:vm';
import type { StreamMessage } from '../../main/electron/messages.ts';
import { ipcChannels, type SocietyApi, type SocietyListener } from '../../main/shared/bridge.ts';
import type { ClusterEvent, ClusterView } from '../../main/shared/contract.ts';
import { buildPreload } from '../../scripts/build-preload.ts';

/** SocietyApi's keys, checked by the compiler against the interface (none missing, none extra). */
const societyApiKeys = Object.keys({ door: true, execute: true, subscribe: true } satisfies Record<
  keyof SocietyApi,
  true
>).sort();

interface Loaded {
  readonly exposed: Map<string, unknown>;
  readonly ipcRenderer: Record<string, unknown>;
  readonly invoked: { channel: string; payload: unknown }[];
  readonly sent: { channel: string; payload: unknown }[];
  /** Deliver a main -> renderer message as Electron would. */
  readonly stream: (message: StreamMessage) => void;
  readonly required: string[];
}

// Built as `npm run build:preload` builds it, into a folder of its own (out/ may be in use by other tests).
const outDir = mkdtempSync(join(tmpdir(), 'rs-preload-'));
const preloadEntry = join(outDir, 'index.cjs');
let code = '';

before(async () => {
  await buildPreload(preloadEntry);
  code = readFileSync(preloadEntry, 'utf8');
});
after(() => {
  rmSync(outDir, { recursive: true, force: true });
});

/** Run the compiled preload in a fresh context with a fake `require`. */
function load(): Loaded {
  const exposed = new Map<string, unknown>();
  const invoked: Loaded['invoked'] = [];
  const sent: Loaded['sent'] = [];
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  const required: string[] = [];
  const ipcRenderer = {
    invoke(channel: string, payload: unknown) {
      invoked.push({ channel, payload });
      return Promise.resolve({ status: 200, body: { echoed: payload } });
    },
    send(channel: string, payload: unknown) {
      sent.push({ channel, payload });
    },
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    sendSync() {
      throw new Error('the preload must not use sendSync');
    },
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        exposed.set(key, api);
      },
    },
    ipcRenderer,
  };
  const module = { exports: {} };
  const fakeRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${name}"`);
  };
  const context = createContext({ console });
  const wrapped = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, {
    filename: preloadEntry,
  }).runInContext(context) as (...args: unknown[]) => void;
  wrapped(module.exports, fakeRequire, module, preloadEntry, dirname(preloadEntry));
  return {
    exposed,
    ipcRenderer,
    invoked,
    sent,
    required,
    stream: (message) => {
      for (const l of listeners.get(ipcChannels.stream) ?? []) l({ sender: 'main' }, message);
    },
  };
}

const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

test('the preload is one CommonJS file that requires only electron', () => {
  assert.deepEqual(readdirSync(dirname(preloadEntry)), ['index.cjs']);
  assert.doesNotMatch(code, /^\s*(import|export)\s/m, 'no ES module syntax');
  const requires = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(requires)], ['electron']);
  const { required } = load();
  assert.deepEqual(required, ['electron']);
});

test('it exposes exactly SocietyApi as window.raftSociety (door "desktop"), and never ipcRenderer', () => {
  const { exposed, ipcRenderer } = load();
  assert.deepEqual([...exposed.keys()], ['raftSociety']);
  const api = exposed.get('raftSociety') as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), societyApiKeys);
  assert.equal(api.door, 'desktop');
  assert.equal(typeof api.execute, 'function');
  assert.equal(typeof api.subscribe, 'function');
  // Nothing reachable from what is exposed is ipcRenderer or one of its methods.
  const forbidden = new Set<unknown>([ipcRenderer, ...Object.values(ipcRenderer)]);
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    assert.ok(!forbidden.has(v), 'ipcRenderer is exposed');
    for (const key of Reflect.ownKeys(v)) {
      const d = Reflect.getOwnPropertyDescriptor(v, key);
      if (d !== undefined && 'value' in d) walk(d.value);
    }
  };
  walk(api);
});

test('execute invokes the execute channel with { name, input } and returns the answer', async () => {
  const { exposed, invoked } = load();
  const api = exposed.get('raftSociety') as SocietyApi;
  const r = await api.execute('decide', { text: 'Repair the lift' });
  assert.deepEqual(plain(invoked), [
    { channel: ipcChannels.execute, payload: { name: 'decide', input: { text: 'Repair the lift' } } },
  ]);
  assert.deepEqual(plain(r), { status: 200, body: { echoed: { name: 'decide', input: { text: 'Repair the lift' } } } });
});

const view = { term: 1, leaderId: 1 } as unknown as ClusterView;
const events = (...seqs: number[]): ClusterEvent[] =>
  seqs.map((seq) => ({ seq, at: 0, kind: 'frame', node: 1, reason: `e${seq}` }));

function recorder(log: string[], name: string, fail = false): SocietyListener {
  return {
    hello: (_v, seq) => {
      log.push(`${name} hello ${seq}`);
      if (fail) throw new Error('listener bug');
    },
    events: (batch) => log.push(`${name} events ${batch.map((e) => e.seq).join(',')}`),
    disconnected: (reason) => log.push(`${name} disconnected: ${reason}`),
  };
}

test('each listener gets what its own subscription sends: hello, history, live events; unsubscribing stops it', (t) => {
  t.mock.method(console, 'error', () => undefined);
  const { exposed, sent, stream } = load();
  const api = exposed.get('raftSociety') as SocietyApi;
  const log: string[] = [];
  const stopA = api.subscribe(recorder(log, 'A', true)); // its hello throws: B is not affected
  const stopB = api.subscribe(recorder(log, 'B'));
  assert.deepEqual(plain(sent), [
    { channel: ipcChannels.subscribe, payload: { id: 1 } },
    { channel: ipcChannels.subscribe, payload: { id: 2 } },
  ]);
  stream({ type: 'hello', id: 1, view, seq: 3 });
  stream({ type: 'events', id: 1, events: events(1, 2, 3) }); // A's history
  stream({ type: 'hello', id: 2, view, seq: 4 });
  stream({ type: 'events', id: 1, events: events(4) });
  stream({ type: 'events', id: 2, events: events(1, 2, 3, 4) }); // B's history
  stream({ type: 'events', id: 2, events: [] }); // nothing: not delivered
  stream({ type: 'events', id: 9, events: events(5) }); // nobody's
  stopA();
  stopA(); // twice is once
  stream({ type: 'events', id: 1, events: events(5) }); // in flight when A left: dropped
  stream({ type: 'events', id: 2, events: events(5) });
  stream({ type: 'disconnected', reason: 'the app is quitting' });
  stopB();
  stream({ type: 'events', id: 2, events: events(6) });
  assert.deepEqual(log, [
    'A hello 3',
    'A events 1,2,3',
    'B hello 4',
    'A events 4',
    'B events 1,2,3,4',
    'B events 5',
    'B disconnected: the app is quitting',
  ]);
  assert.deepEqual(plain(sent.slice(2)), [
    { channel: ipcChannels.unsubscribe, payload: { id: 1 } },
    { channel: ipcChannels.unsubscribe, payload: { id: 2 } },
  ]);
});

test('messages that are not stream messages are ignored', () => {
  const { exposed, stream } = load();
  const api = exposed.get('raftSociety') as SocietyApi;
  const log: string[] = [];
  api.subscribe(recorder(log, 'A'));
  for (const junk of [null, 42, 'hello', {}, { type: 'other' }]) stream(junk as unknown as StreamMessage);
  assert.deepEqual(log, []);
});
