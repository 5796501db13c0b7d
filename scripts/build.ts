// `npm run build`: everything the desktop app runs, into out/: the member process
// (out/main/node/node-main.js), the Electron main process (out/main/index.js), the preload
// (out/preload/index.cjs) and, when the project has a `build:renderer` script, the renderer
// (out/renderer/). `npm start` and the tests build only what is older than its sources, so that
// tests running side by side never rewrite a file another one is using. Packaging also needs
// `npm run build:icons`.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMain, mainEntry } from './build-main.ts';
import { buildMember, ensureMemberBundle } from './build-member.ts';
import { buildPreload, preloadEntry } from './build-preload.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const rendererIndex = join(root, 'out', 'renderer', 'index.html');

/** What each output is built from (files or folders, relative to the root). */
const sources = {
  main: ['main', 'package-lock.json'],
  preload: ['preload', 'main/shared', 'main/electron/messages.ts', 'package-lock.json'],
  renderer: ['renderer', 'main/shared', 'main/statemachine', 'vite.config.ts', 'package-lock.json'],
};

/** The newest modification time among these files and everything under these folders. */
function newest(paths: readonly string[]): number {
  let latest = 0;
  for (const p of paths) {
    const full = join(root, p);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st === undefined) continue;
    latest = Math.max(latest, st.mtimeMs);
    if (st.isDirectory())
      for (const f of readdirSync(full, { recursive: true, encoding: 'utf8' }))
        latest = Math.max(latest, statSync(join(full, f)).mtimeMs);
  }
  return latest;
}

/** Whether `output` is missing or older than any of its sources. */
export function stale(output: string, inputs: readonly string[]): boolean {
  const st = statSync(output, { throwIfNoEntry: false });
  return st === undefined || st.mtimeMs < newest(inputs);
}

/** Whether package.json defines this npm script. */
export function hasScript(name: string): boolean {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return pkg.scripts?.[name] !== undefined;
}

/** Run `npm run <name>`; with `quiet`, its output is shown only if it fails. */
export function npmRun(name: string, quiet: boolean): void {
  const windows = process.platform === 'win32';
  const r = spawnSync(windows ? 'npm.cmd' : 'npm', ['run', '--silent', name], {
    cwd: root,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    shell: windows,
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout}${r.stderr}`);
    throw new Error(`npm run ${name} failed (${r.status ?? r.signal ?? r.error?.message})`);
  }
}

export interface BuildOptions {
  /** Show the renderer build's output only if it fails. */
  readonly quiet?: boolean;
  /** Build only the outputs that are missing or older than their sources. */
  readonly onlyStale?: boolean;
}

export interface BuildReport {
  /** Whether there is a renderer (false: the project has no build:renderer script yet). */
  readonly renderer: boolean;
}

export async function buildAll(options: BuildOptions = {}): Promise<BuildReport> {
  const all = options.onlyStale !== true;
  await Promise.all([
    all ? buildMember() : ensureMemberBundle(),
    all || stale(mainEntry, sources.main) ? buildMain() : null,
    all || stale(preloadEntry, sources.preload) ? buildPreload() : null,
  ]);
  const renderer = hasScript('build:renderer');
  if (renderer && (all || stale(rendererIndex, sources.renderer))) npmRun('build:renderer', options.quiet ?? false);
  return { renderer: renderer && existsSync(rendererIndex) };
}

if (import.meta.main) {
  const { renderer } = await buildAll();
  if (!renderer) process.stderr.write('npm run build: no build:renderer script yet; built member, main, preload\n');
}
