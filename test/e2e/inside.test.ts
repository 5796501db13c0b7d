// The Inside panel in a real browser on a real society: Raft's five safety rules green with their
// counts and evidence, the charts with data after a crash and re-election, the message diagram with
// arrows and drops after a cut, the stress burst with its live figures; and a broken rule, loud,
// after members lose their disks (Raft assumes stable storage: without it, the rules break).

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { properties, type SafetyReport } from '../../main/shared/contract.ts';
import type { WebServer } from '../../main/server/web.ts';
import {
  clusterView,
  eventually,
  heal,
  launchBrowser,
  openPage,
  requireChromium,
  screenshot,
  startSociety,
} from './harness.ts';

/** "Priya (B)": how the panel names a member, from its name in the cluster's view. */
async function named(w: WebServer, id: number): Promise<string> {
  const [person, building] = (await clusterView(w)).nodes.find((n) => n.id === id)!.name.split(' - Building ');
  return `${person!} (${building!})`;
}

const escaped = (words: string): string => words.replace(/[()]/g, '\\$&');

async function api(w: WebServer, path: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(`${w.url}/api/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST /api/${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function leader(w: WebServer, not: number | null = null): Promise<number> {
  return eventually(
    'a chairman',
    async () => {
      const l = (await clusterView(w)).leaderId;
      return l !== null && l !== not ? l : undefined;
    },
    15_000,
  );
}

/** A data attribute of every element `l` matches. */
async function attributes(l: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await l.all()).map((e) => e.getAttribute(name)));
}

/** The rows of a chart's table (what screen readers get): [label, value]. */
async function tableRows(page: Page, chart: string): Promise<string[][]> {
  const rows = await page.getByTestId(`chart-${chart}-table`).locator('tr').all();
  return Promise.all(rows.map(async (r) => (await r.locator('th, td').allTextContents()).map((c) => c.trim())));
}

test(
  'Inside the society: safety, charts, messages, stress on a real cluster of five',
  { timeout: 240_000 },
  async (t) => {
    requireChromium();
    const w = await startSociety(t);
    const browser = await launchBrowser(t);
    const { page, errors, offHost } = await openPage(browser, `${w.url}/`);
    const first = await leader(w);
    for (let i = 0; i < 5; i++) await api(w, 'kv', { op: 'set', key: `paint-${i}`, value: 'blue' });
    const panel = page.getByTestId('inside-panel');
    const badge = page.getByTestId('inside-badge');

    await t.test('the badge opens the panel: five rules green with counts, evidence on click', async () => {
      assert.equal(await badge.getAttribute('data-state'), 'holding');
      await badge.click();
      assert.ok(await panel.isVisible());
      const checks = page.locator('[data-testid="safety-checks"] .check');
      await eventually(
        'every rule checked at least once',
        async () => {
          const counts = (await attributes(checks, 'data-checks')).map(Number);
          return counts.length === 5 && counts.every((c) => c > 0) ? counts : undefined;
        },
        15_000,
      );
      assert.deepEqual(await attributes(checks, 'data-property'), [...properties]);
      assert.deepEqual(await attributes(checks, 'data-state'), ['holding', 'holding', 'holding', 'holding', 'holding']);
      for (const c of await checks.all())
        assert.match((await c.getByTestId('check-count').textContent()) ?? '', /\d+ checks? passed/);

      // Evidence on click, in words, citing events.
      // The newest evidence is the monitor's latest election, as the API reports it too.
      const election = checks.nth(0);
      await election.locator('button').click();
      assert.equal(await election.locator('button').getAttribute('aria-expanded'), 'true');
      await eventually('the latest election, in words, citing its events', async () => {
        const report = (await (await fetch(`${w.url}/api/safety`)).json()) as SafetyReport;
        const latest = report.properties[0]!.evidence[0]!;
        if (latest.kind !== 'oneLeader') throw new Error(`unexpected evidence ${latest.kind}`);
        const said = (await election.getByTestId('evidence').first().textContent()) ?? '';
        const who = escaped(await named(w, latest.leader));
        const seqs = latest.seqs.map((q) => `#${q}`).join(', ');
        return new RegExp(
          `^Term ${latest.term}: only ${who} became chairman, with the votes of .+ \\(and its own\\)\\. events ${seqs}$`,
        ).test(said.trim())
          ? true
          : undefined;
      });
      await checks.nth(2).locator('button').click();
      assert.match(
        (await checks.nth(2).getByTestId('evidence').first().textContent()) ?? '',
        /Entry \d+ of term \d+ \(.+\) is identical on .+ events #\d+, #\d+/,
      );
      await checks.nth(4).locator('button').click();
      // Each write is evidence once every member has applied it: a slow member may still be behind.
      await eventually('a write carried out the same by every member', async () =>
        /set paint-\d = blue\) was carried out the same by/.test(
          (await checks.nth(4).getByTestId('evidence').first().textContent()) ?? '',
        )
          ? true
          : undefined,
      );

      // A drawer over the right-hand column: the hall stays in view, the top bar on one line.
      const hall = (await page.getByTestId('hall').boundingBox())!;
      const box = (await panel.boundingBox())!;
      assert.ok(
        box.x >= hall.x + hall.width - 8,
        `the panel (x ${box.x}) leaves the hall (to ${hall.x + hall.width}) in view`,
      );
      const top = (await page.getByTestId('election').boundingBox())!;
      const badgeBox = (await badge.boundingBox())!;
      assert.ok(
        Math.abs(badgeBox.y + badgeBox.height / 2 - (top.y + top.height / 2)) < 12,
        'the badge sits in the top bar row',
      );
      assert.doesNotMatch(await panel.innerText(), /inside\./, 'no message key shows instead of words');
      await screenshot(page, 'inside-1-safety');
    });

    await t.test('the charts show the crash and re-election, the writes and the lag', async () => {
      await api(w, `nodes/${first}/crash`);
      const second = await leader(w, first);
      for (let i = 0; i < 10; i++) await api(w, 'kv', { op: 'set', key: `after-${i}`, value: 'crash' });
      await page.getByTestId('inside-tab-charts').click();
      const secondName = await named(w, second);
      const rows = await eventually(
        'two elections charted, the second won by the new chairman',
        async () => {
          const r = await tableRows(page, 'elections');
          return r.length >= 2 && r.at(-1)![1]!.includes(secondName) ? r : undefined;
        },
        15_000,
      );
      for (const [when, what] of rows) {
        assert.match(when!, /^-?\d+(\.\d)? s before$/);
        assert.match(what!, /^term \d+: .+ \([A-E]\) elected after [\d,]+ ms$/);
      }
      // By the members' clocks: standing, pre-vote and vote (each fsynced) take some milliseconds.
      const durations = rows.map(([, what]) => Number(/after ([\d,]+) ms/.exec(what!)![1]!.replaceAll(',', '')));
      assert.ok(
        durations.every((d) => d > 0 && d < 15_000),
        `election durations ${durations.join(', ')} ms`,
      );
      assert.ok(Number(await page.getByTestId('chart-elections').getAttribute('data-points')) >= 2);

      // Throughput and latency from the writes; lag for each follower of the new chairman.
      await eventually('writes charted', async () => {
        const points = Number(await page.getByTestId('chart-throughput').getAttribute('data-points'));
        const latency = await tableRows(page, 'latency');
        return points > 0 && latency.length === 2 ? true : undefined;
      });
      // Each member that followed a chairman in the span has a line; the crashed one falls behind.
      const crashed = await named(w, first);
      await eventually('the crashed member ten entries behind', async () => {
        const rows = await tableRows(page, 'lag');
        const behind = rows.find(([who]) => who === crashed)?.[1];
        const n = behind === undefined ? NaN : Number(/^([\d,]+) entries$/.exec(behind)?.[1]?.replaceAll(',', ''));
        return rows.length >= 4 && n >= 10 ? true : undefined;
      });
      assert.ok(Number(await page.getByTestId('chart-lag').getAttribute('data-points')) > 0);
      await screenshot(page, 'inside-2-charts');
      await api(w, `nodes/${first}/restart`);
    });

    await t.test('the message diagram: a lane per member, arrows, and drops once a link is cut', async () => {
      await page.getByTestId('inside-tab-messages').click();
      const svg = page.getByTestId('seq-svg');
      await eventually('arrows received', async () =>
        (await svg.locator('[data-testid="seq-arrow"][data-outcome="received"]').count()) > 0 ? true : undefined,
      );
      assert.deepEqual(
        await svg.locator('.lane-name').allTextContents(),
        await Promise.all([1, 2, 3, 4, 5].map((id) => named(w, id))),
        'a lane per member, in order, named as in the hall',
      );
      // The chairman's link to another member: its heartbeats to them are dropped at once.
      const chair = await leader(w);
      const other = chair === 1 ? 2 : 1;
      await api(w, 'links', { from: chair, to: other, state: 'cut' });
      await eventually(
        'a drop and the cut drawn',
        async () =>
          (await svg.getByTestId('seq-drop').count()) > 0 && (await svg.getByTestId('seq-cut').count()) >= 2
            ? true
            : undefined,
        10_000,
      );
      const [a, b] = [await named(w, Math.min(chair, other)), await named(w, Math.max(chair, other))];
      assert.equal((await svg.locator('.cut-label').first().textContent())?.trim(), `✂ ${a} and ${b} cut`);
      const onTheCut = svg.locator(
        `[data-testid="seq-arrow"][data-outcome="dropped"][data-from="${chair}"][data-to="${other}"][data-reason="link cut"]`,
      );
      assert.ok((await onTheCut.count()) > 0, `the chairman's messages to ${other} are dropped on the cut link`);
      assert.match((await svg.locator('desc').textContent()) ?? '', /[1-9]\d* dropped; [1-9]\d* cut links/);
      await screenshot(page, 'inside-3-messages');

      // The keyboard reaches the controls: heartbeats off leaves only the instructive messages.
      const hb = page.getByTestId('seq-heartbeats');
      await hb.focus();
      await page.keyboard.press('Space');
      assert.equal(await hb.getAttribute('aria-checked'), 'false');
      await eventually('no heartbeat drawn', async () =>
        (await svg.locator('[data-type="heartbeat"], [data-type="heartbeatResp"]').count()) === 0 ? true : undefined,
      );
      await heal(w);
    });

    await t.test('the stress button: a burst of 500 writes with live throughput and latency', async () => {
      const before = ((await (await fetch(`${w.url}/api/metrics`)).json()) as { client: { completed: number } }).client
        .completed;
      await page.getByTestId('inside-tab-stress').click();
      await page.getByTestId('stress-start').click();
      const figures = page.getByTestId('stress-figures');
      const live = await eventually(
        'writes per second while running',
        async () => {
          if ((await figures.getAttribute('data-running')) !== 'true') return undefined;
          const rate = Number(await page.getByTestId('stress-rate').getAttribute('data-value'));
          const p50 = Number(await page.getByTestId('stress-p50').getAttribute('data-value'));
          return rate > 0 && p50 > 0 ? { rate, p50 } : undefined;
        },
        30_000,
      );
      await screenshot(page, 'inside-4-stress-running');
      await eventually(
        'the summary',
        async () => ((await page.getByTestId('stress-summary').count()) > 0 ? true : undefined),
        120_000,
      );
      const value = async (id: string): Promise<number> =>
        Number(await page.getByTestId(id).getAttribute('data-value'));
      const [rate, p50, p99, failed] = [
        await value('stress-rate'),
        await value('stress-p50'),
        await value('stress-p99'),
        await value('stress-failed'),
      ];
      assert.ok(
        rate > 0 && p50 > 0 && p99 >= p50,
        `rate ${rate}/s, p50 ${p50} ms, p99 ${p99} ms (live: ${live.rate}/s)`,
      );
      assert.equal(failed, 0);
      assert.match(
        (await page.getByTestId('stress-summary').textContent()) ?? '',
        /500 of 500 writes committed in [\d.]+ s/,
      );
      const after = ((await (await fetch(`${w.url}/api/metrics`)).json()) as { client: { completed: number } }).client
        .completed;
      assert.ok(after - before >= 500, `the cluster answered ${after - before} client requests`);
      await screenshot(page, 'inside-5-stress-done');
    });

    await t.test('no request left 127.0.0.1, and the page raised no errors (CSP included)', () => {
      assert.deepEqual(offHost, []);
      assert.deepEqual(errors, []);
    });
  },
);

test(
  'a broken rule is loud: members that lost their disks elect a chairman without the settled minutes',
  { timeout: 120_000 },
  async (t) => {
    requireChromium();
    const w = await startSociety(t, { nodes: 3 });
    const browser = await launchBrowser(t);
    const { page, errors } = await openPage(browser, `${w.url}/`);
    const chair = await leader(w);
    await api(w, 'kv', { op: 'set', key: 'paint', value: 'blue' });
    await eventually('every member applied it', async () =>
      (await clusterView(w)).nodes.every((n) => n.appliedIndex >= 2) ? true : undefined,
    );
    const badge = page.getByTestId('inside-badge');
    assert.equal(await badge.getAttribute('data-state'), 'holding');
    const settledTerm = (await clusterView(w)).nodes.find((n) => n.id === chair)!.term;

    // Everyone crashes; the two followers come back with empty disks: their votes and minutes are gone,
    // so one of them, not the old chairman, is elected again in an early term.
    for (const id of [1, 2, 3]) await api(w, `nodes/${id}/crash`);
    const followers = [1, 2, 3].filter((id) => id !== chair);
    for (const id of followers) rmSync(join(w.dataDir, `n${id}`), { recursive: true, force: true });
    for (const id of followers) await api(w, `nodes/${id}/restart`);
    // They start again from term 0. Only a chairman of the settled entry's term or a later one must
    // hold it, and the first election may have needed more than one term (a split vote): hand the
    // chair between the two until its term is reached.
    await eventually(
      `a chairman of term ${settledTerm} or later`,
      async () => {
        const v = await clusterView(w);
        const now = v.leaderId;
        if (now === null || now === chair) return undefined;
        if (v.nodes.find((n) => n.id === now)!.term >= settledTerm) return true;
        // A transfer is an election one term later; one refused (the chair just changed) is asked again.
        await api(w, 'leader', { to: followers.find((id) => id !== now) });
        return undefined;
      },
      20_000,
    );

    await eventually(
      'the badge turns red',
      async () => ((await badge.getAttribute('data-state')) === 'broken' ? true : undefined),
      20_000,
    );
    assert.match((await badge.textContent()) ?? '', /BROKEN!/);
    await badge.click();
    const alert = page.getByTestId('safety-violation');
    assert.equal(await alert.getAttribute('role'), 'alert');
    // A forgotten vote may be noticed first; the chairman without the entry follows.
    const text = await eventually('Leader Completeness among the broken rules', async () => {
      const said = (await alert.textContent()) ?? '';
      return /A new chairman has every settled decision\s*Leader Completeness/.test(said) ? said : undefined;
    });
    assert.match(text, /safety rules? (was|were) broken/i);
    // The causes name the events: who carried out the settled entry, and who was elected without it.
    const causes = await alert.getByTestId('safety-cause').allTextContents();
    assert.ok(
      causes.some((c) => /event #\d+\s*.+ carried out entry 2 of term \d+: set paint = blue/.test(c)),
      causes.join('\n'),
    );
    assert.ok(
      causes.some((c) => /event #\d+\s*.+ became chairman of term \d+/.test(c)),
      causes.join('\n'),
    );
    const completeness = page.locator('[data-property="Leader Completeness"]');
    assert.equal(await completeness.getAttribute('data-state'), 'broken');
    await screenshot(page, 'inside-6-violation');

    // A window opened now learns it from the view, in Hindi too.
    await page.evaluate(() => localStorage.setItem('raft-society.locale', 'hi'));
    await page.reload();
    await eventually('still red after a reload', async () =>
      (await badge.getAttribute('data-state')) === 'broken' ? true : undefined,
    );
    await badge.click();
    const hindi = (await page.getByTestId('safety-violation').textContent()) ?? '';
    assert.match(hindi, /सुरक्षा नियम टूट/);
    assert.match(hindi, /घटना #\d+/);
    assert.doesNotMatch(await page.getByTestId('inside-panel').innerText(), /inside\./);
    await screenshot(page, 'inside-7-violation-hindi');
    assert.deepEqual(errors, []);
  },
);
