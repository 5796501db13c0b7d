// Where the Electron executable is, if it is installed. Since Electron 42 the npm package holds no
// binary: it is downloaded (from GitHub) on first use, by node_modules/electron/install.js, which
// writes dist/ and path.txt. Requiring the `electron` package from plain Node would start that
// download and wait for it, so `npm start` and the tests look at the files instead.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const electronPackageDir = fileURLToPath(new URL('../node_modules/electron', import.meta.url));

/** The Electron executable, or null when it is not installed (the same rules as the package's index.js). */
export function electronBinary(
  dir: string = electronPackageDir,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | null {
  let relative: string | null = null;
  try {
    relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    // not installed
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const full = join(override, relative ?? 'electron');
    return existsSync(full) ? full : null;
  }
  if (relative === null || relative === '') return null;
  const full = join(dir, 'dist', relative);
  return existsSync(full) ? full : null;
}

/**
 * Try Electron's own installer once, for at most `timeoutMs`. Returns null on success, or why it
 * failed in a few words (the installer's first error line, or the timeout).
 */
export function installElectron(timeoutMs: number, dir: string = electronPackageDir): string | null {
  const installer = join(dir, 'install.js');
  if (!existsSync(installer)) return `the electron package is not installed (${dir})`;
  const r = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: timeoutMs, stdio: 'pipe' });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return `the download did not finish within ${Math.round(timeoutMs / 1000)} s`;
  if (r.status === 0 && electronBinary(dir) !== null) return null;
  const first = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return first ?? `the installer exited with ${r.status ?? r.signal ?? 'an error'}`;
}
