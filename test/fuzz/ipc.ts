// Fuzzing the desktop door behind the preload: the real handlers of main/electron/ipc.ts in front
// of a real cluster. Electron cannot run here, so the events are plain objects shaped like
// Electron's and the payloads pass through structuredClone, which is what Electron's IPC does to
// them. Bad payloads are refused naming the problem, messages from anywhere but our window's own
// page are refused whatever they ask, subscriptions take only what they should, and the society
// is as it was after every one.

import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  SocietyIpc,
  senderProblem,
  type ContentsLike,
  type FrameLike,
  type SenderEvent,
} from '../../main/electron/ipc.ts';
import { hostileValue, invalidMutation, prototypeKeys } from './arbitraries.ts';
import { badCommand, refusalProblem } from './bad-commands.ts';
import { fuzz } from './budget.ts';
import type { Baseline, WebSociety } from './society.ts';

const rendererDir = join(tmpdir(), 'Raft Society', 'resources', 'app.asar', 'out', 'renderer');
const index = pathToFileURL(join(rendererDir, 'index.html')).href;
const mainFrame: FrameLike = { url: index, parent: null, frameTreeNodeId: 1, processId: 4, detached: false };

class Contents implements ContentsLike {
  readonly id = 1;
  readonly mainFrame = mainFrame;
  readonly sent: unknown[] = [];
  isDestroyed(): boolean {
    return false;
  }
  send(_channel: string, message: unknown): void {
    this.sent.push(message);
  }
}

/** What crosses Electron's IPC: a structured clone (Maps, Dates, bigints and cycles survive; functions do not). */
const overIpc = (v: unknown): unknown => structuredClone(v);

// ---- who may talk ---------------------------------------------------------------------------------

/** Pages of the app: any file inside the renderer's folder, with any query or fragment. */
const ourPages = fc
  .tuple(
    fc.array(
      fc.stringMatching(/^[\w\-. ()%@+]{1,12}$/).filter((s) => s !== '.' && s !== '..'),
      { minLength: 1, maxLength: 3 },
    ),
    fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
  )
  .map(([parts, extra]) => {
    const url = pathToFileURL(join(rendererDir, ...parts));
    if (extra !== undefined) url.hash = extra;
    return url.href;
  });

/** Anything else: other schemes, other folders, ways out of the renderer's folder, other hosts. */
const otherPages = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'about:blank',
    'about:srcdoc',
    'data:text/html,<script>alert(1)</script>',
    'javascript:alert(1)',
    'devtools://devtools/bundled/inspector.html',
    'chrome://gpu',
    'blob:file:///1234',
    pathToFileURL(rendererDir).href,
    `${pathToFileURL(rendererDir).href}/../preload/index.cjs`,
    `${pathToFileURL(rendererDir).href}/%2e%2e/main/index.js`,
    `${pathToFileURL(`${rendererDir}-evil`).href}/index.html`,
    `file://evil.example${pathToFileURL(join(rendererDir, 'index.html')).pathname}`,
    'file:///etc/passwd',
    'not a url',
    '',
  ),
  fc
    .array(fc.constantFrom('..', '%2e%2e', '.%2E', 'x'), { minLength: 1, maxLength: 6 })
    .map((parts) => `${pathToFileURL(rendererDir).href}/${parts.join('/')}/../../index.html`)
    .filter((u) => {
      try {
        const path = decodeURIComponent(new URL(u).pathname);
        return !path.startsWith(`${rendererDir}${sep}`);
      } catch {
        return true;
      }
    }),
);

const strangers: fc.Arbitrary<{ event: SenderEvent; why: string }> = fc.oneof(
  otherPages.map((url) => ({ event: { sender: { id: 1 }, senderFrame: { ...mainFrame, url } }, why: `page ${url}` })),
  fc
    .integer({ min: 2, max: 99 })
    .map((id) => ({ event: { sender: { id }, senderFrame: mainFrame }, why: `webContents ${id}` })),
  fc.constant({ event: { sender: { id: 1 }, senderFrame: null }, why: 'no frame' }),
  fc.constant({ event: { sender: { id: 1 }, senderFrame: { ...mainFrame, detached: true } }, why: 'a detached frame' }),
  ourPages.map((url) => ({
    event: {
      sender: { id: 1 },
      senderFrame: { url, parent: mainFrame, frameTreeNodeId: 2, processId: 4, detached: false },
    },
    why: `a subframe showing ${url}`,
  })),
  fc.tuple(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 5, max: 50 })).map(([node, pid]) => ({
    event: { sender: { id: 1 }, senderFrame: { ...mainFrame, frameTreeNodeId: node, processId: pid } },
    why: `another frame ${node}/${pid}`,
  })),
);

/** Registers the IPC fuzzers on the shared society (doors.test.ts runs them). */
export function ipcFuzzers(shared: () => WebSociety): void {
  test('the main frame showing any page of the app is accepted; every other sender is refused with a reason', async () => {
    const trusted = { contents: new Contents(), rendererDir };
    await fuzz(
      'ipc: senders',
      fc.property(ourPages, strangers, (page, stranger) => {
        assert.equal(
          senderProblem({ sender: { id: 1 }, senderFrame: { ...mainFrame, url: page } }, trusted),
          null,
          page,
        );
        const problem = senderProblem(stranger.event, trusted);
        assert.ok(problem !== null && problem.trim() !== '', `accepted ${stranger.why}`);
      }),
      { runs: 200 },
    );
  });

  // ---- in front of a real society ---------------------------------------------------------------

  const contents = new Contents();
  const refusals: string[] = [];
  let ipc: SocietyIpc;
  let society: Baseline;
  const window: SenderEvent = { sender: { id: 1 }, senderFrame: mainFrame };
  before(() => {
    const { web } = shared();
    society = shared().society;
    ipc = new SocietyIpc(web.supervisor, () => ({ contents, rendererDir }), {
      onRefused: (_c, why) => refusals.push(why),
    });
  });
  after(() => {
    ipc.close('test over');
  });

  test('bad payloads on execute are refused naming the problem, and change nothing', async () => {
    const payloads = fc.oneof(
      {
        weight: 4,
        arbitrary: badCommand.map((bad) => ({
          payload: { name: bad.name, input: bad.input },
          expected: bad,
          why: bad.why,
        })),
      },
      {
        weight: 2,
        arbitrary: invalidMutation({ name: 'node.crash', input: { id: 1 } }, { opaque: [['input']] }).map((m) => ({
          payload: m.value,
          expected: { status: [400], names: m.path.length === 0 ? 'expected' : m.names },
          why: m.what,
        })),
      },
      {
        weight: 1,
        arbitrary: hostileValue
          .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, 'name'))
          .map((v) => ({ payload: v, expected: { status: [400], names: 'expected { name, input }' }, why: 'garbage' })),
      },
    );
    await fuzz(
      'ipc: execute',
      fc.asyncProperty(payloads, async ({ payload, expected, why }) => {
        const r = await ipc.execute(window, overIpc(payload));
        const problem = refusalProblem(expected, r);
        assert.equal(problem, null, `${why}: ${problem}`);
        assert.equal(society.changed(), null);
      }),
      { runs: 150, timeoutMs: 20_000 },
    );
  });

  test('a command the society would obey is refused from anywhere but our window, and nothing happens', async () => {
    const obeyable = fc.constantFrom(
      { name: 'node.crash', input: { id: 1 } },
      { name: 'heal', input: {} },
      { name: 'kv', input: { op: 'set', key: 'gate', value: 'pwned' } },
      { name: 'member.add', input: {} },
    );
    await fuzz(
      'ipc: strangers',
      fc.asyncProperty(strangers, obeyable, async (stranger, payload) => {
        const r = await ipc.execute(stranger.event, overIpc(payload));
        assert.equal(r.status, 403, stranger.why);
        assert.match((r.body as { error: string }).error, /^refused: \S/);
        assert.equal(society.changed(), null);
      }),
      { runs: 80, timeoutMs: 20_000 },
    );
  });

  test('subscribe and unsubscribe take exactly { id: a whole number }, from our window only', async () => {
    /** The rule, written out independently of the schema. */
    const isRequest = (p: unknown): boolean =>
      typeof p === 'object' &&
      p !== null &&
      !Array.isArray(p) &&
      Object.keys(p).length === 1 &&
      Number.isSafeInteger((p as { id?: unknown }).id) &&
      (p as { id: number }).id >= 0;
    const payloads = fc.oneof(
      hostileValue,
      invalidMutation({ id: 3 }).map((m) => m.value),
      fc.constantFrom<unknown>(
        { id: 2 ** 53 },
        { id: -0 },
        { id: 1.5 },
        { id: '1' },
        { id: 1, more: true },
        { ['__proto__']: { id: 1 } },
      ),
      fc.constantFrom(...prototypeKeys).map((k) => ({ [k]: 1 })),
    );
    await fuzz(
      'ipc: subscriptions',
      fc.property(payloads, fc.option(strangers, { nil: null }), (payload, stranger) => {
        const before = {
          subscriptions: ipc.subscriptions(contents.id),
          sent: contents.sent.length,
          refused: refusals.length,
        };
        const event = stranger?.event ?? window;
        const p = overIpc(payload);
        ipc.subscribe(event, p);
        const accepted = stranger === null && isRequest(p);
        if (accepted) {
          assert.ok(contents.sent.length > before.sent, 'a hello for a valid subscription');
          ipc.unsubscribe(window, p);
          assert.equal(ipc.subscriptions(contents.id), before.subscriptions, 'and it is gone again');
        } else {
          assert.equal(contents.sent.length, before.sent, 'nothing sent');
          assert.equal(ipc.subscriptions(contents.id), before.subscriptions, 'no subscription');
          assert.ok(refusals.length > before.refused && refusals.at(-1)!.trim() !== '', 'refused with a reason');
          ipc.unsubscribe(event, p);
          assert.equal(ipc.subscriptions(contents.id), before.subscriptions);
        }
        assert.equal(society.changed(), null);
      }),
      { runs: 150 },
    );
  });
}
