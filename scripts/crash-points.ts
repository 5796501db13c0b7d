// npm run crash-points -- --points N [--seed X] [--nodes K] [--writers W] [--snapshot-every E] [--segment-bytes B] [--out DIR]
// Kills members of a real cluster N times during a stream of writes through the HTTP API (at random
// moments, and while they write a snapshot or start a WAL segment), damages some logs while their
// member is down (torn tails, flipped bytes), restarts them, and checks that no acknowledged write
// is lost and no member starts on damaged data (docs/reliability.md). Exit code 1 on any problem.

import { optionReader } from '../test/lib/cli-options.ts';
import { defaultCrashPoints, runCrashPoints } from '../test/reliability/crash-points.ts';
import { ensureMemberBundle } from './build-member.ts';

const { parse, int } = optionReader(
  'npm run crash-points',
  'usage: npm run crash-points -- --points N [--seed X] [--nodes K] [--writers W] [--snapshot-every E] [--segment-bytes B] [--out DIR]',
);

const d = defaultCrashPoints;
const { values } = parse({
  points: { type: 'string', default: '200' },
  seed: { type: 'string' },
  nodes: { type: 'string', default: String(d.nodes) },
  writers: { type: 'string', default: String(d.writers) },
  'snapshot-every': { type: 'string', default: String(d.snapshotThreshold) },
  'segment-bytes': { type: 'string', default: String(d.segmentBytes) },
  out: { type: 'string', default: '.' },
});
const options = {
  points: int('points', values.points, 1, 100_000),
  seed: int('seed', values.seed ?? String(Date.now() % 2 ** 31), 0, 2 ** 31 - 1),
  nodes: int('nodes', values.nodes, 3, 7),
  writers: int('writers', values.writers, 1, 64),
  snapshotThreshold: int('snapshot-every', values['snapshot-every'], 1, 1_000_000),
  segmentBytes: int('segment-bytes', values['segment-bytes'], 4096, 2 ** 31),
  outDir: values.out,
};

await ensureMemberBundle();
const started = performance.now();
const report = await runCrashPoints(options, (line) => console.log(line));
console.log(
  `crash-points: seed ${options.seed}, ${options.nodes} members, ${options.writers} writers, a snapshot every ` +
    `${options.snapshotThreshold} entries, ${options.segmentBytes}-byte WAL segments; ${((performance.now() - started) / 60_000).toFixed(1)} min`,
);
for (const line of report.lines) console.log(line);
for (const p of report.problems) console.log(`problem: ${p}`);
if (report.failureFile !== null) console.log(`details: ${report.failureFile}`);
console.log(report.ok ? 'OK' : `FAILED (${report.problems.length} problems)`);
process.exit(report.ok ? 0 : 1);
