// The test beds' command lines (npm run sim, nemesis, crash-points, demo): --help answers with the
// usage, and an unknown or malformed option is one clear line and exit code 2, never a stack trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tools = {
  sim: '../sim/cli.ts',
  nemesis: '../../scripts/nemesis.ts',
  'crash-points': '../../scripts/crash-points.ts',
  demo: '../../scripts/demo.ts',
};
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });

for (const [name, script] of Object.entries(tools)) {
  test(`npm run ${name}: --help prints the usage; a wrong option is refused in one line`, () => {
    const help = run(script, '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^usage: npm run ${name} -- `));

    const unknown = run(script, '--bogus', '3');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, new RegExp(`^npm run ${name}: Unknown option '--bogus'\\nusage: `));
    assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');

    const malformed = run(script, '--seed', 'x');
    assert.equal(malformed.status, 2);
    assert.match(malformed.stderr, new RegExp(`^npm run ${name}: --seed must be a whole number`));
  });
}
