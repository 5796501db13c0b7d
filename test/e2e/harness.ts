// End-to-end harness: a real society (member processes, sockets, WAL) behind the web server that
// serves the built renderer, and Debian's Chromium driven by playwright-core. Everything started
// here is stopped by the test's `after` hooks, and every request the page makes is checked: only
// 127.0.0.1 may be asked for anything.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { ClusterView } from '../../main/shared/contract.ts';
import type { WebOptions } from '../../main/server/options.ts';
import { startWeb, type WebServer } from '../../main/server/web.ts';
import { ensureMemberBundle } from '../../scripts/build-member.ts';
import { ensureRendererBuild } from '../../scripts/build-renderer.ts';
import { launchChromium, requireChromium } from '../../scripts/chromium.ts';
import { defaults } from '../server/helpers.ts';

export { requireChromium };
export const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export async function startSociety(t: TestContext, options: Partial<WebOptions> = {}): Promise<WebServer> {
  await ensureMemberBundle();
  await ensureRendererBuild();
  const w = await startWeb({ ...defaults, nodes: 5, staticDir: rendererDir, ...options });
  t.after(() => w.close());
  return w;
}

export async function launchBrowser(t: TestContext): Promise<Browser> {
  const browser = await launchChromium();
  t.after(() => browser.close());
  return browser;
}

export interface Watched {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page asked for (HTTP and WebSocket). */
  readonly requests: string[];
  /** The ones that were not for 127.0.0.1 (refused). */
  readonly offHost: string[];
  /** Console errors and uncaught exceptions (a CSP violation is one). */
  readonly errors: string[];
}

/** A 1280x720 page (the projector size) whose every request is checked against 127.0.0.1. */
export async function openPage(
  browser: Browser,
  url: string,
  reducedMotion: 'reduce' | 'no-preference' = 'no-preference',
): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion });
  const requests: string[] = [];
  const offHost: string[] = [];
  const errors: string[] = [];
  const check = (raw: string): boolean => {
    requests.push(raw);
    const u = new URL(raw);
    const local = u.hostname === '127.0.0.1' && (u.protocol === 'http:' || u.protocol === 'ws:');
    if (!local) offHost.push(raw);
    return local;
  };
  await context.route('**/*', (route) => (check(route.request().url()) ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.on('websocket', (ws) => check(ws.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { context, page, requests, offHost, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `e2e-${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The running chairman drawn in the hall (its member id), or undefined when there is none on screen. */
export async function leaderOnScreen(hall: Locator): Promise<number | undefined> {
  const id = await hall
    .locator('[data-role="leader"][data-status="running"]')
    .first()
    .getAttribute('data-member', { timeout: 200 });
  return id === null ? undefined : Number(id);
}

/** Screenshots at the two projector sizes, e2e-NAME-1920x1080.png and -1280x720.png; the page is left at 1280x720. */
export async function projectorShots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(300); // the hall lays itself out again on resize (ResizeObserver)
    await screenshot(page, `${name}-${width}x${height}`);
  }
}

/** The cluster as the API sees it (not through the page). */
export async function clusterView(w: WebServer): Promise<ClusterView> {
  const res = await fetch(`${w.url}/api/cluster`);
  if (!res.ok) throw new Error(`GET /api/cluster: ${res.status}`);
  return (await res.json()) as ClusterView;
}

/** Restore every connection through the API. */
export async function heal(w: WebServer): Promise<void> {
  const res = await fetch(`${w.url}/api/heal`, { method: 'POST' });
  if (!res.ok) throw new Error(`POST /api/heal: ${res.status}`);
}

/** Poll `check` until it returns a value (not undefined), or fail after `timeoutMs` saying `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
