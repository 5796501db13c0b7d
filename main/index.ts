// The Electron main process: one window, one cluster. It only wires Electron's objects to the
// tested parts in main/electron/ (security rules, the IPC door, paths, quitting) and to the
// Supervisor. Bundled to out/main/index.js (`npm run build:main`), the app's entry.

import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { SocietyIpc, type TrustedWindow } from './electron/ipc.ts';
import { quitGate } from './electron/lifecycle.ts';
import { appPaths } from './electron/paths.ts';
import { hardenContents, hardenSession, windowOptions } from './electron/security.ts';
import { desktopSociety } from './electron/society.ts';

const paths = appPaths(fileURLToPath(import.meta.url));
const say = (line: string): void => void process.stderr.write(`Raft Society: ${line}\n`);

function fail(title: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  say(`${title}: ${message}`);
  dialog.showErrorBox(title, message);
  app.quit();
}

async function run(): Promise<void> {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => {
    hardenContents(contents);
  });
  await app.whenReady();
  hardenSession(session.defaultSession, paths.rendererDir);

  const { supervisor, dataDir } = desktopSociety(app.getPath('userData'), paths.memberEntry);
  let window: BrowserWindow | null = null;
  let trusted: TrustedWindow | null = null;
  const ipc = new SocietyIpc(supervisor, () => trusted, {
    onRefused: (channel, why) => {
      say(`refused a message on ${channel}: ${why}`);
    },
  });
  const detach = ipc.attach(ipcMain);

  const gate = quitGate(
    async () => {
      ipc.close('the app is quitting');
      detach();
      await supervisor.stop();
    },
    () => {
      app.quit();
    },
  );
  app.on('will-quit', gate.onWillQuit);
  app.on('window-all-closed', () => {
    app.quit();
  });
  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      app.quit();
    });

  window = new BrowserWindow(windowOptions(paths.preload));
  const contents = window.webContents;
  trusted = { contents, rendererDir: paths.rendererDir };
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    ipc.forget(contents.id);
    trusted = null;
    window = null;
  });
  // A reload starts the page over: its subscriptions went with the old one.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) ipc.forget(contents.id);
  });
  contents.on('render-process-gone', (_event, details) => {
    say(`the window's renderer is gone (${details.reason}); stopping the cluster`);
    app.quit();
  });

  say(`data in ${dataDir}`);
  await Promise.all([
    window.loadFile(paths.rendererIndex).catch((e: unknown) => {
      fail('Raft Society cannot show its window', e);
    }),
    supervisor.start().catch((e: unknown) => {
      fail('Raft Society cannot start the cluster', e);
    }),
  ]);
}

// `--user-data-dir=DIR` keeps a society apart from the user's own (the end-to-end test uses it).
// Set before the single-instance lock, which is taken per user data directory.
const userData = app.commandLine.getSwitchValue('user-data-dir');
if (userData !== '') app.setPath('userData', userData);

if (app.requestSingleInstanceLock()) {
  run().catch((e: unknown) => {
    fail('Raft Society cannot start', e);
  });
} else {
  // Another window already runs this society (its members hold the data directory): show that one.
  app.quit();
}
