// npm run bench [-- --quick] [--only a,b] [--trials N] [--seconds S] [--no-doc] [--report DIR]
//
// Runs the benchmarks of docs/benchmarks.md (not part of npm test): failover (the Raft paper's
// Figure 16), durable write throughput against etcd, footprint and start-up, scale, UI frames,
// CPU profiles. Raw results go to bench-results/<time>/results.json with the charts; the latest
// run's results and charts are copied to docs/benchmarks/ and docs/benchmarks.md is regenerated.

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { ensureMemberBundle } from './build-member.ts';
import { ensureRendererBuild } from './build-renderer.ts';
import { chartSpecs, renderCharts } from './bench/charts.ts';
import { runFailover } from './bench/failover.ts';
import { runFootprint, runStartup } from './bench/footprint.ts';
import { procAvailable } from './bench/proc.ts';
import { runProfiles } from './bench/profile.ts';
import { renderReport } from './bench/report.ts';
import { compactJson, loadNow, machineAtStart, type BenchResults, type Mode, type Skipped } from './bench/results.ts';
import { runScale } from './bench/scale.ts';
import { runThroughput } from './bench/throughput.ts';
import { runUi } from './bench/ui.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const docsDir = join(root, 'docs', 'benchmarks');
const docPath = join(root, 'docs', 'benchmarks.md');

const benchmarks = ['failover', 'throughput', 'footprint', 'startup', 'scale', 'ui', 'profile'] as const;
type Benchmark = (typeof benchmarks)[number];

/** How much of everything each mode runs. */
const modes = {
  quick: {
    trials: 100,
    seconds: 10,
    rounds: 1,
    idleSeconds: 10,
    startups: 3,
    scaleSeconds: 3,
    uiSeconds: 10,
    uiSamples: 5,
    profileSeconds: 5,
  },
  full: {
    trials: 1000,
    seconds: 10,
    rounds: 3,
    idleSeconds: 30,
    startups: 10,
    scaleSeconds: 10,
    uiSeconds: 30,
    uiSamples: 20,
    profileSeconds: 10,
  },
} as const;

const usage = `usage: npm run bench -- [--quick] [--only ${benchmarks.join(',')}] [--trials N] [--seconds S] [--no-doc] [--report DIR]
  --quick       100 failover trials per range, one 10 s throughput run per system and concurrency (< 10 min on 2 cores)
  (default)     the full mode: 1,000 trials per range, 3 runs each (about an hour)
  --only LIST   run only these benchmarks
  --trials N    failover trials per range (a custom run)
  --seconds S   seconds per throughput run (a custom run)
  --no-doc      leave docs/benchmarks.md and docs/benchmarks/ alone (results still go to bench-results/)
  --report DIR  regenerate the charts and docs/benchmarks.md from DIR/results.json, run nothing`;

function log(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Run one benchmark; a failure is recorded as the reason it has no numbers, and the run goes on. */
async function attempt<T>(
  name: Benchmark,
  selected: ReadonlySet<Benchmark>,
  run: () => Promise<T>,
): Promise<T | Skipped | null> {
  if (!selected.has(name)) return null;
  const started = Date.now();
  log(`${name}: starting`);
  try {
    const result = await run();
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`${name}: FAILED: ${why}`);
    return { skipped: `failed: ${why}` };
  }
}

/** Charts into `dir`/charts, and (unless told not to) the results and charts into docs/. */
async function publish(results: BenchResults, dir: string, updateDoc: boolean): Promise<void> {
  const specs = chartSpecs(results);
  const charts = await renderCharts(specs, join(dir, 'charts'));
  if (!updateDoc) return;
  rmSync(docsDir, { recursive: true, force: true });
  mkdirSync(docsDir, { recursive: true });
  copyFileSync(join(dir, 'results.json'), join(docsDir, 'results.json'));
  for (const c of charts) copyFileSync(c, join(docsDir, c.slice(c.lastIndexOf('/') + 1)));
  // Formatted as the repository formats Markdown, so that the generated page passes `npm run lint`.
  const options = await resolveConfig(docPath);
  writeFileSync(docPath, await format(renderReport(results), { ...options, parser: 'markdown' }));
  log(`wrote ${docPath} and ${docsDir}/`);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      trials: { type: 'string' },
      seconds: { type: 'string' },
      'no-doc': { type: 'boolean' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.report !== undefined) {
    const results = JSON.parse(readFileSync(join(values.report, 'results.json'), 'utf8')) as BenchResults;
    await publish(results, values.report, true);
    return 0;
  }
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...benchmarks];
  const unknown = only.filter((b) => !(benchmarks as readonly string[]).includes(b));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; there are ${benchmarks.join(', ')}`);
  const selected = new Set(only as Benchmark[]);
  const count = (raw: string | undefined, name: string): number | undefined => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`--${name} must be a whole number >= 1, got "${raw}"`);
    return Number(raw);
  };
  const base = values.quick === true ? modes.quick : modes.full;
  const trials = count(values.trials, 'trials') ?? base.trials;
  const seconds = count(values.seconds, 'seconds') ?? base.seconds;
  const custom = trials !== base.trials || seconds !== base.seconds || selected.size < benchmarks.length;
  const mode: Mode = custom ? 'custom' : values.quick === true ? 'quick' : 'full';
  const m = { ...base, trials, seconds };

  const startedAt = new Date();
  const dir = join(root, 'bench-results', startedAt.toISOString().replaceAll(':', '-').slice(0, 19));
  mkdirSync(dir, { recursive: true });
  const machine = machineAtStart();
  log(`${mode} run into ${dir}; load average ${machine.loadAtStart.join(', ')} on ${machine.cores} cores`);
  await ensureMemberBundle();
  await ensureRendererBuild();
  const linuxOnly = (name: string): Skipped => ({ skipped: `${name} reads /proc, which only Linux has` });

  const failover = await attempt('failover', selected, () => runFailover(m.trials, log));
  const throughput = await attempt('throughput', selected, () =>
    runThroughput({ seconds: m.seconds, rounds: m.rounds, concurrencies: [1, 16, 64] }, log),
  );
  const footprint = procAvailable
    ? await attempt('footprint', selected, () => runFootprint(m.idleSeconds, log))
    : linuxOnly('footprint');
  const startup = await attempt('startup', selected, () => runStartup(m.startups, log));
  const scale = procAvailable
    ? await attempt('scale', selected, () => runScale(m.scaleSeconds, log))
    : linuxOnly('scale');
  const ui = await attempt('ui', selected, () => runUi(m.uiSeconds, m.uiSamples, log));
  const profile = await attempt('profile', selected, () => runProfiles(m.profileSeconds, log));

  const results: BenchResults = {
    version: 1,
    mode,
    startedAt: startedAt.toISOString(),
    wallSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadAtEnd: loadNow() },
    failover,
    throughput,
    footprint,
    startup,
    scale,
    ui,
    profile,
  };
  writeFileSync(join(dir, 'results.json'), `${compactJson(results)}\n`);
  log(`results in ${join(dir, 'results.json')} after ${(results.wallSeconds / 60).toFixed(1)} minutes`);
  await publish(results, dir, values['no-doc'] !== true);
  return [failover, throughput, footprint, startup, scale, ui, profile].some(
    (x) => x !== null && 'skipped' in x && x.skipped.startsWith('failed'),
  )
    ? 1
    : 0;
}

process.exit(await main(process.argv.slice(2)));
