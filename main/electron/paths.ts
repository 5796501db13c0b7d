// Where the desktop app finds its parts, from the path of the bundled main script
// (out/main/index.js). In a packaged app that file is inside resources/app.asar; the member
// process entry is not: members are forked as plain Node processes, which need a real file, so
// electron-builder unpacks out/main/node/** (asarUnpack) to resources/app.asar.unpacked.

import { dirname, join, relative, sep, isAbsolute } from 'node:path';

export interface AppPaths {
  /** out/: what the build writes and the app ships. */
  readonly outDir: string;
  /** The sandboxed preload, one CommonJS file. */
  readonly preload: string;
  /** The built renderer (Vite): the only pages the window may show. */
  readonly rendererDir: string;
  readonly rendererIndex: string;
  /** The member process bundle, outside app.asar when packaged. */
  readonly memberEntry: string;
}

/** Replace an `app.asar` path segment by `app.asar.unpacked` (the path is unchanged when there is none). */
export function unpackedPath(path: string, separator: string = sep): string {
  const parts = path.split(separator);
  const i = parts.lastIndexOf('app.asar');
  if (i < 0) return path;
  parts[i] = 'app.asar.unpacked';
  return parts.join(separator);
}

/** The app's paths for a main script at `mainFile` (…/out/main/index.js). */
export function appPaths(mainFile: string): AppPaths {
  const outDir = dirname(dirname(mainFile));
  const rendererDir = join(outDir, 'renderer');
  return {
    outDir,
    preload: join(outDir, 'preload', 'index.cjs'),
    rendererDir,
    rendererIndex: join(rendererDir, 'index.html'),
    memberEntry: unpackedPath(join(outDir, 'main', 'node', 'node-main.js')),
  };
}

/** Whether `file` is strictly inside `dir` (after normalisation: no `..` escapes, not `dir` itself). */
export function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}
