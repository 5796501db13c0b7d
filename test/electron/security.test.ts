// The desktop window's security rules, as plain values and functions, without Electron: the
// window options, the Content-Security-Policy (header and meta tag), what the renderer may load,
// the refusals of navigation, new windows and permissions, how main/index.ts wires them in, and
// the sender check of every IPC handler. docs/security.md maps Electron's checklist onto these.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { SocietyIpc, type SenderEvent } from '../../main/electron/ipc.ts';
import {
  cspHeader,
  denyPermissionCheck,
  denyPermissionRequest,
  denyWindowOpen,
  hardenContents,
  hardenSession,
  refuse,
  rendererCsp,
  requestAllowed,
  windowOptions,
  withCsp,
} from '../../main/electron/security.ts';
import { ipcChannels } from '../../main/shared/bridge.ts';
import type { CommandResult } from '../../main/shared/contract.ts';

const rendererDir = join('/opt', 'Raft Society', 'resources', 'app.asar', 'out', 'renderer');
const page = (file: string): string => pathToFileURL(join(rendererDir, file)).href;

test('the window is sandboxed, isolated, without Node, with web security and our preload', () => {
  const o = windowOptions('/app/out/preload/index.cjs');
  const w = o.webPreferences!;
  assert.equal(w.preload, '/app/out/preload/index.cjs');
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.experimentalFeatures, false);
  assert.equal(o.show, false, 'shown on ready-to-show');
});

test("the CSP header is the renderer's meta policy, narrowed further", () => {
  assert.equal(
    rendererCsp,
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; style-src 'self'",
  );
  const directives = new Map(
    cspHeader.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(' ')] as const;
    }),
  );
  for (const d of rendererCsp.split(';')) {
    const [name, ...values] = d.trim().split(/\s+/);
    assert.equal(directives.get(name!), values.join(' '), `${name} as in the meta policy`);
  }
  assert.equal(directives.get('object-src'), "'none'");
  assert.equal(directives.get('frame-ancestors'), "'none'");
  assert.ok(!/unsafe|\*|https?:|ws:/.test(cspHeader), 'no unsafe-*, wildcards or remote origins');
});

test('withCsp replaces any CSP a response brought and keeps the other headers', () => {
  const h = withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] });
  assert.deepEqual(h, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [cspHeader] });
  assert.deepEqual(withCsp(undefined), { 'Content-Security-Policy': [cspHeader] });
});

test('the renderer may load its own files and data: images, nothing remote and no other file', () => {
  assert.ok(requestAllowed(page('index.html'), rendererDir));
  assert.ok(requestAllowed(`${page('assets/index-abc.js')}?v=1#x`, rendererDir));
  assert.ok(requestAllowed('data:image/png;base64,AAAA', rendererDir));
  for (const url of [
    'https://example.com/',
    'http://127.0.0.1:8080/api/cluster',
    'ws://127.0.0.1:8080/api/stream',
    pathToFileURL('/etc/passwd').href,
    pathToFileURL(join(rendererDir, '..', 'main', 'index.js')).href,
    `${pathToFileURL(rendererDir).href}/../preload/index.cjs`,
    pathToFileURL(rendererDir).href,
    `file://evil.example${pathToFileURL(join(rendererDir, 'index.html')).pathname}`,
    'javascript:alert(1)',
    'not a url',
  ])
    assert.equal(requestAllowed(url, rendererDir), false, url);
});

test('navigation, webviews and new windows are refused; permissions are denied', () => {
  let prevented = 0;
  refuse({
    preventDefault: () => {
      prevented++;
    },
  });
  assert.equal(prevented, 1);
  assert.deepEqual(denyWindowOpen({ url: 'https://example.com/' }), { action: 'deny' });
  assert.deepEqual(denyWindowOpen({ url: page('index.html') }), { action: 'deny' });
  const answers: boolean[] = [];
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
    denyPermissionRequest(null, p, (granted) => answers.push(granted));
  assert.deepEqual(answers, [false, false, false, false, false]);
  assert.equal(denyPermissionCheck(), false);
});

test('hardenContents installs the refusals on every webContents', () => {
  const events = new Map<string, (e: { preventDefault(): void }) => void>();
  let openHandler: ((d: { url: string }) => unknown) | null = null;
  const fake = {
    on(name: string, listener: (e: { preventDefault(): void }) => void) {
      events.set(name, listener);
      return fake;
    },
    setWindowOpenHandler(h: (d: { url: string }) => unknown) {
      openHandler = h;
    },
  };
  hardenContents(fake as unknown as Pick<WebContents, 'on' | 'setWindowOpenHandler'>);
  assert.deepEqual([...events.keys()].sort(), [
    'will-attach-webview',
    'will-frame-navigate',
    'will-navigate',
    'will-redirect',
  ]);
  for (const [name, listener] of events) {
    let prevented = false;
    listener({ preventDefault: () => (prevented = true) });
    assert.ok(prevented, name);
  }
  assert.deepEqual(openHandler!({ url: 'https://example.com/' }), { action: 'deny' });
});

test('hardenSession denies permissions, cancels remote requests and sets the CSP header', () => {
  let requestHandler: typeof denyPermissionRequest | null = null;
  let checkHandler: (() => boolean) | null = null;
  let beforeRequest: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;
  let headersReceived:
    | ((
        d: { responseHeaders?: Record<string, string[]> },
        cb: (r: { responseHeaders: Record<string, string[]> }) => void,
      ) => void)
    | null = null;
  const fake = {
    setPermissionRequestHandler: (h: typeof denyPermissionRequest) => (requestHandler = h),
    setPermissionCheckHandler: (h: () => boolean) => (checkHandler = h),
    webRequest: {
      onBeforeRequest: (h: typeof beforeRequest) => (beforeRequest = h),
      onHeadersReceived: (h: typeof headersReceived) => (headersReceived = h),
    },
  };
  hardenSession(
    fake as unknown as Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
    rendererDir,
  );
  let granted: boolean | null = null;
  requestHandler!(null, 'media', (g) => (granted = g));
  assert.equal(granted, false);
  assert.equal(checkHandler!(), false);
  const cancel = (url: string): boolean => {
    let c: boolean | null = null;
    beforeRequest!({ url }, (r) => (c = r.cancel));
    return c!;
  };
  assert.equal(cancel(page('index.html')), false);
  assert.equal(cancel('https://example.com/x.js'), true);
  let headers: Record<string, string[]> | null = null;
  // file:// responses included: the listener does not look at the URL.
  headersReceived!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
  assert.deepEqual(headers, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [cspHeader] });
});

test('the window has exactly these preferences: nothing that weakens them can slip in unnoticed', () => {
  const w = windowOptions('/app/out/preload/index.cjs').webPreferences!;
  assert.deepEqual(Object.keys(w).sort(), [
    'allowRunningInsecureContent',
    'contextIsolation',
    'experimentalFeatures',
    'navigateOnDragDrop',
    'nodeIntegration',
    'nodeIntegrationInSubFrames',
    'nodeIntegrationInWorker',
    'preload',
    'safeDialogs',
    'sandbox',
    'spellcheck',
    'webSecurity',
    'webviewTag',
  ]);
  assert.equal(w.navigateOnDragDrop, false, 'a dropped file or link does not navigate the window');
  assert.equal(w.safeDialogs, true);
  assert.equal('enableBlinkFeatures' in w, false);
});

/** The directives of a Content-Security-Policy, by name. */
function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...values]) => [name!, values.join(' ')] as const),
  );
}

test("the renderer's index.html carries the policy in a meta tag, and nothing looser", () => {
  const html = readFileSync(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(meta !== null, 'a CSP meta tag');
  const inPage = directives(meta[1]!);
  for (const [name, value] of directives(rendererCsp)) assert.equal(inPage.get(name), value, name);
  // Whatever the page adds beyond rendererCsp only closes more.
  for (const [name, value] of inPage) if (!directives(rendererCsp).has(name)) assert.equal(value, "'none'", name);
  assert.doesNotMatch(meta[1]!, /unsafe|\*|https?:|wss?:/);
  assert.doesNotMatch(html, /<script(?![^>]*\btype="module"[^>]*\bsrc="\.\/)/, 'no inline or remote script');
});

test('main/index.ts wires every rule into Electron: sandbox, hardened session and webContents, our window options', () => {
  const source = readFileSync(fileURLToPath(new URL('../../main/index.ts', import.meta.url)), 'utf8');
  for (const wiring of [
    /app\.enableSandbox\(\)/,
    /app\.on\('web-contents-created', \(_event, contents\) => \{\s*hardenContents\(contents\);/,
    /hardenSession\(session\.defaultSession, paths\.rendererDir\)/,
    /new BrowserWindow\(windowOptions\(paths\.preload\)\)/,
    /window\.loadFile\(paths\.rendererIndex\)/,
    /ipc\.attach\(ipcMain\)/,
  ])
    assert.match(source, wiring);
  // No other way to open things or reach the network from the main process.
  assert.doesNotMatch(source, /loadURL\(|webviewTag: true|nodeIntegration: true/);
});

test('no code of the app hands anything to shell.openExternal', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  for (const dir of ['main', 'preload', 'renderer/src'])
    for (const file of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }))
      if (/\.(ts|vue)$/.test(file))
        assert.doesNotMatch(readFileSync(join(root, dir, file), 'utf8'), /openExternal|\bshell\./, `${dir}/${file}`);
});

test('will-navigate and window.open are refused for every URL, our own pages included', () => {
  const urls = [
    page('index.html'),
    page('index.html#/minutes'),
    'https://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<h1>hi</h1>',
    'about:blank',
  ];
  for (const url of urls) {
    let prevented = false;
    refuse({ url, preventDefault: () => (prevented = true) } as { preventDefault(): void });
    assert.ok(prevented, `navigation to ${url}`);
    assert.deepEqual(denyWindowOpen({ url }), { action: 'deny' }, `window.open(${url})`);
  }
});

test('every permission, asked or checked, is refused', () => {
  const permissions = [
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'fullscreen',
    'geolocation',
    'idle-detection',
    'media',
    'mediaKeySystem',
    'midi',
    'midiSysex',
    'notifications',
    'pointerLock',
    'keyboardLock',
    'openExternal',
    'speaker-selection',
    'storage-access',
    'top-level-storage-access',
    'window-management',
    'unknown',
    'hid',
    'serial',
    'usb',
  ];
  const answers = permissions.map((p) => {
    let granted: boolean | null = null;
    denyPermissionRequest(null, p, (g) => (granted = g));
    return granted;
  });
  assert.deepEqual(
    answers,
    permissions.map(() => false),
  );
  assert.equal(denyPermissionCheck(), false);
});

test('every IPC handler installed on ipcMain checks the sender before anything else', async () => {
  const handlers = new Map<string, (event: SenderEvent, payload: unknown) => unknown>();
  const fakeIpcMain = {
    handle: (channel: string, l: (event: SenderEvent, payload: unknown) => Promise<CommandResult>) =>
      void handlers.set(channel, l),
    removeHandler: () => undefined,
    on: (channel: string, l: (event: SenderEvent, payload: unknown) => void) => handlers.set(channel, l),
    removeListener: () => undefined,
  };
  const asked: string[] = [];
  const sent: unknown[] = [];
  const door = {
    execute: (name: string) => {
      asked.push(name);
      return Promise.resolve({ status: 200, body: {} });
    },
    view: () => {
      throw new Error('the view was asked for');
    },
    subscribe: () => () => undefined,
    events: () => [],
  };
  const contents = {
    id: 1,
    mainFrame: { url: page('index.html'), parent: null, frameTreeNodeId: 1, processId: 1, detached: false },
    isDestroyed: () => false,
    send: (_channel: string, m: unknown) => void sent.push(m),
  };
  const refusals: string[] = [];
  const ipc = new SocietyIpc(door, () => ({ contents, rendererDir }), { onRefused: (_c, why) => refusals.push(why) });
  ipc.attach(fakeIpcMain);
  assert.deepEqual(
    [...handlers.keys()].sort(),
    Object.values(ipcChannels)
      .filter((c) => c !== ipcChannels.stream)
      .sort(),
  );
  const strangers: SenderEvent[] = [
    { sender: { id: 2 }, senderFrame: contents.mainFrame },
    { sender: { id: 1 }, senderFrame: { ...contents.mainFrame, url: 'https://evil.example/' } },
    { sender: { id: 1 }, senderFrame: { ...contents.mainFrame, parent: contents.mainFrame, frameTreeNodeId: 2 } },
    { sender: { id: 1 }, senderFrame: null },
  ];
  for (const [channel, handler] of handlers)
    for (const event of strangers) {
      const payload = channel === ipcChannels.execute ? { name: 'node.crash', input: { id: 1 } } : { id: 1 };
      const r = (await handler(event, payload)) as CommandResult | undefined;
      if (channel === ipcChannels.execute) assert.equal(r?.status, 403, channel);
    }
  assert.deepEqual(asked, [], 'the supervisor was never asked');
  assert.deepEqual(sent, [], 'nothing was sent to the window');
  assert.equal(refusals.length, handlers.size * strangers.length, 'every refusal is reported');
  ipc.close('test over');
});
