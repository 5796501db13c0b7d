// Persist before acting: kill -9 every member in the middle of a write stream and restart them:
// every write that was answered 200 is still there. A torn write at the end of a log is cut off on
// restart; corruption in the middle makes the member refuse to start, naming the file and offset.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

function walFiles(c: TestCluster, id: number): string[] {
  const dir = join(c.dataDir, `n${id}`);
  return readdirSync(dir)
    .filter((f) => f.startsWith('wal-'))
    .sort()
    .map((f) => join(dir, f));
}

async function crashFollower(c: TestCluster): Promise<number> {
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  for (let i = 0; i < 20; i++) await c.run('kv', { op: 'set', key: `k${i}`, value: `v${i}` });
  const id = c.sup.view().nodes.find((n) => n.id !== c.leader())!.id;
  await waitFor(
    'the follower to apply everything',
    () => c.member(id).appliedIndex === c.member(c.leader()!).commitIndex,
    2000,
  );
  await c.run('node.crash', { id });
  return id;
}

test('kill -9 of every member mid-stream loses no acknowledged write', async (t) => {
  const c = await startCluster(t);
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const acked = new Map<string, string>();
  let stop = false;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const key = `w${w}-${i}`;
      const r = await c.sup.execute('kv', { op: 'set', key, value: `value ${w}.${i}` });
      if (r.status === 200) acked.set(key, `value ${w}.${i}`);
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  await new Promise((r) => setTimeout(r, 800));
  for (const n of c.sup.view().nodes) await c.run('node.crash', { id: n.id });
  const beforeKill = acked.size;
  t.diagnostic(`${beforeKill} writes were acknowledged before every member was killed`);
  assert.ok(beforeKill > 20, 'the stream was running');
  // The writers keep going through the restart; what they get acknowledged then must survive too.
  for (const n of c.sup.view().nodes) await c.run('node.restart', { id: n.id });
  await waitFor('a chairman after the restart', () => c.leader() !== null, 3000);
  stop = true;
  await Promise.all(writers);
  const missing: string[] = [];
  for (const [key, value] of acked) {
    const r = await c.run('kv', { op: 'get', key });
    if ((r.body as { value: string | null }).value !== value) missing.push(key);
  }
  assert.deepEqual(missing, [], 'every acknowledged write survived');
  assert.deepEqual(c.sup.violations(), []);
});

test('a torn write at the end of the log is cut off on restart, and crash leftovers are removed', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  const id = await crashFollower(c);
  const wal = walFiles(c, id).at(-1)!;
  // The start of a record that never finished: a header promising 500 bytes, 20 of them written.
  const torn = Buffer.alloc(28);
  torn.writeUInt32LE(500, 0);
  torn.writeUInt32LE(0xdeadbeef, 4);
  torn.write('{"t":"b","e":[{"inde', 8);
  appendFileSync(wal, torn);
  // And a snapshot whose writing the crash interrupted.
  writeFileSync(join(c.dataDir, `n${id}`, 'snap-00000000000000ff.snap.tmp'), '{"index":25');
  await c.run('node.restart', { id });
  const recovered = c.sup.events().findLast((e) => e.kind === 'member' && e.node === id && e.status === 'running');
  assert.match(JSON.stringify(recovered), /recovered: truncated a torn write at .*wal-.*\.log/);
  assert.match(JSON.stringify(recovered), /removed crash leftovers .*snap-00000000000000ff\.snap\.tmp/);
  await waitFor('the member to catch up', () => c.member(id).appliedIndex === c.member(c.leader()!).commitIndex, 3000);
  assert.deepEqual(c.sup.violations(), []);
});

test('a corrupted record in the middle of the log: the member refuses to start and says where', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  const id = await crashFollower(c);
  const wal = walFiles(c, id)[0]!;
  const bytes = readFileSync(wal);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(wal, bytes);
  const r = await c.run('node.restart', { id }, [500]);
  const error = (r.body as { error: string }).error;
  t.diagnostic(error);
  assert.match(error, /refusing to start/);
  assert.match(error, new RegExp(`${wal.split('/').at(-1)!.replace('.', '\\.')}.* at byte \\d+`));
  assert.equal(c.member(id).status, 'crashed');
  // The other two still form a majority and keep deciding.
  await c.run('kv', { op: 'set', key: 'still', value: 'working' });
  assert.deepEqual(c.sup.violations(), []);
});
