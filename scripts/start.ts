// `npm start`: build, then open the desktop app. Where Electron's binary cannot be had (it is not
// installed and cannot be downloaded: Electron fetches it from GitHub on first use), say so in one
// line and serve the same app in browser mode instead: `npm run web` with its options (any given
// after `--`, e.g. `npm start -- --port 0`), showing the built renderer when there is one.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main as web } from '../main/server/web.ts';
import { onOrphaned } from '../main/server/orphan.ts';
import { buildAll, root } from './build.ts';
import { electronBinary, installElectron } from './electron-binary.ts';

/** How long to let Electron's installer try to download the binary (it fails in well under a second offline). */
const INSTALL_TIMEOUT_MS = 60_000;

const args = process.argv.slice(2);
await buildAll({ quiet: true, onlyStale: true });

let binary = electronBinary();
let why = 'not installed';
if (binary === null) {
  const failure = installElectron(INSTALL_TIMEOUT_MS);
  binary = electronBinary();
  if (failure !== null) why = `not installed, and the download failed: ${failure}`;
}

if (binary === null) {
  const rendererDir = join(root, 'out', 'renderer');
  const ui =
    existsSync(join(rendererDir, 'index.html')) && !args.some((a) => a === '--static' || a.startsWith('--static='));
  process.stdout.write(
    `npm start: Electron's binary is ${why}; serving the same app in browser mode instead (open the URL below).\n`,
  );
  process.exit(await web(ui ? ['--static', rendererDir, ...args] : args));
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const app = spawn(binary, [root], { cwd: root, stdio: 'inherit', env });
const forward = (signal: NodeJS.Signals): void => {
  if (app.exitCode === null && app.signalCode === null) app.kill(signal);
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
// npm forwards SIGTERM to its shell only: losing our parent means the same.
onOrphaned(() => {
  forward('SIGTERM');
});
app.once('error', (e) => {
  process.stderr.write(`npm start: cannot run Electron (${binary}): ${e.message}\n`);
  process.exit(1);
});
app.once('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
