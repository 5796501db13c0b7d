// Builds the preload into one CommonJS file, out/preload/index.cjs: a sandboxed preload cannot
// load ES modules or other files, only `require('electron')`. `npm run build:preload`.

import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

export const preloadEntry = fileURLToPath(new URL('../out/preload/index.cjs', import.meta.url));

export async function buildPreload(file: string = preloadEntry): Promise<void> {
  await build({
    input: fileURLToPath(new URL('../preload/index.ts', import.meta.url)),
    platform: 'browser',
    external: ['electron'],
    logLevel: 'warn',
    output: { file, format: 'cjs', codeSplitting: false },
  });
}

if (import.meta.main) await buildPreload();
