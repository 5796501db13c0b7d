// Time travel in a real browser on a real society: the chairman is crashed, a new one elected; the
// learner scrubs back to before the crash (the old chairman is in the chair again, running), forward,
// plays it again, returns to Live; saves the session, opens it in a fresh page (and a broken file,
// which changes nothing) and scrubs through it there.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseSessionFile } from '../../main/shared/session-file.ts';
import {
  artifacts,
  clusterView,
  eventually,
  launchBrowser,
  openPage,
  requireChromium,
  screenshot,
  startSociety,
} from './harness.ts';

const names = ['Rajesh', 'Priya', 'Mohan', 'Sunita', 'Arjun'];

/** What the page's hall shows of a member: its role and status. */
async function shown(page: Page, id: number): Promise<{ role: string | null; status: string | null }> {
  const m = page.getByTestId('hall').locator(`[data-member="${id}"]`);
  return { role: await m.getAttribute('data-role'), status: await m.getAttribute('data-status') };
}

async function onScreenLeader(page: Page): Promise<number | undefined> {
  const id = await page
    .getByTestId('hall')
    .locator('[data-role="leader"][data-status="running"]')
    .first()
    .getAttribute('data-member', { timeout: 200 });
  return id === null ? undefined : Number(id);
}

const mode = (page: Page): Promise<string | null> => page.getByTestId('timeline').getAttribute('data-mode');
const shownSeq = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('timeline-scrubber').getAttribute('data-shown-seq'));

/** Go to the moment just before the crash marked on the timeline: marker by marker, then one event back. */
async function beforeTheCrash(page: Page): Promise<number> {
  const crash = Number(
    await page.locator('[data-testid="timeline-marker"][data-kind="crash"]').first().getAttribute('data-marker-seq'),
  );
  await page.getByTestId('timeline-scrubber').focus();
  for (let i = 0; i < 20 && (await shownSeq(page)) !== crash; i++)
    await page.keyboard.press((await shownSeq(page)) > crash ? 'ArrowDown' : 'ArrowUp');
  assert.equal(await shownSeq(page), crash, 'the crash itself');
  assert.match((await page.getByTestId('timeline-event').textContent()) ?? '', /crashed/);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await shownSeq(page), crash - 1, 'one event before it');
  return crash;
}

test(
  'time travel: scrub back before a crash, forward, play, live; save and reopen the session',
  { timeout: 240_000 },
  async (t) => {
    requireChromium();
    const w = await startSociety(t);
    const browser = await launchBrowser(t);
    const { page, offHost, errors } = await openPage(browser, `${w.url}/`);
    const hall = page.getByTestId('hall');
    const chairmanName = page.getByTestId('chairman-name');

    const old = await eventually('a chairman on screen', () => onScreenLeader(page), 10_000);
    await page.getByTestId('decision-input').fill('Repaint the water tank');
    await page.getByTestId('decision-submit').click();
    await eventually('the decision committed', async () =>
      /committed as entry \d+/.test((await page.getByTestId('decision-result').textContent()) ?? '') ? true : undefined,
    );
    assert.equal(await mode(page), 'live');
    assert.match((await page.getByTestId('timeline-status').textContent()) ?? '', /Live/);

    const crashed = await fetch(`${w.url}/api/nodes/${old}/crash`, { method: 'POST' });
    assert.equal(crashed.status, 200);
    const next = await eventually(
      'a new chairman on screen',
      async () => {
        const id = await onScreenLeader(page).catch(() => undefined);
        return id !== undefined && id !== old ? id : undefined;
      },
      15_000,
    );
    await eventually('the API agrees', async () => ((await clusterView(w)).leaderId === next ? true : undefined));
    // A little more history after the election.
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot(page, 'timeline-1-live-after-crash');

    await t.test('the timeline marks the crash and both elections, with who won', async () => {
      const crash = page.locator('[data-testid="timeline-marker"][data-kind="crash"]');
      assert.equal(await crash.count(), 1);
      assert.match((await crash.getAttribute('title')) ?? '', new RegExp(`${names[old - 1]}.*crashed`));
      const elections = page.locator('[data-testid="timeline-marker"][data-kind="election"]');
      const titles: string[] = [];
      for (const e of await elections.all()) titles.push((await e.getAttribute('title')) ?? '');
      assert.ok(
        titles.some((s) => s.includes(names[old - 1]!)),
        `an election won by the old chairman: ${titles.join(' / ')}`,
      );
      assert.ok(
        titles.some((s) => s.includes(names[next - 1]!)),
        `an election won by the new one: ${titles.join(' / ')}`,
      );
    });

    await t.test('scrubbing back to before the crash shows the old chairman in the chair, running', async () => {
      await beforeTheCrash(page);
      assert.equal(await mode(page), 'back');
      assert.deepEqual(await shown(page, old), { role: 'leader', status: 'running' });
      assert.notEqual((await shown(page, next)).role, 'leader');
      assert.match((await chairmanName.textContent()) ?? '', new RegExp(names[old - 1]!));
      assert.match((await page.getByTestId('timeline-status').textContent()) ?? '', /Looking back at .* s ago/);
      assert.match((await page.getByTestId('timeline-status').textContent()) ?? '', /act on the live society/);
      // The view holds still while the cluster keeps running (and recording).
      const last = Number(await page.getByTestId('timeline-scrubber').getAttribute('data-last-seq'));
      await eventually('newer events recorded meanwhile', async () =>
        Number(await page.getByTestId('timeline-scrubber').getAttribute('data-last-seq')) > last ? true : undefined,
      );
      assert.deepEqual(await shown(page, old), { role: 'leader', status: 'running' });
      assert.equal(await page.getByTestId('paused-note').isVisible(), true, 'the hall says it is paused');
      await screenshot(page, 'timeline-2-before-the-crash');
    });

    await t.test('scrubbing forward shows the crash, then the new chairman', async () => {
      await page.keyboard.press('ArrowRight');
      assert.equal((await shown(page, old)).status, 'crashed');
      assert.match((await page.getByTestId('timeline-event').textContent()) ?? '', /crashed/);
      await eventually(
        'the new chairman, marker by marker',
        async () => {
          if ((await chairmanName.textContent({ timeout: 200 }).catch(() => ''))?.includes(names[next - 1]!))
            return true;
          await page.keyboard.press('ArrowUp');
          return undefined;
        },
        5000,
      );
      assert.deepEqual(await shown(page, next), { role: 'leader', status: 'running' });
      assert.equal((await shown(page, old)).status, 'crashed');
      await screenshot(page, 'timeline-3-new-chairman-marker');
    });

    await t.test('dragging the scrubber goes back and forth through time', async () => {
      const box = (await page.getByTestId('timeline-scrubber').boundingBox())!;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.9, y);
      await page.mouse.down();
      const late = await shownSeq(page);
      await page.mouse.move(box.x + box.width * 0.2, y, { steps: 8 });
      const early = await shownSeq(page);
      assert.ok(early < late, `${early} < ${late}`);
      await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
      const middle = await shownSeq(page);
      await page.mouse.up();
      assert.ok(early < middle && middle < late, `${early} < ${middle} < ${late}`);
    });

    await t.test('playing from before the crash replays it, with messages in flight', async () => {
      await beforeTheCrash(page);
      // Half a second of the cluster's time earlier, so there is something to play first.
      for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
      await page.getByTestId('timeline-play').click();
      let flights = 0;
      await eventually(
        'the crash replayed',
        async () => {
          flights = Math.max(flights, await hall.locator('.flights .flight').count());
          return (await shown(page, old)).status === 'crashed' ? true : undefined;
        },
        15_000,
      );
      assert.ok(flights > 0, 'messages flew while it played');
      assert.equal(await page.getByTestId('timeline-play').getAttribute('aria-pressed'), 'true');
      await screenshot(page, 'timeline-4-playing');
      await page.getByTestId('timeline-play').click(); // pause
      assert.equal(await page.getByTestId('timeline-play').getAttribute('aria-pressed'), 'false');
      assert.equal(await mode(page), 'back');
    });

    await t.test('Live returns to now at once; the hall pause button is the same time travel', async () => {
      await page.getByTestId('timeline-live').click();
      assert.equal(await mode(page), 'live');
      assert.deepEqual(await shown(page, next), { role: 'leader', status: 'running' });
      assert.equal((await shown(page, old)).status, 'crashed');
      await page.getByTestId('pause').click();
      assert.equal(await mode(page), 'back', 'pausing the view looks at a fixed moment');
      await page.getByTestId('pause').click();
      assert.equal(await mode(page), 'live');
      // A command given while looking back acts on the live society and returns the view to now.
      await beforeTheCrash(page);
      await page.getByTestId('heal').click();
      await eventually('back to live', async () => ((await mode(page)) === 'live' ? true : undefined));
    });

    let saved = '';
    await t.test('saving the session downloads a file every door can read', async () => {
      const download = page.waitForEvent('download');
      await page.getByTestId('timeline-save').click();
      const file = await download;
      assert.match(file.suggestedFilename(), /^raft-society-session-\d{4}-\d{2}-\d{2}-\d{6}\.json(\.gz)?$/);
      saved = join(artifacts, `e2e-timeline-${file.suggestedFilename()}`);
      await file.saveAs(saved);
      const parsed = parseSessionFile(readFileSync(saved, 'utf8'));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.equal(parsed.session.start, null, 'the page saw the cluster from its first event');
      assert.ok(parsed.session.events.some((e) => e.kind === 'member' && e.node === old && e.status === 'crashed'));
      assert.equal(parsed.session.recordedFrom.door, 'browser');
      assert.equal(parsed.session.recordedFrom.location, `${w.url}/`);
    });

    await t.test('a fresh page opens the session and scrubs it, its controls off; then back to live', async () => {
      const fresh = await openPage(browser, `${w.url}/`);
      const p = fresh.page;
      await eventually('the fresh page live', async () => ((await onScreenLeader(p)) !== undefined ? true : undefined));
      // A broken file is refused with the reason, and changes nothing.
      await p.getByTestId('session-input').setInputFiles({
        name: 'broken.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ format: 'raft-society-session', version: 1, events: [] })),
      });
      const refusal = p.getByTestId('timeline-message');
      await eventually('the refusal', async () =>
        (await refusal.getAttribute('role', { timeout: 200 })) === 'alert' ? true : undefined,
      );
      assert.match(
        (await refusal.textContent()) ?? '',
        /Could not open broken\.json: recordedAt: .*Nothing was changed/,
      );
      assert.equal(await mode(p), 'live');
      await screenshot(p, 'timeline-5-refused-file');

      await p.getByTestId('session-input').setInputFiles(saved);
      await eventually('the session open', async () => ((await mode(p)) === 'session' ? true : undefined));
      assert.match((await p.getByTestId('timeline-status').textContent()) ?? '', /Recorded session from/);
      assert.match((await p.getByTestId('timeline-live').textContent()) ?? '', /Back to the live society/);
      assert.equal(await p.getByTestId('timeline-scrubber').getAttribute('data-first-seq'), '0');
      assert.ok(await p.locator('.controls[inert]').count(), 'the society controls are inert');
      const crash = p.locator('[data-testid="timeline-marker"][data-kind="crash"]');
      await crash.click();
      assert.equal(
        await shownSeq(p),
        Number(await crash.getAttribute('data-marker-seq')),
        'clicking a marker goes there',
      );
      await p.keyboard.press('ArrowLeft');
      assert.deepEqual(await shown(p, old), { role: 'leader', status: 'running' });
      assert.match((await p.getByTestId('chairman-name').textContent()) ?? '', new RegExp(names[old - 1]!));
      await p.keyboard.press('ArrowRight');
      assert.equal((await shown(p, old)).status, 'crashed');
      await p.keyboard.press('End');
      assert.deepEqual(await shown(p, next), { role: 'leader', status: 'running' });
      assert.equal(await mode(p), 'session', 'End is the end of the session, not live');
      // The decision made before saving is in the session's minutes.
      assert.equal(
        await p.locator(`[data-book="${next}"] .entry[data-label="decision: Repaint the water tank"]`).count(),
        1,
      );
      await screenshot(p, 'timeline-6-session');

      await p.getByTestId('timeline-live').click();
      assert.equal(await mode(p), 'live');
      assert.equal(await p.locator('.controls[inert]').count(), 0);
      assert.deepEqual(fresh.offHost, []);
      assert.deepEqual(fresh.errors, []);
      await fresh.context.close();
    });

    await t.test('in Hindi, the timeline speaks Hindi', async () => {
      const hindi = await openPage(browser, `${w.url}/`);
      await hindi.page.evaluate(() => localStorage.setItem('raft-society.locale', 'hi'));
      await hindi.page.reload();
      await eventually('the page live', async () =>
        (await onScreenLeader(hindi.page)) !== undefined ? true : undefined,
      );
      await hindi.page.getByTestId('timeline-scrubber').focus();
      await hindi.page.keyboard.press('ArrowLeft');
      assert.match((await hindi.page.getByTestId('timeline-status').textContent()) ?? '', /पीछे देख रहे हैं/);
      await screenshot(hindi.page, 'timeline-7-hindi');
      assert.deepEqual(hindi.errors, []);
      await hindi.context.close();
    });

    await t.test('no request left 127.0.0.1, and the page raised no errors', () => {
      assert.deepEqual(offHost, []);
      assert.deepEqual(errors, []);
    });
  },
);
