// The desktop window's security settings, after Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security), as plain values and functions so
// they can be tested without Electron: the main process only hands them to Electron's objects.
//
// The renderer shows only our own files (out/renderer, over file://), talks to nothing but the
// preload's one API, and may not navigate, open windows, attach webviews or ask for permissions.

import { fileURLToPath } from 'node:url';
import type {
  BrowserWindowConstructorOptions,
  HandlerDetails,
  OnBeforeRequestListenerDetails,
  OnHeadersReceivedListenerDetails,
  Session,
  WebContents,
  WindowOpenHandlerResponse,
} from 'electron';
import { isInside } from './paths.ts';

/** The renderer's Content-Security-Policy, the same as the meta tag in its index.html. */
export const rendererCsp =
  "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; style-src 'self'";

/**
 * What the main process sends as a header for every response: the renderer's policy, plus the
 * directives a meta tag cannot carry or that 'self' leaves open. A page under two policies must
 * satisfy both, so the extra ones only narrow it.
 */
export const cspHeader = `${rendererCsp}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The window's options: the renderer is sandboxed, isolated and has no Node. */
export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    title: 'Raft Society',
    backgroundColor: '#f7f3ea',
    // Shown on ready-to-show, so the window never flashes white.
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

type Headers = Record<string, string[]>;

/** The response headers with our CSP in place of any the response brought. */
export function withCsp(headers: Readonly<Headers> | undefined): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  out['Content-Security-Policy'] = [cspHeader];
  return out;
}

/** Whether the renderer may load `url`: our own files, data: images and the devtools; nothing remote. */
export function requestAllowed(url: string, rendererDir: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  switch (parsed.protocol) {
    case 'file:':
      return fileUnder(parsed, rendererDir);
    case 'data:':
    case 'devtools:':
      return true;
    default:
      return false;
  }
}

/** Whether a file: URL names a file inside `dir` (no host, no `..` escape). */
export function fileUnder(url: URL, dir: string): boolean {
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return false;
  const bare = new URL(url.href);
  bare.search = '';
  bare.hash = '';
  let path: string;
  try {
    path = fileURLToPath(bare);
  } catch {
    return false;
  }
  return isInside(path, dir);
}

/** will-navigate, will-frame-navigate, will-redirect, will-attach-webview: always refused. */
export function refuse(event: { preventDefault(): void }): void {
  event.preventDefault();
}

/** window.open and target=_blank links: no new windows, ever. */
export function denyWindowOpen(_details: Pick<HandlerDetails, 'url'>): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/** Permission requests (camera, notifications, …): the app needs none. */
export function denyPermissionRequest(
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** Permission checks: refused alike. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Apply the network and permission rules to a session (the default one, which the window uses). */
export function hardenSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
  rendererDir: string,
): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.webRequest.onBeforeRequest(
    (details: Pick<OnBeforeRequestListenerDetails, 'url'>, callback: (r: { cancel: boolean }) => void) =>
      callback({ cancel: !requestAllowed(details.url, rendererDir) }),
  );
  session.webRequest.onHeadersReceived(
    (
      details: Pick<OnHeadersReceivedListenerDetails, 'responseHeaders'>,
      callback: (r: { responseHeaders: Headers }) => void,
    ) => callback({ responseHeaders: withCsp(details.responseHeaders) }),
  );
}

/** Apply the navigation rules to every webContents the app creates. */
export function hardenContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  contents.on('will-navigate', refuse);
  contents.on('will-frame-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', refuse);
}
