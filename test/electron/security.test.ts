// The desktop window's security rules, as plain values and functions, without Electron: the
// window options, the Content-Security-Policy, what the renderer may load, and the refusals of
// navigation, new windows and permissions.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
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
