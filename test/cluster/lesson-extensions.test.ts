// The two contract extensions lessons need, on real processes: a write handed to one member
// (`via`), so an isolated old chairman really appends minutes that never commit and are later
// replaced; and a snapshot threshold changed at run time, so a member far behind receives one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { startCluster, waitFor } from './harness.ts';

test('a write handed to a follower is refused without being appended anywhere', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const follower = c.sup.view().nodes.find((n) => n.id !== c.leader())!.id;
  const appended: ClusterEvent[] = [];
  c.sup.subscribe((e) => {
    if (e.kind === 'append' && e.entries.some((x) => x.kind === 'command')) appended.push(e);
  });
  const r = await c.run('decide', { text: 'Paint the gate', via: follower }, [503]);
  assert.match((r.body as { error: string }).error, new RegExp(`member ${follower} is not the chairman`));
  await c.run('kv', { op: 'set', key: 'k', value: 'v', via: 99 }, [404]);
  await c.run('kv', { op: 'get', key: 'k', via: follower }, [400]);
  assert.deepEqual(appended, [], 'nothing was written');
  // Handed to the chairman it is an ordinary decision.
  const ok = await c.run('decide', { text: 'Paint the gate', via: c.leader()! });
  assert.deepEqual(Object.keys(ok.body as object).sort(), ['index', 'number']);
});

test('an isolated old chairman appends what it is handed; after healing the entry is overwritten', async (t) => {
  const c = await startCluster(t, { nodes: 5, checkQuorum: false });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const old = c.leader()!;
  const rest = c.sup
    .view()
    .nodes.map((n) => n.id)
    .filter((id) => id !== old);
  const events: ClusterEvent[] = [];
  c.sup.subscribe((e) => events.push(e));
  await c.run('partition', { groups: [[old], rest] });
  await waitFor('a new chairman among the rest', () => rest.includes(c.leader() ?? -1), 4000);
  const handed = c.sup.execute('decide', { text: 'Buy a water tank', via: old });
  const label = 'decision: Buy a water tank';
  const onOld = () =>
    events.find((e) => e.kind === 'append' && e.node === old && e.entries.some((x) => x.label === label)) as
      (ClusterEvent & { kind: 'append' }) | undefined;
  await waitFor('the old chairman to append it', () => onOld() !== undefined, 3000);
  const index = onOld()!.entries.find((x) => x.label === label)!.index;
  // Handed over once: no retry appends it a second time (a client's retry after one attempt would).
  await new Promise((r) => setTimeout(r, 4 * 300 + 300));
  const copies = events.flatMap((e) =>
    e.kind === 'append' && e.node === old ? e.entries.filter((x) => x.label === label) : [],
  );
  assert.equal(copies.length, 1, 'appended once');
  assert.ok(c.member(old).commitIndex < index, 'not committed: the old chairman has no majority');
  assert.ok(
    !events.some((e) => e.kind === 'append' && e.node !== old && e.entries.some((x) => x.label === label)),
    'no other member has it',
  );
  await c.run('decide', { text: 'Repair the lift' });
  await c.run('heal');
  await waitFor(
    'the old chairman to overwrite it',
    () => events.some((e) => e.kind === 'append' && e.node === old && e.overwrote !== null && e.overwrote <= index),
    4000,
  );
  const answer = await handed;
  assert.ok([503, 504].includes(answer.status), `not applied or unknown, got ${answer.status}`);
  assert.deepEqual(c.sup.violations(), []);
});

test('a lowered snapshot threshold makes members compact, and a member far behind gets a snapshot', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('settings.set', { snapshotThreshold: 1 }, [400]);
  assert.equal(c.sup.view().settings.snapshotThreshold, 1000);
  const r = await c.run('settings.set', { snapshotThreshold: 5 });
  assert.equal((r.body as { snapshotThreshold: number }).snapshotThreshold, 5);
  // Cut off rather than crashed: a crashed member's transport queue may still hand its new process
  // the appends sent meanwhile, while a cut link drops them, so the member really falls behind.
  const behind = c.sup.view().nodes.find((n) => n.id !== c.leader())!.id;
  const rest = c.sup
    .view()
    .nodes.map((n) => n.id)
    .filter((id) => id !== behind);
  await c.run('partition', { groups: [[behind], rest] });
  const events: ClusterEvent[] = [];
  c.sup.subscribe((e) => events.push(e));
  for (let i = 0; i < 12; i++) await c.run('kv', { op: 'set', key: `k${i}`, value: String(i) });
  await waitFor(
    'the chairman to take a snapshot',
    () => events.some((e) => e.kind === 'snapshot' && e.node === c.leader() && e.how === 'taken'),
    3000,
  );
  await c.run('heal');
  await waitFor(
    'the member far behind to install a snapshot',
    () => events.some((e) => e.kind === 'snapshot' && e.node === behind && e.how === 'installed'),
    4000,
  );
  await c.run('settings.set', { snapshotThreshold: 1000 });
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'k11' })).body, { value: '11' });
  assert.deepEqual(c.sup.violations(), []);
});
