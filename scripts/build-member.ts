// Builds the member process into one file (out/main/node/node-main.js), which is what the
// supervisor runs and what the packaged app ships. `npm run build:member`, `npm test` and the
// `web` / `cluster` scripts all build it the same way, here.

import { fileURLToPath } from 'node:url';
import { defaultMemberEntry, memberBundleProblem } from '../main/cluster/spawn.ts';

export async function buildMember(): Promise<void> {
  // Loaded only to build, like vite in build-renderer.ts.
  const { build } = await import('rolldown');
  await build({
    input: fileURLToPath(new URL('../main/node/node-main.ts', import.meta.url)),
    platform: 'node',
    logLevel: 'warn',
    output: { file: defaultMemberEntry, format: 'esm' },
  });
}

/** Build the member bundle if it is missing or older than its sources. */
export async function ensureMemberBundle(): Promise<void> {
  if (memberBundleProblem() !== null) await buildMember();
}

if (import.meta.main) await buildMember();
