// The engine counts ticks; a timer's callbacks come late, so counting callbacks made every timeout
// and heartbeat ~10% longer than configured (more on a busy machine). The member's tick clock
// makes up late ticks: heartbeats leave at the configured interval on average.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor } from '../cluster/harness.ts';

test('a leader sends heartbeats at the configured 50 ms on average', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const since = c.sup.events().at(-1)!.seq;
  await new Promise((r) => setTimeout(r, 3000));
  const leader = c.leader()!;
  const sent = c.sup
    .events(since)
    .filter((e) => e.kind === 'message' && e.phase === 'sent' && e.type === 'heartbeat' && e.from === leader);
  const to = sent[0]!.kind === 'message' ? sent[0].to : 0;
  const times = sent.flatMap((e) => (e.kind === 'message' && e.to === to ? [e.memberAt] : []));
  const mean = (times.at(-1)! - times[0]!) / (times.length - 1);
  t.diagnostic(`${times.length} heartbeats to member ${to}, ${mean.toFixed(2)} ms apart on average`);
  assert.ok(times.length >= 40, 'heartbeats were sent');
  assert.ok(mean >= 49 && mean <= 51.5, `mean heartbeat interval ${mean.toFixed(2)} ms, configured 50`);
});
