// npm run nemesis -- --runs N --seconds S [--seed X] [--nodes K] [--clients C] [--keys K] [--out DIR]
// N runs (seeds X..X+N-1) of a real cluster under a random fault schedule and client load through
// the HTTP API, each checked for linearizability and identical member states (docs/reliability.md).
// Prints a line per run and a summary with the fault mix; a failing run leaves
// nemesis-failure-seed<X>-<time>.json in DIR. Exit code 1 if any run failed, 2 for bad options.

import { optionReader } from '../test/lib/cli-options.ts';
import { faultKinds, type Action } from '../test/reliability/nemesis.ts';
import { runNemesis } from '../test/reliability/run.ts';
import { ensureMemberBundle } from './build-member.ts';

const { parse, int } = optionReader(
  'npm run nemesis',
  'usage: npm run nemesis -- --runs N --seconds S [--seed X] [--nodes K] [--clients C] [--keys K] [--out DIR]',
);

const { values } = parse({
  runs: { type: 'string', default: '1' },
  seconds: { type: 'string', default: '60' },
  seed: { type: 'string' },
  nodes: { type: 'string', default: '5' },
  clients: { type: 'string', default: '5' },
  keys: { type: 'string', default: '3' },
  out: { type: 'string', default: '.' },
});
const runs = int('runs', values.runs, 1, 10_000);
const seconds = int('seconds', values.seconds, 1, 3600);
const first = int('seed', values.seed ?? String(Date.now() % 2 ** 31), 0, 2 ** 31 - 1);
const nodes = int('nodes', values.nodes, 3, 7);
const clients = int('clients', values.clients, 1, 64);
const keys = int('keys', values.keys, 1, 100);

await ensureMemberBundle();
const started = performance.now();
const failed: string[] = [];
const faults = new Map<Action, { done: number; refused: number }>();
let requests = 0;
let operations = 0;
const outcomes = { ok: 0, unknown: 0, 'not applied': 0, unexpected: 0 };
for (let i = 0; i < runs; i++) {
  const seed = first + i;
  const report = await runNemesis({ seed, seconds, nodes, clients, keys, outDir: values.out });
  console.log(`run ${i + 1}/${runs}, ${report.line}`);
  for (const p of report.problems) console.log(`  ${p.replaceAll('\n', '\n  ')}`);
  if (report.failureFile !== null) console.log(`  history and fault schedule: ${report.failureFile}`);
  if (!report.ok) failed.push(`seed ${seed}`);
  for (const [action, c] of report.faults) {
    const total = faults.get(action) ?? { done: 0, refused: 0 };
    faults.set(action, { done: total.done + c.done, refused: total.refused + c.refused });
  }
  requests += report.requests;
  operations += report.linearizability.opsChecked;
  for (const k of Object.keys(outcomes) as (keyof typeof outcomes)[]) outcomes[k] += report.outcomes[k];
}

const minutes = (performance.now() - started) / 60_000;
const mix = [...faults]
  .sort(([, a], [, b]) => b.done - a.done)
  .map(([action, c]) => `${action} ${c.done}${c.refused > 0 ? ` (${c.refused} refused or unfinished)` : ''}`);
const missing = faultKinds.filter((k) => !faults.has(k));
console.log(
  `\nnemesis: ${runs} runs of ${seconds} s (seeds ${first}-${first + runs - 1}, ${nodes} members, ${clients} clients, ${keys} keys) ` +
    `in ${minutes.toFixed(1)} min: ${failed.length} with anomalies${failed.length > 0 ? ` (${failed.join(', ')})` : ''}`,
);
console.log(
  `requests: ${requests} (${outcomes.ok} ok, ${outcomes.unknown} unknown, ${outcomes['not applied']} not applied, ` +
    `${outcomes.unexpected} unexpected); ${operations} operations checked for linearizability`,
);
console.log(`fault mix exercised: ${mix.join(', ')}`);
console.log(`fault kinds not exercised: ${missing.length === 0 ? 'none' : missing.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
