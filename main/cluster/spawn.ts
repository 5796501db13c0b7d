// How a member process is started: one code path for plain Node (tests, `npm run web`) and for
// Electron, where process.execPath is the Electron binary and ELECTRON_RUN_AS_NODE makes it a
// plain Node runtime (the same Node 24 that runs the app).

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The member process runs from one bundled file (`npm run build:member`): from the TypeScript
 * sources a cold start of five members took 1.0-1.6 s before the first election, bundled 0.3-0.5 s.
 * The packaged app ships the same file.
 */
export const defaultMemberEntry = fileURLToPath(new URL('../../out/main/node/node-main.js', import.meta.url));
const sourceRoot = fileURLToPath(new URL('..', import.meta.url));

/** Node's on-disk code cache: members start often (every restart), so compile them once. */
export const defaultCompileCache = join(tmpdir(), 'raft-society-compile-cache');

/** The folders the member bundle is built from (node-main and what it imports). */
const memberSources = ['node', 'raft', 'replica', 'shared', 'statemachine'];

/** Why the member bundle cannot be used (missing, or older than the sources it was built from), or null. */
export function memberBundleProblem(entry: string = defaultMemberEntry): string | null {
  if (!existsSync(entry)) return `the member process bundle ${entry} is missing: run \`npm run build:member\``;
  if (entry !== defaultMemberEntry || !existsSync(join(sourceRoot, 'node'))) return null;
  const built = statSync(entry).mtimeMs;
  for (const dir of memberSources) {
    const files = readdirSync(join(sourceRoot, dir), { recursive: true, encoding: 'utf8' });
    const stale = files.find((f) => f.endsWith('.ts') && statSync(join(sourceRoot, dir, f)).mtimeMs > built);
    if (stale !== undefined)
      return `the member process bundle is older than main/${dir}/${stale}: run \`npm run build:member\``;
  }
  return null;
}

export function spawnMember(
  entry: string = defaultMemberEntry,
  compileCache: string = defaultCompileCache,
): ChildProcess {
  return fork(entry, [], {
    execPath: process.execPath,
    // Not the parent's flags (a test runner's, an inspector's): a member is a clean process.
    execArgv: [],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_COMPILE_CACHE: compileCache },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
}
