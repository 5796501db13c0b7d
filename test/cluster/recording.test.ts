// The recording alone is enough to show the cluster at any moment: every event of a real cluster
// fits the contract's schema, the first says how the society starts, and every fault carries the
// network and settings as they are after it (the window no longer asks for the view).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterEventSchema, type ClusterEvent, type LinkView } from '../../main/shared/contract.ts';
import { linksOf } from '../../renderer/src/lib/society-state.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

type Fault = ClusterEvent & { kind: 'fault' };

function lastFault(c: TestCluster): Fault {
  const f = c.sup.events(0).findLast((e): e is Fault => e.kind === 'fault');
  assert.ok(f !== undefined, 'a fault event');
  return f;
}

/** The links a fault's network means, in the view's form. */
function linksAfter(f: Fault, ids: readonly number[]): LinkView[] {
  return [...linksOf(f.after.network, ids).values()];
}

/** After a command, its fault event says what the view says: the same links and settings. */
function assertFaultMatchesView(c: TestCluster, description: RegExp): void {
  const f = lastFault(c);
  assert.match(f.description, description);
  const view = c.sup.view();
  assert.deepEqual(
    linksAfter(
      f,
      view.nodes.map((n) => n.id),
    ),
    view.links,
    `links after "${f.description}"`,
  );
  assert.deepEqual(f.after.settings, view.settings, `settings after "${f.description}"`);
}

test('a recording of a real cluster is self-sufficient and fits the contract', { timeout: 60_000 }, async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 5000);

  const first = c.sup.events(0)[0];
  assert.ok(first?.kind === 'fault' && first.seq === 1, 'the first event is a fault');
  assert.equal(first.description, 'start');
  assert.deepEqual(first.after.network, { cuts: [], faults: [] });
  assert.deepEqual(first.after.settings, c.sup.view().settings);

  await c.run('link.set', { from: 1, to: 2, state: 'cut' });
  assertFaultMatchesView(c, /^cut 1<->2$/);
  await c.run('link.set', { from: 2, to: 3, state: 'cut', oneWay: true });
  assertFaultMatchesView(c, /^cut 2->3$/);
  await c.run('link.fault', { from: 1, to: 3, delayMs: 40, jitterMs: 5, loss: 0.1 });
  assertFaultMatchesView(c, /^link 1<->3: /);
  await c.run('partition', { groups: [[1], [2, 3]] });
  assertFaultMatchesView(c, /^partition 1 \| 2,3$/);
  await c.run('heal');
  assertFaultMatchesView(c, /^heal$/);
  await c.run('settings.set', { timeScale: 0.5, preVote: false });
  assertFaultMatchesView(c, /^settings: /);
  await c.run('settings.set', { timeScale: 1, preVote: true });

  await waitFor('a chairman', () => c.leader() !== null, 5000);
  const added = (await c.run('member.add', { learner: true })).body as { id: number };
  assertFaultMatchesView(c, new RegExp(`^add learner ${added.id}$`));
  await c.run('member.promote', { id: added.id });
  assertFaultMatchesView(c, new RegExp(`^promote ${added.id}$`));
  await c.run('node.crash', { id: 2 });
  assertFaultMatchesView(c, /^crash 2$/);
  await c.run('node.restart', { id: 2 });
  await waitFor('a chairman', () => c.leader() !== null, 5000);
  await c.run('member.remove', { id: added.id });
  assertFaultMatchesView(c, new RegExp(`^remove ${added.id}$`));

  const events = c.sup.events(0);
  for (const e of events) {
    const parsed = clusterEventSchema.safeParse(e);
    assert.ok(parsed.success, `event ${e.seq} (${e.kind}) fits the schema: ${parsed.error?.message ?? ''}`);
  }
  // Names and the configuration come with the events too.
  const names = new Map(c.sup.view().nodes.map((n) => [n.id, n.name]));
  for (const e of events)
    if (e.kind === 'member' && names.has(e.node)) assert.equal(e.name, names.get(e.node), `member ${e.node}'s name`);
  const leader = c.leader()!;
  const report = events.findLast((e) => e.kind === 'state' && e.node === leader);
  assert.ok(report?.kind === 'state');
  assert.deepEqual(report.voters, c.sup.view().voters, "the chairman's last report has the configuration");
  assert.deepEqual(
    events.filter((e) => e.kind === 'member' && e.node === added.id).map((e) => e.kind === 'member' && e.status),
    ['starting', 'running', 'stopped'],
  );
});
