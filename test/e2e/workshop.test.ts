// A workshop in a real browser on a real society: the server bound to every interface with a
// controller and a viewer token (reached here through 127.0.0.1, the only host these pages may ask).
// The viewer joins by the short address, sees everything live, and cannot act: its controls are
// disabled, its keys refused, and a command it forces through window.raftSociety gets 403 and
// changes nothing. The instructor acts, and shares the viewer link as a QR code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';
import { newToken } from '../../main/server/options.ts';
import type { ClusterEvent, ClusterView } from '../../main/shared/contract.ts';
import {
  eventually,
  launchBrowser,
  openPage,
  projectorShots,
  requireChromium,
  screenshot,
  startSociety,
} from './harness.ts';

test(
  'a workshop: the viewer watches live and cannot act; the instructor acts and shares',
  { timeout: 120_000 },
  async (t) => {
    requireChromium();
    const admin = newToken();
    const viewer = newToken();
    const w = await startSociety(t, { host: '0.0.0.0', token: admin, viewerToken: viewer, workshop: true });
    const base = `http://127.0.0.1:${w.port}`;
    /** The cluster as the instructor's token reads it from the API (not through a page). */
    const view = async (): Promise<ClusterView> =>
      (await (
        await fetch(`${base}/api/cluster`, { headers: { authorization: `Bearer ${admin}` } })
      ).json()) as ClusterView;
    const changes = (since: number): ClusterEvent[] =>
      w.supervisor.events(since).filter((e) => e.kind === 'fault' || e.kind === 'client');
    const lastSeq = (): number => w.supervisor.events(0).at(-1)?.seq ?? 0;
    await eventually('a chairman', async () => (await view()).leaderId ?? undefined, 15_000);

    const browser = await launchBrowser(t);
    const teacher = await openPage(browser, `${base}/?token=${admin}`);
    // The viewer types the short address from the projector.
    const student = await openPage(browser, `${base}/j/${w.join!.code}`);
    /** The member the page names as chairman (its id). */
    const chairmanOn = async (page: Page): Promise<number | undefined> => {
      const id = await page.getByTestId('chairman-name').getAttribute('data-leader', { timeout: 200 });
      return id === null ? undefined : Number(id);
    };
    await eventually('the viewer page live', async () =>
      (await chairmanOn(student.page)) !== undefined ? true : undefined,
    );
    await eventually('the instructor page live', async () =>
      (await chairmanOn(teacher.page)) !== undefined ? true : undefined,
    );

    await t.test('the short address leads to the viewer page, which says what it is', async () => {
      assert.equal(new URL(student.page.url()).searchParams.get('token'), viewer);
      const note = student.page.getByTestId('viewer-note');
      assert.ok(await note.isVisible());
      assert.match((await note.textContent()) ?? '', /Viewer — ask the instructor for control/);
      assert.equal(await teacher.page.getByTestId('viewer-note').count(), 0, 'the instructor is not a viewer');
      assert.equal(await student.page.getByTestId('share').count(), 0, 'a viewer has nothing to share');
    });

    await t.test("every control that acts is disabled on the viewer's page", async () => {
      const page = student.page;
      for (const id of ['preset-monsoon', 'preset-split', 'preset-isolate', 'heal', 'add-member', 'speed']) {
        assert.ok(await page.getByTestId(id).isDisabled(), `${id} disabled`);
        assert.ok(!(await teacher.page.getByTestId(id).isDisabled()), `${id} enabled for the instructor`);
      }
      assert.ok(await page.getByTestId('decision-input').isDisabled());
      assert.ok(await page.getByRole('switch').first().isDisabled());
      assert.ok(!(await page.getByTestId('pause').isDisabled()), 'pausing your own view is not acting');
      // A member's menu says why each action is not available.
      await page.locator('[data-member="1"]').click();
      const menu = page.getByTestId('member-menu');
      await eventually('the member menu', async () => ((await menu.isVisible()) ? true : undefined));
      const items = menu.getByRole('menuitem');
      assert.ok((await items.count()) > 3);
      for (const item of await items.all()) assert.equal(await item.getAttribute('aria-disabled'), 'true');
      assert.match((await menu.textContent()) ?? '', /ask the instructor for control/);
      await page.keyboard.press('Escape');
      await projectorShots(page, 'workshop-viewer');
    });

    await t.test('what the viewer tries changes nothing: clicks, keys, and a command forced through', async () => {
      const since = lastSeq();
      const page = student.page;
      // A click on a connection would cut it: refused in the page, with the reason shown.
      await page.locator('[data-link="1-2"]').click();
      await eventually('the refusal shown', async () =>
        /only the instructor can change the society/.test((await page.getByTestId('failures').textContent()) ?? '')
          ? true
          : undefined,
      );
      // A hotkey: announced as refused.
      await page.keyboard.press('c');
      await eventually('the key refused', async () =>
        (await page.getByTestId('hotkey-toast').allTextContents()).some((s) => /ask the instructor/.test(s))
          ? true
          : undefined,
      );
      // Around the page, straight through the door: the server refuses.
      const chairman = (await view()).leaderId ?? 1;
      const forced = await page.evaluate<{ status: number; body: unknown }>(
        `window.raftSociety.execute('node.crash', { id: ${chairman} })`,
      );
      assert.equal(forced.status, 403);
      assert.deepEqual(forced.body, { error: 'the viewer token may look but not command' });
      const partition = await page.evaluate<{ status: number }>(
        "window.raftSociety.execute('partition', { groups: [[1], [2, 3, 4, 5]] })",
      );
      assert.equal(partition.status, 403);
      await page.waitForTimeout(500);
      assert.deepEqual(changes(since), [], 'nothing was done to the cluster');
      const v = await view();
      assert.ok(
        v.nodes.every((n) => n.status === 'running'),
        'nobody crashed',
      );
      assert.ok(
        v.links.every((l) => l.state === 'up'),
        'nothing cut',
      );
    });

    await t.test("the viewer sees the instructor's actions live: a new chairman after a crash", async () => {
      assert.ok((await view()).nodes.every((n) => n.status === 'running'));
      await teacher.page.keyboard.press('c'); // the instructor's hotkey: crash the chairman
      const crashed = await eventually('the chairman crashed in the cluster', async () =>
        (await view()).nodes.find((n) => n.status === 'crashed'),
      );
      await eventually("the viewer's screen shows it crashed", async () =>
        (await student.page.locator(`[data-member="${crashed.id}"]`).getAttribute('data-status')) === 'crashed'
          ? true
          : undefined,
      );
      // Whoever the cluster elects next (a loaded machine may hold more than one election), the
      // viewer's screen names the chairman the cluster has.
      await eventually(
        "the new chairman on the viewer's screen",
        async () => {
          const v = await view();
          const chair = v.nodes.find((n) => n.id === v.leaderId && n.id !== crashed.id);
          return chair !== undefined && (await chairmanOn(student.page)) === chair.id ? true : undefined;
        },
        15_000,
      );
      await screenshot(student.page, 'workshop-viewer-new-chairman-1280x720');
      // The instructor's page acts through its buttons too: restart by key, heal by click.
      await teacher.page.keyboard.press('r');
      await eventually('everyone running again', async () =>
        (await view()).nodes.every((n) => n.status === 'running') ? true : undefined,
      );
      await teacher.page.locator('[data-link="1-2"]').click();
      await eventually('1-2 cut by the instructor', async () => {
        const v = await view();
        return v.links.some((l) => l.from === 1 && l.to === 2 && l.state === 'cut') ? true : undefined;
      });
      await teacher.page.getByTestId('heal').click();
      await eventually('healed', async () => {
        const v = await view();
        return v.links.every((l) => l.state === 'up') ? true : undefined;
      });
    });

    await t.test('Share: the viewer link as a QR code made from that very link, and the short address', async () => {
      const page = teacher.page;
      await page.getByTestId('share').click();
      const dialog = page.getByTestId('share-dialog');
      await eventually('the share dialog', async () => ((await dialog.isVisible()) ? true : undefined));
      const link = w.join!.links()[0]!;
      const qr = dialog.getByTestId('share-qr');
      await eventually('the QR code drawn', async () => ((await qr.isVisible()) ? true : undefined));
      assert.equal(await qr.getAttribute('data-url'), link.url);
      // The image is the qrcode library's SVG of exactly that text (re-made here the same way).
      const expected = await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const src = (await qr.getAttribute('src')) ?? '';
      assert.ok(src.startsWith('data:image/svg+xml;charset=utf-8,'), src.slice(0, 40));
      assert.equal(decodeURIComponent(src.slice(src.indexOf(',') + 1)), expected);
      assert.equal(new URL(link.url).searchParams.get('token'), viewer);
      assert.equal((await dialog.getByTestId('share-short').textContent())?.trim(), link.shortUrl);
      assert.ok(!(await dialog.innerHTML()).includes(admin), 'the controller token is not in the dialog');
      // The short address shown leads where the QR code does.
      const go = await fetch(`${base}${new URL(link.shortUrl).pathname}`, { redirect: 'manual' });
      assert.equal(new URL(go.headers.get('location')!, base).search, new URL(link.url).search);
      // An image the CSP (or anything else) refused would not decode.
      assert.equal(
        await page.evaluate("document.querySelector('[data-testid=share-qr]').decode().then(() => true, () => false)"),
        true,
        'the image loads',
      );
      await projectorShots(page, 'workshop-share');
      await page.keyboard.press('Escape');
      await eventually('closed', async () => ((await dialog.isVisible()) ? undefined : true));
    });

    await t.test("the controller token appears nowhere on the viewer's side", async () => {
      assert.ok(!(await student.page.content()).includes(admin));
      assert.ok(!student.requests.some((r) => r.includes(admin)));
      assert.ok(!(await student.page.evaluate<string>('JSON.stringify(localStorage)')).includes(admin));
    });

    for (const side of [teacher, student]) {
      assert.deepEqual(side.offHost, [], 'no request left 127.0.0.1');
      assert.deepEqual(side.errors, []);
    }
  },
);
