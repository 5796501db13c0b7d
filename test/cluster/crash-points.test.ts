// Crash-point durability, short (npm run crash-points -- --points 200 runs the long one), and the
// proof that its check for lost writes can fail: a disk that drops fsynced records loses them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrame } from '../../main/node/storage/wal-format.ts';
import { Random } from '../sim/random.ts';
import { defaults as webDefaults } from '../server/helpers.ts';
import { startWeb } from '../../main/server/web.ts';
import { ApiClient, sleep } from '../reliability/api-client.ts';
import { defaultCrashPoints, runCrashPoints } from '../reliability/crash-points.ts';
import { lostWrites, WriteStream } from '../reliability/write-stream.ts';

test('10 crash points during a write stream: no acknowledged write lost, no member starts on damaged data', async (t) => {
  mkdirSync('test-artifacts', { recursive: true });
  const report = await runCrashPoints(
    { ...defaultCrashPoints, seed: 1, points: 10, outDir: 'test-artifacts' },
    (line) => t.diagnostic(line),
  );
  for (const line of report.lines) t.diagnostic(line);
  assert.deepEqual(report.problems, [], report.failureFile ?? '');
  assert.equal(report.points.length, 10);
  assert.ok(report.acked > 100, `${report.acked} writes acknowledged`);
  assert.deepEqual(report.lost, []);
});

/** Cut the last `n` records off every WAL segment's end: what a disk that lies about fsync could do. */
function dropLastRecords(dir: string, n: number): void {
  const newest = readdirSync(dir)
    .filter((f) => f.startsWith('wal-'))
    .sort()
    .at(-1)!;
  const buf = readFileSync(join(dir, newest));
  const ends: number[] = [];
  for (let at = 0; at < buf.length;) {
    const f = readFrame(buf, at);
    if (!f.ok) break;
    ends.push(at);
    at = f.end;
  }
  writeFileSync(join(dir, newest), buf.subarray(0, ends[Math.max(1, ends.length - n)]));
}

test('the lost-write check has teeth: members whose disks drop acknowledged records lose writes, and it says so', async (t) => {
  const web = await startWeb({ ...webDefaults, nodes: 3 });
  t.after(() => web.close());
  const api = new ApiClient(web.url, 10_000);
  await api.waitForView((v) => v.leaderId !== null, 10_000);
  const stream = new WriteStream(api, new Random(7), 3, [10, 20]);
  stream.start();
  for (let waited = 0; stream.acked.size < 30 && waited < 20_000; waited += 50) await sleep(50);
  await stream.stop();
  assert.ok(stream.acked.size >= 30, `${stream.acked.size} writes acknowledged`);
  for (const n of (await api.view()).nodes) await api.call('POST', `/api/nodes/${n.id}/crash`);
  for (const id of [1, 2, 3]) dropLastRecords(join(web.dataDir, `n${id}`), 5);
  for (const id of [1, 2, 3]) await api.call('POST', `/api/nodes/${id}/restart`);
  await api.waitForView((v) => v.leaderId !== null, 10_000);
  const { lost, unread } = await lostWrites(api, stream.acked, 4);
  t.diagnostic(`${lost.length} of ${stream.acked.size} acknowledged writes lost`);
  assert.equal(unread, 0);
  assert.ok(lost.length > 0);
  assert.match(lost[0]!.got, /^null$/);
});
