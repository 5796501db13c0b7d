// Presenter mode in a real browser on a real society of five: the big-screen layout (remembered),
// hotkeys that really crash, restart, isolate, cut, heal, propose and switch (checked through the
// API, not the page), announced on screen, quiet while someone types, and the key help overlay.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  clusterView,
  eventually,
  heal,
  launchBrowser,
  openPage,
  projectorShots,
  requireChromium,
  screenshot,
  startSociety,
} from './harness.ts';

/** The documented key map (README, the help): every key, as its keycap shows it. */
const keyMap: Readonly<Record<string, readonly string[]>> = {
  crashChairman: ['C'],
  restartCrashed: ['R'],
  freezeChairman: ['F'],
  addMember: ['A'],
  isolate: ['I'],
  toggleLink: ['L'],
  monsoon: ['M'],
  heal: ['H'],
  propose: ['P'],
  preVote: ['V'],
  checkQuorum: ['Q'],
  faster: ['+', '='],
  slower: ['-', '_'],
  presenter: ['B'],
  share: ['S'],
  help: ['?'],
  lessonNext: ['Page Down', '→', 'Space', '.'],
  lessonPrevious: ['Page Up', '←', ','],
  lessonRestart: ['Home'],
};

/** Which dialog has the focus (its data-testid), if any. */
const focusedDialog = (page: Page): Promise<string | undefined> =>
  page.evaluate<string | undefined>('document.activeElement?.closest("dialog")?.dataset.testid');

test('presenter mode and its hotkeys, on a real cluster of five', { timeout: 120_000 }, async (t) => {
  requireChromium();
  const w = await startSociety(t);
  const browser = await launchBrowser(t);
  const { page, offHost, errors } = await openPage(browser, `${w.url}/`);
  const toast = page.getByTestId('hotkey-toast');
  const leaderNow = async (): Promise<number | undefined> => {
    const v = await clusterView(w);
    return v.leaderId !== null && v.nodes.every((n) => n.status === 'running') ? v.leaderId : undefined;
  };
  /** Press a key and wait for its announcement. */
  const press = async (key: string, said: RegExp): Promise<void> => {
    await page.keyboard.press(key);
    await eventually(`the announcement ${String(said)}`, async () =>
      (await toast.allTextContents()).some((s) => said.test(s)) ? true : undefined,
    );
  };
  await eventually('a chairman', leaderNow, 15_000);
  await eventually('the hall drawn', async () =>
    (await page.locator('[data-member]').count()) === 5 ? true : undefined,
  );

  await t.test('B switches to the big-screen layout, and the page remembers it', async () => {
    const rootSize = (): Promise<number> =>
      page.evaluate<number>('parseFloat(getComputedStyle(document.documentElement).fontSize)');
    const hallWidth = async (): Promise<number> => (await page.locator('.hall-column').boundingBox())?.width ?? 0;
    const radius = async (): Promise<number> =>
      ((await page.locator('[data-member] circle.body').first().boundingBox())?.width ?? 0) / 2;
    const before = { font: await rootSize(), hall: await hallWidth(), radius: await radius() };
    await press('b', /Presenter mode on/);
    assert.equal(await page.getByTestId('presenter-toggle').getAttribute('aria-pressed'), 'true');
    assert.ok((await rootSize()) > before.font, 'larger type');
    assert.ok((await hallWidth()) > before.hall * 1.2, 'the hall takes more of the width');
    assert.equal(await page.getByTestId('decision-form').count(), 0, 'the business form makes room');
    await page.reload();
    await eventually('presenter mode after a reload', async () =>
      (await page.getByTestId('presenter-toggle').getAttribute('aria-pressed')) === 'true' ? true : undefined,
    );
    await eventually('the hall drawn again', async () =>
      (await page.locator('[data-member]').count()) === 5 ? true : undefined,
    );
    // Larger members, even at 1280x720 where height is short.
    const after = await radius();
    assert.ok(after > before.radius * 1.1, `member radius ${before.radius} -> ${after} px`);
    await projectorShots(page, 'presenter-1-hall');
  });

  await t.test('C crashes the chairman (a new one is elected); R restarts it', async () => {
    await press('c', /Crashed the chairman/);
    const crashed = await eventually('the chairman crashed in the cluster', async () =>
      (await clusterView(w)).nodes.find((n) => n.status === 'crashed'),
    );
    const said = (await toast.allTextContents()).join(' ');
    assert.ok(said.includes(crashed.name.split(' - ')[0]!), `the announcement names ${crashed.name}: ${said}`);
    await eventually('a new chairman', async () => {
      const v = await clusterView(w);
      return v.leaderId !== null && v.leaderId !== crashed.id ? v.leaderId : undefined;
    });
    await projectorShots(page, 'presenter-2-crashed');
    await press('r', /Restarting/);
    await eventually('every member running again', async () =>
      (await clusterView(w)).nodes.every((n) => n.status === 'running') ? true : undefined,
    );
  });

  await t.test('I then a number isolates that member; L and two numbers cut a link; H heals', async () => {
    await press('i', /Isolate which member/);
    await press('2', /Isolated Priya/);
    await eventually('member 2 cut off from everyone', async () => {
      const links = (await clusterView(w)).links.filter((l) => l.from === 2 || l.to === 2);
      return links.length === 8 && links.every((l) => l.state === 'cut') ? true : undefined;
    });
    await press('h', /Healed/);
    await eventually('every link up', async () =>
      (await clusterView(w)).links.every((l) => l.state === 'up') ? true : undefined,
    );
    await press('l', /Which connection/);
    await press('1', /Connection from Rajesh/);
    await press('3', /Severed the connection Rajesh .* Mohan/);
    await eventually('1-3 cut both ways, nothing else', async () => {
      const cut = (await clusterView(w)).links.filter((l) => l.state === 'cut');
      const pairs = cut.map((l) => `${l.from}-${l.to}`).sort();
      return pairs.join(',') === '1-3,3-1' ? true : undefined;
    });
    await eventually('1-3 drawn severed', async () =>
      (await page.locator('[data-link="1-3"]').getAttribute('data-state')) === 'cut' ? true : undefined,
    );
    await projectorShots(page, 'presenter-3-link-cut');
    await page.keyboard.press('l');
    await page.keyboard.press('1');
    await press('3', /Restored the connection/);
    await eventually('1-3 restored', async () =>
      (await clusterView(w)).links.every((l) => l.state === 'up') ? true : undefined,
    );
    // A key that is not a member's number cancels, and does nothing else.
    await press('i', /Isolate which member/);
    await press('x', /Cancelled/);
    await press('i', /Isolate which member/);
    await press('9', /There is no member 9/);
    assert.ok((await clusterView(w)).links.every((l) => l.state === 'up'));
  });

  await t.test('M is the monsoon; P proposes a decision that is committed everywhere', async () => {
    await press('m', /The monsoon: Mohan/);
    await eventually('Building C cut off', async () => {
      const links = (await clusterView(w)).links.filter((l) => l.state === 'cut');
      return links.length === 8 && links.every((l) => l.from === 3 || l.to === 3) ? true : undefined;
    });
    await press('h', /Healed/);
    await eventually('healed', async () =>
      (await clusterView(w)).links.every((l) => l.state === 'up') ? true : undefined,
    );
    await press('p', /Proposed: “Approve painting contract for ₹2 lakhs”/);
    for (const id of [1, 2, 3, 4, 5]) {
      const entry = page.locator(
        `[data-book="${id}"] .entry[data-label="decision: Approve painting contract for ₹2 lakhs"]`,
      );
      await eventually(`the decision committed in member ${id}'s minutes`, async () =>
        (await entry.getAttribute('data-committed', { timeout: 200 })) === 'true' ? true : undefined,
      );
    }
  });

  await t.test('V and Q switch PreVote and CheckQuorum; - and + change the speed', async () => {
    // Each key flips what the window shows, so the next press waits for the window to show it.
    const switchOn = (label: string, on: boolean) => async (): Promise<true | undefined> =>
      (await page.getByTestId(`switch-${label}`).getAttribute('aria-checked')) === String(on) ? true : undefined;
    const speedShown = (value: number) => async (): Promise<true | undefined> =>
      (await page.getByTestId('speed').inputValue()) === String(value) ? true : undefined;
    for (const [key, label, setting] of [
      ['v', 'PreVote', 'preVote'],
      ['q', 'CheckQuorum', 'checkQuorum'],
    ] as const) {
      await press(key, new RegExp(`${label} off`));
      await eventually(`${label} off in the cluster`, async () =>
        (await clusterView(w)).settings[setting] ? undefined : true,
      );
      await eventually(`${label} shown off`, switchOn(label, false));
      await press(key, new RegExp(`${label} on`));
      await eventually(`${label} on in the cluster`, async () =>
        (await clusterView(w)).settings[setting] ? true : undefined,
      );
      await eventually(`${label} shown on`, switchOn(label, true));
    }
    await press('-', /Speed 1\/2/);
    await eventually('half speed', async () => ((await clusterView(w)).settings.timeScale === 0.5 ? true : undefined));
    await eventually('half speed shown', speedShown(0.5));
    await press('+', /Speed 1×/);
    await eventually('real time', async () => ((await clusterView(w)).settings.timeScale === 1 ? true : undefined));
    await eventually('real time shown', speedShown(1));
    await press('+', /Already at real time/);
  });

  await t.test('keys do nothing while someone types in a box', async () => {
    await press('b', /Presenter mode off/);
    const input = page.getByTestId('decision-input');
    await input.fill('');
    await input.press('c');
    await input.press('h');
    await input.press('m');
    assert.equal(await input.inputValue(), 'chm');
    await page.waitForTimeout(500);
    const v = await clusterView(w);
    assert.ok(
      v.nodes.every((n) => n.status === 'running'),
      'nobody was crashed',
    );
    assert.ok(
      v.links.every((l) => l.state === 'up'),
      'no monsoon',
    );
    await input.fill('');
    await input.blur();
    await press('b', /Presenter mode on/);
  });

  await t.test('? opens the key help: every key listed, focus kept inside, Escape closes it', async () => {
    const help = page.getByTestId('hotkey-help');
    await page.keyboard.press('?');
    await eventually('the help open', async () => ((await help.isVisible()) ? true : undefined));
    assert.equal(await help.getAttribute('open'), '');
    assert.equal(await help.locator('[data-hotkey]').count(), Object.keys(keyMap).length);
    for (const [id, caps] of Object.entries(keyMap)) {
      assert.deepEqual(await help.locator(`[data-hotkey="${id}"] dt kbd`).allTextContents(), caps, id);
      assert.notEqual((await help.locator(`[data-hotkey="${id}"] dd`).textContent())?.trim() ?? '', '', id);
    }
    assert.doesNotMatch((await help.textContent()) ?? '', /presenter\.|workshop\./, 'no message key shown raw');
    assert.equal(await focusedDialog(page), 'hotkey-help', 'focus moves into the dialog');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press(i % 2 === 0 ? 'Tab' : 'Shift+Tab');
      await page.keyboard.press('Tab');
      assert.equal(await focusedDialog(page), 'hotkey-help', 'focus stays inside');
    }
    // Keys are quiet while it is open: C does not crash anyone.
    await page.keyboard.press('c');
    await projectorShots(page, 'presenter-4-help');
    await page.keyboard.press('Escape');
    await eventually('the help closed', async () => ((await help.isVisible()) ? undefined : true));
    assert.ok((await clusterView(w)).nodes.every((n) => n.status === 'running'));
    // The button opens it too, and Close shuts it.
    await page.getByTestId('hotkey-help-button').click();
    await eventually('open from the button', async () => ((await help.isVisible()) ? true : undefined));
    await page.getByTestId('hotkey-help-close').click();
    await eventually('closed again', async () => ((await help.isVisible()) ? undefined : true));
  });

  await t.test('in Hindi: the help, the buttons and the announcements', async () => {
    await page.evaluate(() => localStorage.setItem('raft-society.locale', 'hi'));
    await page.reload();
    await eventually('the hall drawn', async () =>
      (await page.locator('[data-member]').count()) === 5 ? true : undefined,
    );
    await press('h', /सुधार हुआ/);
    await page.keyboard.press('?');
    const help = page.getByTestId('hotkey-help');
    await eventually('the help open', async () => ((await help.isVisible()) ? true : undefined));
    assert.equal(await help.locator('h2').textContent(), 'कीबोर्ड शॉर्टकट');
    assert.match((await help.locator('[data-hotkey="crashChairman"] dd').textContent()) ?? '', /अध्यक्ष/);
    await screenshot(page, 'presenter-5-help-hindi-1280x720');
    await page.keyboard.press('Escape');
    await page.evaluate(() => localStorage.setItem('raft-society.locale', 'en'));
  });

  await heal(w);
  assert.deepEqual(offHost, []);
  assert.deepEqual(errors, []);
});
