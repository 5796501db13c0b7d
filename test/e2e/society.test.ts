// The window in a real browser against a real society: five member processes behind `npm run
// web`'s server, the built renderer, Debian's Chromium. What a workshop sees on the projector.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clusterView,
  eventually,
  heal,
  launchBrowser,
  leaderOnScreen,
  openPage,
  requireChromium,
  screenshot,
  startSociety,
} from './harness.ts';

const names = ['Rajesh', 'Priya', 'Mohan', 'Sunita', 'Arjun'];

test('Harmony Heights in the browser, on a real cluster of five', { timeout: 60_000 }, async (t) => {
  requireChromium();
  const w = await startSociety(t);
  const browser = await launchBrowser(t);
  const { page, requests, offHost, errors } = await openPage(browser, `${w.url}/`);
  const words = 'Approve painting contract for ₹2 lakhs';
  const hall = page.getByTestId('hall');
  const chairOnScreen = (): Promise<number | undefined> => leaderOnScreen(hall);

  await t.test('the hall shows five named members and a chairman within seconds', async () => {
    await eventually(
      'five members in the hall',
      async () => ((await hall.locator('[data-member]').count()) === 5 ? true : undefined),
      5000,
    );
    for (const [i, name] of names.entries()) {
      const label = hall.locator(`[data-member="${i + 1}"] .name`);
      assert.ok(await label.isVisible(), `${name} is in the hall`);
      assert.match((await label.textContent()) ?? '', new RegExp(`^\\s*${name}\\s*· Bldg ${'ABCDE'[i]!}\\s*$`));
    }
    const leader = await eventually('a chairman on screen', chairOnScreen, 5000);
    const chairman = await page.getByTestId('chairman-name').textContent();
    assert.match(chairman ?? '', new RegExp(`^${names[leader - 1]} · Bldg [A-E]$`));
    // Society words and Raft words side by side.
    assert.match((await hall.locator(`[data-member="${leader}"]`).textContent()) ?? '', /Chairman\s*leader/);
    assert.match((await hall.locator('[data-role="follower"]').first().textContent()) ?? '', /Member\s*follower/);
    assert.equal(await page.locator('.member').count(), 5);
    await screenshot(page, '1-hall');
  });

  await t.test(
    'clicking a connection severs it both ways, and the API agrees; clicking again restores it',
    async () => {
      const link = hall.locator('[data-link="1-2"]');
      await link.click();
      await eventually('the connection drawn severed', async () =>
        (await link.getAttribute('data-state')) === 'cut' ? true : undefined,
      );
      const cut = await clusterView(w);
      assert.deepEqual(
        cut.links.filter((l) => (l.from === 1 && l.to === 2) || (l.from === 2 && l.to === 1)).map((l) => l.state),
        ['cut', 'cut'],
      );
      assert.equal(cut.links.filter((l) => l.state === 'cut').length, 2, 'only that connection');
      await screenshot(page, '2-severed');
      await link.click();
      await eventually('the connection drawn up again', async () =>
        (await link.getAttribute('data-state')) === 'up' ? true : undefined,
      );
      assert.equal((await clusterView(w)).links.filter((l) => l.state === 'cut').length, 0);

      // The keyboard does the same: focus a connection, Enter.
      const other = hall.locator('[data-link="2-3"]');
      await other.focus();
      await page.keyboard.press('Enter');
      await eventually('severed from the keyboard', async () =>
        (await other.getAttribute('data-state')) === 'cut' ? true : undefined,
      );
      await page.keyboard.press('Enter');
      await eventually('restored from the keyboard', async () =>
        (await other.getAttribute('data-state')) === 'up' ? true : undefined,
      );
    },
  );

  await t.test("a proposed decision appears committed in every running member's minutes book", async () => {
    await heal(w); // whatever an earlier step left behind
    await page.getByTestId('decision-input').fill(words);
    await page.getByTestId('decision-submit').click();
    await eventually('the decision committed', async () => {
      const said = await page.getByTestId('decision-result').textContent();
      return /committed as entry \d+/.test(said ?? '') ? said : undefined;
    });
    for (const id of [1, 2, 3, 4, 5]) {
      const entry = page.locator(`[data-book="${id}"] .entry[data-label="decision: ${words}"]`);
      await eventually(`the decision committed in member ${id}'s minutes`, async () =>
        (await entry.getAttribute('data-committed', { timeout: 200 })) === 'true' ? true : undefined,
      );
    }
    await screenshot(page, '3-decision');
  });

  await t.test('a page opened later rebuilds every minutes book from the recording', async () => {
    const late = await openPage(browser, `${w.url}/`);
    for (const id of [1, 2, 3, 4, 5]) {
      const entry = late.page.locator(`[data-book="${id}"] .entry[data-label="decision: ${words}"]`);
      await eventually(`member ${id}'s minutes rebuilt`, async () =>
        (await entry.getAttribute('data-committed', { timeout: 200 })) === 'true' ? true : undefined,
      );
    }
    // The no-op of the first chairman is there too: the books start at entry 1.
    assert.equal(await late.page.locator('[data-book="1"] .entry[data-index="1"]').count(), 1);
    assert.deepEqual(late.offHost, []);
    assert.deepEqual(late.errors, []);
    await late.context.close();
  });

  await t.test('crashing the chairman through the UI brings a new chairman on screen', async () => {
    const old = await eventually('a chairman', chairOnScreen);
    await hall.locator(`[data-member="${old}"]`).click();
    const menu = page.getByTestId('member-menu');
    await menu.locator('[data-action="crash"]').click();
    await eventually('the old chairman drawn crashed', async () =>
      (await hall.locator(`[data-member="${old}"]`).getAttribute('data-status')) === 'crashed' ? true : undefined,
    );
    const next = await eventually('a new chairman on screen', async () => {
      const id = await chairOnScreen().catch(() => undefined);
      return id !== undefined && id !== old ? id : undefined;
    });
    assert.match((await page.getByTestId('chairman-name').textContent()) ?? '', new RegExp(names[next - 1]!));
    await eventually('the API agrees', async () => ((await clusterView(w)).leaderId === next ? true : undefined));
    await screenshot(page, '4-new-chairman');

    // Bring the old chairman back, from its menu.
    await hall.locator(`[data-member="${old}"]`).click();
    await menu.locator('[data-action="restart"]').click();
    await eventually('the old chairman running again', async () =>
      (await hall.locator(`[data-member="${old}"]`).getAttribute('data-status')) === 'running' ? true : undefined,
    );
  });

  await t.test('the monsoon cuts Building C off; healing restores every connection', async () => {
    await page.getByTestId('preset-monsoon').click();
    await eventually('C cut off on screen', async () =>
      (await hall.locator('[data-link="1-3"]').getAttribute('data-state')) === 'cut' &&
      (await hall.locator('[data-link="3-5"]').getAttribute('data-state')) === 'cut' &&
      (await hall.locator('[data-link="1-2"]').getAttribute('data-state')) === 'up'
        ? true
        : undefined,
    );
    const view = await clusterView(w);
    for (const l of view.links) assert.equal(l.state, l.from === 3 || l.to === 3 ? 'cut' : 'up', `${l.from}>${l.to}`);
    await screenshot(page, '5-monsoon');
    await page.getByTestId('heal').click();
    await eventually('every connection up', async () =>
      (await clusterView(w)).links.every((l) => l.state === 'up') ? true : undefined,
    );
  });

  await t.test('when the server drops the page, it reconnects and carries on where it was', async () => {
    for (const client of [...w.api.stream.clients]) client.close(1013, 'test: pretend the page was too slow');
    await eventually('the page live again', async () =>
      /live/.test((await page.getByTestId('connection').textContent()) ?? '') && w.api.stream.clients.size > 0
        ? true
        : undefined,
    );
    // A change made after the reconnect reaches the page.
    const res = await fetch(`${w.url}/api/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 4, to: 5, state: 'cut' }),
    });
    assert.equal(res.status, 200);
    await eventually('the cut drawn', async () =>
      (await hall.locator('[data-link="4-5"]').getAttribute('data-state')) === 'cut' ? true : undefined,
    );
    await heal(w);
    await eventually('the heal drawn', async () =>
      (await hall.locator('[data-link="4-5"]').getAttribute('data-state')) === 'up' ? true : undefined,
    );
  });

  await t.test('no request left 127.0.0.1, and the page raised no errors (CSP included)', () => {
    assert.ok(
      requests.some((u) => u.startsWith('ws://127.0.0.1')),
      'the page used the WebSocket',
    );
    assert.ok(requests.length > 3, `requests: ${requests.join(', ')}`);
    assert.deepEqual(offHost, []);
    assert.deepEqual(errors, []);
  });
});

test(
  'with a token, the page passes ?token= on; without it, it says why it cannot connect',
  { timeout: 30_000 },
  async (t) => {
    requireChromium();
    const token = 'e2e-chairman-secret';
    const w = await startSociety(t, { nodes: 1, token });
    const browser = await launchBrowser(t);

    const allowed = await openPage(browser, `${w.url}/?token=${token}`);
    await eventually('the lone member chairs', async () =>
      (await allowed.page.locator('[data-role="leader"]').count()) === 1 ? true : undefined,
    );
    assert.match((await allowed.page.getByTestId('connection').textContent()) ?? '', /live/);
    assert.deepEqual(allowed.offHost, []);

    const refused = await openPage(browser, `${w.url}/`);
    const banner = refused.page.getByRole('alert').filter({ hasText: 'connection lost' });
    await eventually('the reason on screen', async () => {
      const said = await banner.textContent({ timeout: 200 });
      return said?.includes('a valid token is required') === true ? said : undefined;
    });
    assert.deepEqual(refused.offHost, []);
    await screenshot(refused.page, '6-no-token');
  },
);
