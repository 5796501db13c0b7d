// A real session to replay: a real cluster (member processes, sockets, fsync) taken through an
// election in a society of five, writes, cuts, a partition, a crash of the chairman, a restart, a learner joining,
// its promotion and removal, and a change of settings. What the supervisor recorded is what a
// window would have received; `views` are views taken along the way, each with its seq.

import type { TestContext } from 'node:test';
import type { ClusterEvent, ClusterView } from '../../main/shared/contract.ts';
import { startCluster, waitFor, type TestCluster } from '../cluster/harness.ts';

export interface RealSession {
  readonly events: readonly ClusterEvent[];
  readonly views: readonly { readonly seq: number; readonly view: ClusterView }[];
}

const lastSeq = (c: TestCluster): number => c.sup.events(0).at(-1)?.seq ?? 0;

export async function recordRealSession(t: TestContext): Promise<RealSession> {
  const c = await startCluster(t, { nodes: 5 });
  const views: { seq: number; view: ClusterView }[] = [];
  const snap = (): void => {
    views.push({ seq: lastSeq(c), view: c.sup.view() });
  };
  const chairman = async (): Promise<number> => {
    await waitFor('a chairman', () => c.leader() !== null, 10_000);
    return c.leader()!;
  };
  await chairman();
  snap();
  for (let i = 0; i < 3; i++) await c.run('kv', { op: 'set', key: `k${i}`, value: `v${i}` });
  await c.run('decide', { text: 'Approve painting contract for Rs 2 lakhs' });
  await c.run('link.set', { from: 1, to: 2, state: 'cut' });
  await c.run('link.fault', { from: 2, to: 3, delayMs: 30, loss: 0.2 });
  snap();
  await c.run('partition', { groups: [[1], [2, 3, 4, 5]] });
  await c.run('kv', { op: 'set', key: 'during', value: 'partition' });
  // Long enough for the recording to need checkpoints (every 1000 events).
  await waitFor('3000 events', () => lastSeq(c) > 3000, 20_000);
  await c.run('heal');
  const old = await chairman();
  await c.run('node.crash', { id: old });
  await waitFor('a new chairman', () => c.leader() !== null && c.leader() !== old, 10_000);
  snap();
  await c.run('kv', { op: 'set', key: 'after', value: 'crash' });
  await c.run('node.restart', { id: old });
  await c.run('settings.set', { preVote: false });
  const added = (await c.run('member.add', { learner: true })).body as { id: number };
  await c.run('member.promote', { id: added.id });
  snap();
  await chairman();
  await c.run('member.remove', { id: added.id });
  await c.run('node.pause', { id: 1 });
  await new Promise((r) => setTimeout(r, 200));
  await c.run('node.resume', { id: 1 });
  await c.run('kv', { op: 'set', key: 'last', value: 'one' });
  snap();
  return { events: c.sup.events(0), views };
}
