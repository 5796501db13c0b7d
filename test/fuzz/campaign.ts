// `npm run fuzz -- --runs N [--seed S] [name ...]`: a longer fuzzing campaign than `npm test` runs,
// N runs of every property (or only of the files whose names contain one of the names), from a
// random seed unless one is given. The seed is printed first, and again by any failure.

import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const usage = 'usage: npm run fuzz -- --runs N [--seed S] [name ...]   e.g. npm run fuzz -- --runs 100000 wal';

function main(): Promise<number> {
  let values: { runs?: string; seed?: string; help?: boolean };
  let names: string[];
  try {
    const parsed = parseArgs({
      options: { runs: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    values = parsed.values;
    names = parsed.positionals;
  } catch (e) {
    process.stderr.write(`npm run fuzz: ${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
    return Promise.resolve(2);
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return Promise.resolve(0);
  }
  const runs = values.runs ?? '10000';
  const seed = values.seed ?? String(randomInt(2 ** 31));
  if (!/^\d{1,9}$/.test(runs) || Number(runs) < 1 || !/^-?\d{1,15}$/.test(seed)) {
    process.stderr.write(`npm run fuzz: --runs must be a whole number from 1, --seed a whole number\n${usage}\n`);
    return Promise.resolve(2);
  }
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts') && (names.length === 0 || names.some((n) => f.includes(n))))
    .map((f) => `${dir}${f}`);
  if (files.length === 0) {
    process.stderr.write(`npm run fuzz: no fuzzer matches ${names.join(', ')}\n`);
    return Promise.resolve(2);
  }
  process.stdout.write(`fuzzing ${files.length} file(s), ${runs} runs per property, FUZZ_SEED=${seed}\n`);
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

process.exitCode = await main();
