// The window in Hindi, on a real cluster in real Chromium: switched at runtime from the top bar,
// with the member menu, the connection menu and notices of a crash and a partition on screen; then
// back to English. Every word must come from vue-i18n: no key missing, no Latin-script word left
// but a few literal identifiers, Devanagari drawn with the bundled font, and the layout intact.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  clusterView,
  eventually,
  launchBrowser,
  leaderOnScreen,
  openPage,
  requireChromium,
  screenshot,
  startSociety,
} from './harness.ts';

/**
 * Latin-script words the Hindi window may show: OS signals, the protocol switches' API names, and
 * keys named as printed on the keyboard.
 */
const identifiers = new Set(['SIGKILL', 'SIGSTOP', 'SIGCONT', 'PreVote', 'CheckQuorum', 'Home', 'End']);

/** Attributes people read (or hear, from a screen reader). */
const readAttributes = ['title', 'aria-label', 'placeholder'];

/** A node of the page's DOM as the DevTools protocol gives it. */
interface DomNode {
  readonly nodeId: number;
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string;
  /** name, value, name, value, … */
  readonly attributes?: readonly string[];
  readonly children?: readonly DomNode[];
}

function attribute(node: DomNode, name: string): string | undefined {
  const a = node.attributes ?? [];
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

/** The text inside a node, its white space collapsed as drawn. */
function textOf(node: DomNode): string {
  return node.nodeType === 3 ? node.nodeValue : (node.children ?? []).map(textOf).join('');
}

interface Inspection {
  /** Every text and read attribute of the page, with the language it is marked as (`lang`). */
  readonly said: { readonly text: string; readonly lang: string }[];
  /** Devanagari drawn with a font of the system (see below), with the fonts used. */
  readonly inSystemFonts: string[];
  /** The web fonts that drew Devanagari. */
  readonly webFonts: Set<string>;
}

/**
 * The page as Chromium holds it, through the DevTools protocol: the words of every text node and
 * read attribute (the app shows all it has: nothing is hidden with CSS; comments, scripts and
 * styles aside), and, if asked, the fonts Chromium actually used to draw the text of each element
 * that has Devanagari of its own. No font on this machine has Devanagari, so Devanagari drawn with a
 * system font is empty boxes. Every glyph counts: more glyphs from system fonts than the text has
 * other characters means some Devanagari fell back.
 */
async function inspect(page: Page, fonts = false): Promise<Inspection> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1 })) as { root: DomNode };
    const result: Inspection = { said: [], inSystemFonts: [], webFonts: new Set() };
    const visit = async (node: DomNode, lang: string, inBody: boolean): Promise<void> => {
      if (node.nodeType === 3 && inBody) result.said.push({ text: node.nodeValue, lang });
      if (node.nodeType !== 1 && node.nodeType !== 9) return;
      if (['SCRIPT', 'STYLE', 'HEAD'].includes(node.nodeName)) return;
      const own = attribute(node, 'lang') ?? lang;
      for (const name of readAttributes) {
        const value = attribute(node, name);
        if (value !== undefined) result.said.push({ text: value, lang: own });
      }
      const ownText = (node.children ?? [])
        .filter((c) => c.nodeType === 3)
        .map((c) => c.nodeValue)
        .join('');
      if (fonts && node.nodeType === 1 && /[\u0900-\u097F]/.test(ownText)) {
        const { fonts } = (await cdp.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId })) as {
          fonts: { familyName: string; isCustomFont: boolean; glyphCount: number }[];
        };
        const all = textOf(node).replace(/\s+/g, ' ').trim();
        const system = fonts.filter((f) => !f.isCustomFont).reduce((sum, f) => sum + f.glyphCount, 0);
        if (system > all.replace(/[\u0900-\u097F]/g, '').length)
          result.inSystemFonts.push(`${all} (${fonts.map((f) => `${f.familyName} ${f.glyphCount}`).join(', ')})`);
        for (const f of fonts) if (f.isCustomFont) result.webFonts.add(f.familyName);
      }
      for (const c of node.children ?? []) await visit(c, own, inBody || node.nodeName === 'BODY');
    };
    await visit(root, '', false);
    result.said.push({ text: await page.title(), lang: (await page.locator('html').getAttribute('lang')) ?? '' });
    return result;
  } finally {
    await cdp.detach();
  }
}

/** Latin-script words in the page's Hindi, but for the identifiers and building letters (A, B, C …). */
async function latinWords(page: Page): Promise<string[]> {
  const found = new Set<string>();
  for (const { text, lang } of (await inspect(page)).said)
    if (lang === 'hi')
      for (const [w] of text.matchAll(/[A-Za-z][A-Za-z-]*/g))
        if (!identifiers.has(w) && !/^[A-Z]$/.test(w)) found.add(w);
  return [...found];
}

/** Devanagari in the page's English. */
async function devanagari(page: Page): Promise<string[]> {
  return (await inspect(page)).said.filter((s) => s.lang === 'en' && /[\u0900-\u097F]/.test(s.text)).map((s) => s.text);
}

async function pageLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/** The top bar's height: one row (the election, the chairman, the switches) is under 80 px. */
async function topBarHeight(page: Page): Promise<number> {
  return (await page.locator('.top').boundingBox())?.height ?? 0;
}

/** The keys vue-i18n missed, from the page's read-only diagnostic (renderer/src/i18n/index.ts). */
async function missingKeys(page: Page): Promise<unknown> {
  return page.evaluate('window.raftSocietyI18n?.missingKeys() ?? "the diagnostic is not there"');
}

test('the whole window switches to Hindi and back, with every word translated', { timeout: 180_000 }, async (t) => {
  requireChromium();
  const w = await startSociety(t);
  const browser = await launchBrowser(t);
  const { page, offHost, errors } = await openPage(browser, `${w.url}/`);
  const hall = page.getByTestId('hall');
  const notices = page.getByTestId('notices');
  const chairOnScreen = (): Promise<number | undefined> => leaderOnScreen(hall);
  await eventually('a chairman in the hall', chairOnScreen, 10_000);
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  // The board keeps what happened before the window joined too (the recording's history).
  const joined = (words: RegExp) => notices.locator('li').filter({ hasText: words });
  await joined(/Joined the meeting/).waitFor();

  await t.test('the switcher (keyboard) turns every view to Hindi at once, without a reload', async () => {
    const before = navigations;
    await page.getByTestId('language-hi').focus();
    await page.keyboard.press('Enter');
    await eventually('the page in Hindi', async () => ((await pageLang(page)) === 'hi' ? true : undefined));
    assert.equal(navigations, before, 'no reload');
    assert.equal(await page.getByTestId('language-hi').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.title(), 'राफ़्ट सोसाइटी: हार्मनी हाइट्स');
    assert.match((await page.locator('#hall-title').textContent()) ?? '', /सभा-कक्ष/);
    // A notice posted in English is said again in Hindi, as are the members' names.
    await joined(/बैठक में शामिल हुए: चुनाव \d+/).waitFor();
    assert.equal(await joined(/Joined the meeting/).count(), 0);
    assert.match((await hall.locator('[data-member="1"] .name').textContent()) ?? '', /राजेश\s*· बिल्डिंग A/);
    const leader = (await chairOnScreen())!;
    assert.match((await hall.locator(`[data-member="${leader}"]`).textContent()) ?? '', /अध्यक्ष\s*लीडर/);
    assert.deepEqual(await latinWords(page), []);
    await screenshot(page, 'hindi-1-hall');
  });

  await t.test('the member menu and the connection menu are in Hindi', async () => {
    await hall.locator('[data-member="2"]').click();
    const memberMenu = page.getByTestId('member-menu');
    await memberMenu.waitFor();
    assert.match((await memberMenu.textContent()) ?? '', /प्रिया - बिल्डिंग B[\s\S]*क्रैश करें \(SIGKILL\)/);
    assert.deepEqual(await latinWords(page), []);
    await screenshot(page, 'hindi-2-member-menu');
    await page.keyboard.press('Escape');
    await memberMenu.waitFor({ state: 'detached' });

    await hall.locator('[data-link="1-3"]').click({ button: 'right' });
    const linkMenu = page.getByTestId('link-menu');
    await linkMenu.waitFor();
    assert.match((await linkMenu.textContent()) ?? '', /कनेक्शन राजेश - बिल्डिंग A – मोहन - बिल्डिंग C/);
    assert.deepEqual(await latinWords(page), []);
    await screenshot(page, 'hindi-3-link-menu');
    // Slow this connection from its menu: its mark and the notice are in Hindi too.
    await linkMenu.locator('[data-action="slow"]').click();
    await eventually('the slow connection marked', async () =>
      /धीमा 200 मि\.से\./.test((await hall.textContent()) ?? '') ? true : undefined,
    );
  });

  await t.test('a crash, a partition and healing are noticed in Hindi', async () => {
    const old = await eventually('a chairman', chairOnScreen);
    await hall.locator(`[data-member="${old}"]`).click();
    await page.getByTestId('member-menu').locator('[data-action="crash"]').click();
    await eventually('the crash on the notice board', async () =>
      new RegExp(`ठप \\(SIGKILL\\)`).test((await notices.textContent()) ?? '') ? true : undefined,
    );
    await eventually('a new chairman', async () => {
      const id = await chairOnScreen().catch(() => undefined);
      return id !== undefined && id !== old ? id : undefined;
    });
    await page.getByTestId('preset-monsoon').click();
    await eventually('the partition on the notice board', async () =>
      /विभाजन: /.test((await notices.textContent()) ?? '') ? true : undefined,
    );
    await screenshot(page, 'hindi-4-crash-and-monsoon');
    assert.deepEqual(await latinWords(page), []);
    await page.getByTestId('heal').click();
    await eventually('every connection restored', async () =>
      (await clusterView(w)).links.every((l) => l.state === 'up' && l.delayMs === 0) ? true : undefined,
    );
    await eventually('healing on the notice board', async () =>
      /हर कनेक्शन फिर जुड़ा/.test((await notices.textContent()) ?? '') ? true : undefined,
    );
    assert.deepEqual(await latinWords(page), []);
  });

  await t.test(
    'Devanagari is drawn with the bundled Noto Sans Devanagari, and the layout holds at 1280x720',
    async () => {
      const { inSystemFonts, webFonts } = await inspect(page, true);
      assert.deepEqual(inSystemFonts, [], 'Devanagari drawn in a system font (empty boxes)');
      assert.ok(webFonts.has('Noto Sans Devanagari'), `Devanagari drawn with ${[...webFonts].join(', ')}`);
      const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
      assert.ok(
        typeof scrollWidth === 'number' && scrollWidth <= 1280,
        `nothing runs off the side (${String(scrollWidth)}px wide)`,
      );
      const top = await topBarHeight(page);
      assert.ok(top < 80, `the top bar stays one row (${top}px)`);
      const hallHeight = (await hall.boundingBox())?.height ?? 0;
      assert.ok(hallHeight > 300, `the hall keeps its room (${hallHeight}px)`);
      // Every member's name and facts lie inside the hall.
      const hallBox = (await hall.boundingBox())!;
      for (const label of await hall.locator('.name, .facts, .badge').all()) {
        const b = (await label.boundingBox())!;
        assert.ok(
          b.x >= hallBox.x - 1 && b.x + b.width <= hallBox.x + hallBox.width + 1,
          `${await label.textContent()} fits the hall`,
        );
      }
    },
  );

  await t.test('the language is remembered across a reload', async () => {
    await page.reload();
    await eventually('the hall again', async () =>
      (await hall.locator('[data-member]').count()) === 5 ? true : undefined,
    );
    assert.equal(await pageLang(page), 'hi');
    assert.match((await page.locator('#hall-title').textContent()) ?? '', /सभा-कक्ष/);
    // Started in Hindi: the fonts were there before the first word was drawn.
    assert.deepEqual((await inspect(page, true)).inSystemFonts, [], 'Devanagari drawn in a system font (empty boxes)');
    await screenshot(page, 'hindi-5-started-in-hindi');
  });

  await t.test('switching back to English says everything in English again', async () => {
    await page.getByTestId('language-en').click();
    await eventually('the page in English', async () => ((await pageLang(page)) === 'en' ? true : undefined));
    assert.equal(await page.title(), 'Raft Society: Harmony Heights');
    assert.match((await page.locator('#hall-title').textContent()) ?? '', /The hall/);
    assert.match((await hall.locator('[data-member="1"] .name').textContent()) ?? '', /Rajesh\s*· Bldg A/);
    assert.deepEqual(await devanagari(page), []);
    const top = await topBarHeight(page);
    assert.ok(top < 80, `the top bar, language switch included, stays one row in English too (${top}px)`);
    await screenshot(page, 'hindi-6-back-to-english');
  });

  await t.test(
    'no key was missing, no request left 127.0.0.1, and the page raised no errors (CSP included)',
    async () => {
      assert.deepEqual(await missingKeys(page), []);
      assert.deepEqual(offHost, []);
      assert.deepEqual(errors, []);
    },
  );
});
