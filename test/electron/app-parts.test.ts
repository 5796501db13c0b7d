// The smaller parts of the Electron main process: where the app finds its files (packaged and
// not), and quitting only after the cluster has stopped.

import assert from 'node:assert/strict';
import { join, posix, win32 } from 'node:path';
import { test } from 'node:test';
import { quitGate } from '../../main/electron/lifecycle.ts';
import { appPaths, isInside, unpackedPath } from '../../main/electron/paths.ts';

test('in a checkout, the parts are under out/', () => {
  const root = join('/home', 'me', 'raft-society');
  const p = appPaths(join(root, 'out', 'main', 'index.js'));
  assert.equal(p.preload, join(root, 'out', 'preload', 'index.cjs'));
  assert.equal(p.rendererIndex, join(root, 'out', 'renderer', 'index.html'));
  assert.equal(p.memberEntry, join(root, 'out', 'main', 'node', 'node-main.js'));
});

test('packaged, the member entry is the unpacked copy beside app.asar; the rest stays in it', () => {
  const resources = join('/opt', 'Raft Society', 'resources');
  const p = appPaths(join(resources, 'app.asar', 'out', 'main', 'index.js'));
  assert.equal(p.memberEntry, join(resources, 'app.asar.unpacked', 'out', 'main', 'node', 'node-main.js'));
  assert.equal(p.preload, join(resources, 'app.asar', 'out', 'preload', 'index.cjs'));
  assert.equal(p.rendererDir, join(resources, 'app.asar', 'out', 'renderer'));
});

test('unpackedPath changes the app.asar segment only, on either platform', () => {
  assert.equal(
    unpackedPath('C:\\Program Files\\Raft Society\\resources\\app.asar\\out\\main\\node\\node-main.js', win32.sep),
    'C:\\Program Files\\Raft Society\\resources\\app.asar.unpacked\\out\\main\\node\\node-main.js',
  );
  assert.equal(unpackedPath('/x/app.asar.d/app.asar/y', posix.sep), '/x/app.asar.d/app.asar.unpacked/y');
  assert.equal(unpackedPath('/x/my-app.asar/y', posix.sep), '/x/my-app.asar/y');
});

test('isInside: strictly inside, no escapes', () => {
  assert.ok(isInside('/a/b/c.html', '/a/b'));
  assert.ok(isInside('/a/b/..c/d', '/a/b'), 'a name starting with .. is not an escape');
  assert.ok(!isInside('/a/b', '/a/b'));
  assert.ok(!isInside('/a/b/../c', '/a/b'));
  assert.ok(!isInside('/a/bc/d', '/a/b'));
});

test('quitting waits for the cluster to stop, then quits once', async () => {
  let quits = 0;
  let release: () => void = () => undefined;
  const stopping = new Promise<void>((r) => (release = r));
  let stops = 0;
  const gate = quitGate(
    () => {
      stops++;
      return stopping;
    },
    () => {
      quits++;
    },
  );
  let prevented = 0;
  const event = {
    preventDefault: () => {
      prevented++;
    },
  };
  gate.onWillQuit(event);
  gate.onWillQuit(event); // asked again while stopping: still held, stop not run twice
  assert.equal(prevented, 2);
  assert.equal(stops, 1);
  assert.equal(quits, 0);
  release();
  await gate.stopped;
  assert.equal(quits, 1);
  gate.onWillQuit(event); // the quit it asked for goes through
  assert.equal(prevented, 2);
});

test('a stop that hangs does not keep the app open', async () => {
  let quits = 0;
  const gate = quitGate(
    () => new Promise<void>(() => undefined),
    () => {
      quits++;
    },
    50,
  );
  gate.onWillQuit({ preventDefault: () => undefined });
  await gate.stopped;
  assert.equal(quits, 1);
});
