// The live safety monitor on a real cluster: its evidence cites the very events the members'
// reports became, and when members lose their disks (an amnesia Raft does not survive: it assumes
// stable storage), the violation it reports names the events that contradict each other.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClusterEvent, Fact, SafetyReport } from '../../main/shared/contract.ts';
import { startCluster, waitFor } from './harness.ts';

function reportsIn(events: readonly ClusterEvent[]): SafetyReport[] {
  return events.flatMap((e) => (e.kind === 'checks' ? [e.report] : []));
}

/** The event a monitor's fact cites must say the same thing the fact does. */
function assertCited(events: ReadonlyMap<number, ClusterEvent>, fact: Fact): void {
  assert.ok(fact.seq !== null, 'the fact cites an event');
  const e = events.get(fact.seq);
  assert.ok(e !== undefined, `event ${fact.seq} is in the recording`);
  switch (fact.act) {
    case 'elected':
      assert.ok(e.kind === 'state' && e.role === 'leader' && e.node === fact.node && e.term === fact.term);
      return;
    case 'applied':
      assert.ok(e.kind === 'apply' && e.node === fact.node && e.entry.index === fact.index);
      return;
    case 'voted':
      assert.ok(e.kind === 'vote' && e.node === fact.node && e.candidate === fact.candidate);
      return;
    case 'wrote':
      assert.ok(e.kind === 'append' && e.node === fact.node && e.entries.some((x) => x.index === fact.index));
      return;
    case 'overwrote':
      assert.ok(e.kind === 'append' && e.node === fact.node && e.overwrote === fact.index);
      return;
  }
}

test('the evidence of each property cites the events it was checked on', { timeout: 30_000 }, async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  const leader = await c.sup.waitForLeader(5000);
  assert.ok(leader !== null);
  for (let i = 0; i < 5; i++) await c.run('kv', { op: 'set', key: `k${i}`, value: `v${i}` });
  await waitFor(
    'a report where every property was checked',
    () => reportsIn(c.sup.events()).some((r) => r.properties.every((p) => p.checks > 0)),
    5000,
  );
  const events = new Map(c.sup.events().map((e) => [e.seq, e]));
  const report = c.sup.safety();
  assert.deepEqual(report.violations, []);
  assert.deepEqual(c.sup.view().safety.properties.length, 5, 'cluster.get carries the report');
  for (const p of report.properties) {
    assert.ok(p.evidence.length > 0, `${p.property} has evidence`);
    for (const e of p.evidence) {
      assert.ok(e.seqs.length > 0, `${p.property}: evidence cites events`);
      for (const seq of e.seqs) assert.ok(events.has(seq), `event ${seq} is recorded`);
      switch (e.kind) {
        case 'oneLeader': {
          // The leader's own vote is not reported; a majority of three needs one more.
          assert.ok(e.voters.length >= 1, 'votes are cited');
          const cited = e.seqs.map((seq) => events.get(seq)!);
          const votes = cited.flatMap((x) => (x.kind === 'vote' ? [[x.node, x.candidate, x.term]] : []));
          assert.deepEqual(
            votes.sort(),
            e.voters.map((v) => [v, e.leader, e.term]),
          );
          const elected = cited.find((x) => x.kind === 'state')!;
          assertCited(events, { act: 'elected', seq: elected.seq, node: e.leader, term: e.term });
          break;
        }
        case 'sameApplied':
          assert.ok(e.members.length >= 2, 'applied by several members');
          for (const seq of e.seqs) {
            const a = events.get(seq)!;
            assert.ok(a.kind === 'apply' && a.entry.index === e.index && a.entry.label === e.content);
          }
          break;
        case 'sameEntry':
          for (const seq of e.seqs) {
            const a = events.get(seq)!;
            assert.ok(a.kind === 'append' && a.entries.some((x) => x.index === e.index && x.label === e.content));
          }
          break;
        default:
          break;
      }
    }
  }
});

test(
  'members that lost their disks elect a leader without the committed entries: the violation names the events',
  { timeout: 60_000 },
  async (t) => {
    const c = await startCluster(t, { nodes: 3 });
    const leader = await c.sup.waitForLeader(5000);
    assert.ok(leader !== null);
    await c.run('kv', { op: 'set', key: 'paint', value: 'blue' });
    // Every member applied the write: entry 2 at least is committed and known to the monitor.
    await waitFor('all applied', () => [1, 2, 3].every((id) => c.member(id).appliedIndex >= 2), 5000);
    for (const id of [1, 2, 3]) await c.run('node.crash', { id });
    // The two followers lose everything they wrote (their term, their vote, their minutes), so one of
    // them, not the old leader, is elected again in an early term.
    const followers = [1, 2, 3].filter((id) => id !== leader);
    for (const id of followers) rmSync(join(c.dataDir, `n${id}`), { recursive: true, force: true });
    for (const id of followers) await c.run('node.restart', { id });
    // A forgotten vote may be noticed first; the leader without the entry follows.
    await waitFor(
      'a Leader Completeness violation',
      () => c.sup.violations().some((v) => v.property === 'Leader Completeness'),
      10_000,
    );

    const events = c.sup.events();
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    const safety = events.filter((e) => e.kind === 'safety');
    assert.ok(safety.length > 0, 'a safety event in the stream');
    const completeness = safety.find((e) => e.property === 'Leader Completeness');
    assert.ok(completeness !== undefined, `Leader Completeness is among ${safety.map((e) => e.property).join(', ')}`);
    const [committed, elected] = completeness.causes;
    assert.equal(committed?.act, 'applied', 'the committed entry, as a member applied it');
    assert.equal(elected?.act, 'elected', 'the leader that lacks it');
    assertCited(bySeq, committed);
    assertCited(bySeq, elected);
    assert.ok(committed.seq! < elected.seq! && elected.seq! < completeness.seq, 'causes come before the verdict');

    // The report says it too, at once: the property is no longer green.
    const report = reportsIn(events).at(-1)!;
    const lc = report.properties.find((p) => p.property === 'Leader Completeness')!;
    assert.ok(lc.violations > 0);
    assert.ok(report.violations.some((v) => v.property === 'Leader Completeness'));
  },
);
