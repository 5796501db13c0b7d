// member.state: each member reports what it has applied as a digest, so a test can tell whether
// every member holds the same state. Members that applied the same log agree; a member whose log
// was changed behind Raft's back (an entry rewritten on disk with a valid CRC) does not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWalRecord, scanSegment } from '../../main/node/storage/wal-format.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

interface MemberState {
  readonly id: number;
  readonly applied: number;
  readonly digest: string;
  readonly keys: number;
  readonly decisions: number;
}

async function state(c: TestCluster, id: number): Promise<MemberState> {
  return (await c.run('member.state', { id })).body as MemberState;
}

/**
 * Wait until every member has applied the entry at `index`, the last one written. (The chairman's
 * commit index in the view can lag its reply by a report, so it is not the mark to wait for.)
 */
async function caughtUp(c: TestCluster, index: number): Promise<void> {
  await waitFor(
    `every member to apply entry ${index}`,
    () => c.sup.view().nodes.every((n) => n.status === 'running' && n.appliedIndex >= index),
    5000,
  );
}

/** Rewrite, in member `id`'s WAL, the value of the entry that set `key` (the record keeps a valid CRC). */
function forgeValue(c: TestCluster, id: number, key: string, from: string, to: string): void {
  const dir = join(c.dataDir, `n${id}`);
  for (const name of readdirSync(dir).filter((f) => f.startsWith('wal-'))) {
    const file = join(dir, name);
    const buf = readFileSync(file);
    const scan = scanSegment(buf, true);
    assert.ok(scan.ok);
    const needle = `"key":"${key}","value":"${from}"`;
    const forge = (data: string): string => data.replace(needle, `"key":"${key}","value":"${to}"`);
    const at = scan.records.findIndex(
      ({ record }) =>
        record.t === 'b' && record.e.some((e) => e.payload.kind === 'command' && e.payload.data.includes(needle)),
    );
    const target = scan.records[at];
    if (target?.record.t !== 'b') continue;
    const e = target.record.e.map((x) =>
      x.payload.kind === 'command' ? { ...x, payload: { ...x.payload, data: forge(x.payload.data) } } : x,
    );
    const end = scan.records[at + 1]?.offset ?? buf.length;
    const forged = encodeWalRecord({ ...target.record, e });
    return writeFileSync(file, Buffer.concat([buf.subarray(0, target.offset), forged, buf.subarray(end)]));
  }
  assert.fail(`no entry setting ${key} = ${from} in ${dir}`);
}

test('every member reports the same digest of what it applied; a forged log shows', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 3000);
  await c.run('kv', { op: 'set', key: 'paint', value: 'blue' });
  await c.run('kv', { op: 'set', key: 'lift', value: 'repaired' });
  const last = await c.run('decide', { text: 'Approve painting contract for Rs 2 lakhs' });
  await caughtUp(c, (last.body as { index: number }).index);

  const states = await Promise.all([1, 2, 3].map((id) => state(c, id)));
  const leader = states.find((s) => s.id === c.leader())!;
  assert.equal(leader.keys, 2);
  assert.equal(leader.decisions, 1);
  assert.match(leader.digest, /^[0-9a-f]{64}$/);
  for (const s of states) assert.deepEqual({ ...s, id: 0 }, { ...leader, id: 0 }, `member ${s.id}`);

  // A follower's minutes book is rewritten while it is down: Raft cannot see it (same index and
  // term), so only its applied state tells.
  const follower = states.find((s) => s.id !== c.leader())!.id;
  await c.run('node.crash', { id: follower });
  forgeValue(c, follower, 'paint', 'blue', 'pink');
  await c.run('node.restart', { id: follower });
  await caughtUp(c, (last.body as { index: number }).index);
  const forged = await state(c, follower);
  const honest = await state(c, c.leader()!);
  assert.equal(forged.applied, honest.applied);
  assert.equal(forged.keys, honest.keys);
  assert.notEqual(forged.digest, honest.digest);

  // A member that is not running cannot answer; no such member is 404.
  await c.run('node.crash', { id: follower });
  assert.match(((await c.run('member.state', { id: follower }, [409])).body as { error: string }).error, /not running/);
  await c.run('member.state', { id: 9 }, [404]);
  // The live safety monitor saw it too, from the entries each member reported applying.
  assert.deepEqual(
    c.sup.violations().map((v) => v.property),
    ['State Machine Safety'],
  );
  assert.match(c.sup.violations()[0]!.message, new RegExp(`n${follower} applied .*"value":"pink"`));
});
