// Every built-in lesson walked from its first step to its last in real Chromium, on one real
// society of five member processes, pressing the keys a learner (or a presentation remote) would.
// Each step must really reach its state on the cluster; a screenshot of each lesson's key moment is
// kept in test-artifacts/ (e2e-lesson-<n>-<id>.png), with how long each walk took.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { builtinLessons } from '../../main/server/lesson-files.ts';
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

/** The step (1-based) whose reached state best shows what each lesson is about. */
const keyMoment: Record<string, number> = {
  'first-election': 3,
  'chairman-falls-ill': 2,
  'monsoon-partition': 3,
  'split-vote': 3,
  'frozen-chairman': 2,
  'minutes-repaired': 4,
  'current-term-commit': 2,
  'membership-and-snapshots': 3,
  'prevote-checkquorum': 4,
};
/** The keys that go to the next step, used in turn. */
const nextKeys = ['PageDown', '.', ' ', 'ArrowRight'];

const panel = (page: Page) => page.getByTestId('lesson-panel');

/** Wait until the panel shows step `n` reached; fail at once, with the panel's words, if it timed out or failed. */
async function reached(page: Page, n: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [step, state] = await Promise.all([
      panel(page).getAttribute('data-step', { timeout: 5000 }),
      panel(page).getAttribute('data-state', { timeout: 5000 }),
    ]);
    if (step === String(n) && state === 'reached') return;
    if (step === String(n) && (state === 'timed-out' || state === 'failed'))
      assert.fail(`step ${n} ${state}: ${await page.getByTestId('lesson-status').textContent()}`);
    if (Date.now() > deadline) assert.fail(`step ${n} not reached in ${timeoutMs} ms (showing step ${step}, ${state})`);
    await page.waitForTimeout(50);
  }
}

async function openLesson(page: Page, id: string): Promise<void> {
  await page.getByTestId('lessons-button').click();
  await page.getByTestId('lesson-chooser').locator(`[data-lesson="${id}"]`).click();
  await panel(page).waitFor();
}

test(
  'every lesson start to end on a real society of five; Previous, Restart, Hindi, a file of your own',
  { timeout: 480_000 },
  async (t) => {
    requireChromium();
    const w = await startSociety(t);
    const browser = await launchBrowser(t);
    const { page, offHost, errors } = await openPage(browser, `${w.url}/`);
    await page.locator('[data-role="leader"][data-status="running"]').first().waitFor({ timeout: 15_000 });
    const lessons = builtinLessons();
    const timings: { lesson: string; seconds: number; steps: string[] }[] = [];
    let presses = 0;

    for (const [i, lesson] of lessons.entries()) {
      const n = i + 1;
      await t.test(`lesson ${n}: ${lesson.title.en}`, async () => {
        const began = Date.now();
        const stepTimes: string[] = [];
        await openLesson(page, lesson.id);
        assert.equal(await panel(page).getAttribute('data-lesson'), lesson.id);
        for (let s = 1; s <= lesson.steps.length; s++) {
          await reached(page, s);
          stepTimes.push(/[\d.]+ s/.exec((await page.getByTestId('lesson-status').textContent()) ?? '')?.[0] ?? '?');
          assert.equal(
            (await page.getByTestId('lesson-narration').textContent())?.trim(),
            lesson.steps[s - 1]!.narration.en,
            'the step narrated in the window language',
          );
          if (s === keyMoment[lesson.id]) await screenshot(page, `lesson-${n}-${lesson.id}`);
          if (s < lesson.steps.length) await page.keyboard.press(nextKeys[presses++ % nextKeys.length]!);
        }
        assert.match((await page.getByTestId('lesson-status').textContent()) ?? '', /Lesson complete/);
        assert.equal(await page.getByTestId('lesson-next').isDisabled(), true, 'nothing after the last step');
        timings.push({ lesson: lesson.id, seconds: (Date.now() - began) / 1000, steps: stepTimes });
        t.diagnostic(
          `lesson ${n} ${lesson.id}: ${timings.at(-1)!.seconds.toFixed(1)} s (steps: ${stepTimes.join(', ')})`,
        );
        await page.keyboard.press('Escape');
        await panel(page).waitFor({ state: 'detached' });
        // Closing puts the society back as the lesson found it (in the background: wait for it).
        await eventually('the society as the lesson found it', async () => {
          const v = await clusterView(w);
          const s = v.settings;
          const back =
            v.nodes.length === 5 &&
            v.nodes.every((m) => m.status === 'running') &&
            v.links.every((l) => l.state === 'up' && l.delayMs === 0) &&
            [s.timeScale, s.preVote, s.checkQuorum, s.snapshotThreshold].join() === '1,true,true,1000';
          return back ? true : undefined;
        });
      });
    }

    const lesson = lessons.find((l) => l.id === 'chairman-falls-ill')!;

    await t.test('PageUp goes back a step by replaying the lesson to it; R starts it again', async () => {
      await openLesson(page, lesson.id);
      await reached(page, 1);
      await page.keyboard.press('PageDown');
      await reached(page, 2);
      await page.keyboard.press('.');
      await reached(page, 3);
      const before = (await clusterView(w)).term;
      await page.keyboard.press('PageUp');
      await reached(page, 2);
      // Replayed for real: the society was prepared again and a chairman crashed once more.
      assert.ok((await clusterView(w)).term > before, 'a new election happened in the replay');
      await page.keyboard.press('ArrowLeft');
      await reached(page, 1);
      await page.keyboard.press('Home');
      await reached(page, 1);
      assert.equal(await page.getByTestId('lesson-previous').isDisabled(), true);
      await page.getByTestId('lesson-next').click();
      await reached(page, 2);
      await page.keyboard.press('Escape');
      await panel(page).waitFor({ state: 'detached' });
    });

    await t.test('in Hindi the lesson and its panel speak Hindi', async () => {
      await page.evaluate(() => localStorage.setItem('raft-society.locale', 'hi'));
      await page.reload();
      await page.locator('[data-role="leader"][data-status="running"]').first().waitFor({ timeout: 15_000 });
      await openLesson(page, lesson.id);
      await reached(page, 1);
      assert.equal((await page.getByTestId('lesson-narration').textContent())?.trim(), lesson.steps[0]!.narration.hi);
      assert.match((await page.getByTestId('lesson-next').textContent()) ?? '', /अगला/);
      assert.match((await page.getByTestId('lesson-step').textContent()) ?? '', /चरण 1 \/ 4/);
      await screenshot(page, 'lesson-hindi');
      await page.keyboard.press('Escape');
      await panel(page).waitFor({ state: 'detached' });
      await page.evaluate(() => localStorage.setItem('raft-society.locale', 'en'));
      await page.reload();
      await page.locator('[data-role="leader"]').first().waitFor({ timeout: 15_000 });
    });

    await t.test('a broken lesson file is refused with what is wrong; a good one is taught', async () => {
      await page.getByTestId('lessons-button').click();
      const broken = { ...JSON.parse(JSON.stringify(lesson)), id: 'mine' } as Record<string, unknown>;
      (broken.steps as { narration: Record<string, string> }[])[1]!.narration = { en: 'Only English' };
      await page.getByTestId('lesson-file').setInputFiles({
        name: 'my-lesson.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(broken)),
      });
      assert.match(
        (await page.getByTestId('lesson-file-error').textContent()) ?? '',
        /my-lesson\.json: step 2 \(narration\.hi\)/,
      );
      assert.equal(await panel(page).count(), 0, 'nothing opened');
      const mine = {
        format: 1,
        id: 'mine',
        title: { en: 'My lesson', hi: 'मेरा पाठ' },
        summary: { en: 'An instructor wrote this.', hi: 'यह एक प्रशिक्षक ने लिखा।' },
        steps: [
          {
            narration: { en: 'Decide something of our own.', hi: 'अपना कोई फ़ैसला लीजिए।' },
            do: [{ command: 'decide', input: { text: 'Plant trees along the compound wall' } }],
            wait: {
              until: {
                entry: { label: 'decision: Plant trees along the compound wall', on: 'every member', committed: true },
              },
              what: { en: 'the decision in every book', hi: 'फ़ैसला हर किताब में' },
            },
            focus: { entries: ['decision: Plant trees along the compound wall'] },
          },
        ],
      };
      await page.getByTestId('lesson-file').setInputFiles({
        name: 'my-lesson.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(mine)),
      });
      await reached(page, 1);
      assert.equal(await panel(page).getAttribute('data-lesson'), 'mine');
      assert.equal(await page.locator('.entry.lesson-focus').count(), 5, 'the new entry picked out in all five books');
      await page.keyboard.press('Escape');
      await panel(page).waitFor({ state: 'detached' });
    });
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'e2e-lesson-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    assert.deepEqual(w.supervisor.violations(), [], 'no Raft safety property broken in any lesson');
    assert.deepEqual(offHost, []);
    assert.deepEqual(errors, []);
  },
);
