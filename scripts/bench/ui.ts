// The window under load: the built renderer in headless Chromium (software rendering) against a
// served cluster of 7 members with heartbeats and a stream of writes animating; frame intervals
// from requestAnimationFrame, and the delay from a cluster event (a member's crash, its restart)
// to the first frame that shows it.

import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { launchChromium } from '../chromium.ts';
import { serveCluster, type ServedCluster } from './cluster-process.ts';
import { round, summarize, type Summary } from './stats.ts';

const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface UiResult {
  readonly members: number;
  readonly seconds: number;
  readonly writesDuring: number;
  /** requestAnimationFrame deltas, ms. */
  readonly frameMs: Summary;
  readonly frameDeltasMs: readonly number[];
  /** Frames that took longer than one 60 Hz interval (with 10% slack: 18.3 ms). */
  readonly slowFrames: number;
  /** Long animation frames (> 50 ms) Chromium reported. */
  readonly longAnimationFrames: number;
  /** The supervisor's event to the first frame showing it, ms. */
  readonly eventToPixelsMs: Summary;
  readonly samples: readonly { readonly event: string; readonly ms: number }[];
}

/** In-page: rAF timestamps for `ms`, and how many long animation frames were observed meanwhile. */
const collectFrames = (ms: number): string => `new Promise((resolve) => {
  let long = 0;
  const observer = new PerformanceObserver((list) => { long += list.getEntries().length; });
  try { observer.observe({ type: 'long-animation-frame' }); } catch { /* not supported */ }
  const times = [];
  const start = performance.now();
  const frame = (t) => {
    times.push(t);
    if (t - start < ${ms}) requestAnimationFrame(frame);
    else { observer.disconnect(); resolve({ times, long }); }
  };
  requestAnimationFrame(frame);
})`;

/** In-page: resolve with Date.now() at the first frame where member `id` shows `status`. */
const frameShowing = (id: number, status: string): string => `new Promise((resolve) => {
  const frame = () => {
    const el = document.querySelector('[data-member="${id}"]');
    if (el !== null && el.getAttribute('data-status') === '${status}') resolve(Date.now());
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})`;

/** Reads the recorded events forward from where it last stopped. */
class EventCursor {
  private since = 0;
  private readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  /** The events recorded since the last call (every page of them). */
  async next(): Promise<ClusterEvent[]> {
    const all: ClusterEvent[] = [];
    for (;;) {
      const res = await fetch(`${this.url}/api/events?since=${this.since}&limit=100000`);
      const page = (await res.json()) as ClusterEvent[];
      if (page.length === 0) return all;
      all.push(...page);
      this.since = page.at(-1)!.seq;
    }
  }

  /** When the supervisor recorded member `id` becoming `status` (from now on). */
  async memberEventAt(id: number, status: string): Promise<number> {
    for (let tries = 0; tries < 200; tries++) {
      const e = (await this.next()).find((x) => x.kind === 'member' && x.node === id && x.status === status);
      if (e !== undefined) return e.at;
      await sleep(20);
    }
    throw new Error(`no "${status}" event for member ${id}`);
  }
}

/** Crash a follower and restart it, timing both events to their first frame. */
async function eventToPixels(
  page: Page,
  c: ServedCluster,
  cursor: EventCursor,
  id: number,
): Promise<{ event: string; ms: number }[]> {
  const out: { event: string; ms: number }[] = [];
  for (const [action, status] of [
    ['crash', 'crashed'],
    ['restart', 'running'],
  ] as const) {
    await cursor.next();
    const shown = page.evaluate<number>(frameShowing(id, status));
    await c.post(`/api/nodes/${id}/${action}`);
    const seenAt = await shown;
    out.push({ event: `${action} member ${id}`, ms: seenAt - (await cursor.memberEventAt(id, status)) });
    await sleep(300);
  }
  return out;
}

export async function runUi(seconds: number, samples: number, log: (line: string) => void): Promise<UiResult> {
  const members = 7;
  const c = await serveCluster({
    nodes: members,
    staticDir: rendererDir,
    electionTimeoutMs: [150, 300],
    heartbeatMs: 50,
  });
  const browser = await launchChromium();
  try {
    await c.waitForLeader(10_000);
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${c.url}/`);
    await page.locator('[data-role="leader"][data-status="running"]').first().waitFor({ timeout: 15_000 });
    if ((await page.locator('[data-member]').count()) !== members)
      throw new Error(`the hall does not show ${members} members`);
    // A steady stream of decisions while the frames are counted: 10 writes a second.
    const done = new AbortController();
    let writes = 0;
    const stream = (async () => {
      while (!done.signal.aborted) {
        const t0 = performance.now();
        await c.post('/api/kv', { op: 'set', key: `ui-${writes % 20}`, value: `write ${writes}` });
        writes++;
        await sleep(Math.max(0, 100 - (performance.now() - t0)));
      }
    })();
    const { times, long } = await page.evaluate<{ times: number[]; long: number }>(collectFrames(seconds * 1000));
    done.abort();
    await stream;
    const deltas = times.slice(1).map((t, i) => t - times[i]!);
    const view = await c.view();
    const followers = view.nodes.filter((n) => n.id !== view.leaderId).map((n) => n.id);
    const timed: { event: string; ms: number }[] = [];
    const cursor = new EventCursor(c.url);
    for (let i = 0; i < samples; i++)
      timed.push(...(await eventToPixels(page, c, cursor, followers[i % followers.length]!)));
    const result: UiResult = {
      members,
      seconds,
      writesDuring: writes,
      frameMs: summarize(deltas),
      frameDeltasMs: deltas.map((d) => round(d)),
      slowFrames: deltas.filter((d) => d > 18.3).length,
      longAnimationFrames: long,
      eventToPixelsMs: summarize(timed.map((s) => s.ms)),
      samples: timed,
    };
    log(
      `UI: ${deltas.length} frames, p95 ${result.frameMs.p95} ms, ${result.slowFrames} slow; event to pixels median ${result.eventToPixelsMs.p50} ms`,
    );
    return result;
  } finally {
    await browser.close();
    await c.stop();
  }
}
