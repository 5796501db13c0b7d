// Builds the Electron main process into one ES module, out/main/index.js (package.json "main"):
// everything it imports is bundled except Electron itself, so the packaged app needs no
// node_modules. `npm run build:main`.

import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

export const mainEntry = fileURLToPath(new URL('../out/main/index.js', import.meta.url));

export async function buildMain(): Promise<void> {
  await build({
    input: fileURLToPath(new URL('../main/index.ts', import.meta.url)),
    platform: 'node',
    external: ['electron'],
    logLevel: 'warn',
    output: { file: mainEntry, format: 'esm' },
  });
}

if (import.meta.main) await buildMain();
