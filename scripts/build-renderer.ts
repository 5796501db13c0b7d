// Builds the renderer (renderer/ -> out/renderer) with the project's vite.config.ts: what Electron
// loads and `npm run web` serves. `npm run build:renderer` always builds; `npm run web` and the
// end-to-end tests build only when the output is missing or older than its sources (about a second).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'vite.config.ts');
export const rendererIndex = join(root, 'out', 'renderer', 'index.html');

/** Why the built renderer cannot be used (missing, or older than a source), or null. */
export function rendererBuildProblem(): string | null {
  if (!existsSync(rendererIndex)) return 'the renderer is not built';
  const built = statSync(rendererIndex).mtimeMs;
  const sources = [configFile];
  // The renderer bundles main/shared (the contract, its pure helpers, the bridge, the session file) too.
  for (const dir of ['renderer', join('main', 'shared')])
    for (const f of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }))
      sources.push(join(root, dir, f));
  const stale = sources.find((f) => existsSync(f) && statSync(f).isFile() && statSync(f).mtimeMs > built);
  return stale === undefined ? null : `the renderer build is older than ${stale.slice(root.length)}`;
}

export async function buildRenderer(): Promise<void> {
  // Loaded only to build: importing vite costs `npm run web` ~120 ms of its start-up otherwise.
  const { build } = await import('vite');
  await build({ configFile, logLevel: 'warn' });
}

/** Build the renderer if it is missing or stale. */
export async function ensureRendererBuild(): Promise<void> {
  if (rendererBuildProblem() !== null) await buildRenderer();
}

if (import.meta.main) await buildRenderer();
