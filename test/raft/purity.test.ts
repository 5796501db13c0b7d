// The engine is a pure state machine (etcd-io/raft's design): no I/O, clocks, timers or ambient
// randomness, so a seed replays a run exactly and the same code runs in a node and in the simulator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '..', 'main', 'raft');
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));

/** 'node:' only as a module specifier: the engine's prose and types say "node:" innocently ("readonly node: NodeId"). */
const forbidden: readonly RegExp[] = [
  /['"`]node:/,
  /electron/,
  /Math\.random/,
  /Date\.now/,
  /new Date\b/,
  /setTimeout/,
  /setInterval/,
  /performance\.now/,
  /\bprocess\./,
  /\brequire\(/,
];

test('the engine sources exist where this test looks for them', () => {
  assert.deepEqual(
    ['log.ts', 'membership.ts', 'progress.ts', 'raft.ts', 'rawnode.ts', 'read-index.ts', 'types.ts'].filter(
      (f) => !sources.some((s) => s.file === f),
    ),
    [],
  );
});

test('main/raft uses no I/O, clock, timer or ambient randomness', () => {
  assert.ok(
    forbidden[0]?.test("import { readFileSync } from 'node:fs';"),
    'the check itself would catch a node: import',
  );
  const found = sources.flatMap(({ file, text }) =>
    forbidden.filter((re) => re.test(text)).map((re) => `${file}: ${re.source}`),
  );
  assert.deepEqual(found, []);
});

test('main/raft imports nothing but its own modules', () => {
  const imports = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({
      file,
      from: m[1] ?? '',
    })),
  );
  assert.ok(imports.length > 0);
  assert.deepEqual(
    imports.filter((i) => !/^\.\/[\w-]+\.ts$/.test(i.from)),
    [],
  );
});
