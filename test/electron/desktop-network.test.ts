// The desktop app opens no network port: its society (main/electron/society.ts) and the IPC door
// are started as main/index.ts starts them, and then the kernel's own tables (Linux /proc) are
// asked which TCP or UDP sockets this process and every member process listen on. None. The
// check is shown to work by finding a listener opened on purpose. And the main process's code
// does not even import the web server.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultMemberEntry } from '../../main/cluster/spawn.ts';
import { SocietyIpc, type SenderEvent } from '../../main/electron/ipc.ts';
import { desktopSociety } from '../../main/electron/society.ts';
import { ensureMemberBundle } from '../../scripts/build-member.ts';
import { listenersOf } from '../lib/listeners.ts';

const linux = process.platform === 'linux';
const mainEntry = fileURLToPath(new URL('../../main/index.ts', import.meta.url));
const rendererDir = join(tmpdir(), 'raft-society-app', 'out', 'renderer');

test('the listener check finds a TCP port opened on purpose', { skip: !linux }, async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const mine = listenersOf([process.pid]);
    assert.ok(
      mine.some((l) => l.proto === 'tcp' && l.port === port && l.address === '127.0.0.1'),
      JSON.stringify(mine),
    );
  } finally {
    await new Promise((r) => server.close(r));
  }
  assert.deepEqual(listenersOf([process.pid]), []);
});

test('the desktop society and its IPC door listen on no TCP or UDP port', { skip: !linux }, async (t) => {
  await ensureMemberBundle();
  const userData = mkdtempSync(join(tmpdir(), 'rs-desktop-'));
  const { supervisor } = desktopSociety(userData, defaultMemberEntry);
  const contents = {
    id: 1,
    mainFrame: {
      url: `file://${rendererDir}/index.html`,
      parent: null,
      frameTreeNodeId: 1,
      processId: 1,
      detached: false,
    },
    isDestroyed: () => false,
    send: () => undefined,
  };
  const ipc = new SocietyIpc(supervisor, () => ({ contents, rendererDir }));
  t.after(async () => {
    ipc.close('test over');
    await supervisor.stop();
    rmSync(userData, { recursive: true, force: true });
  });
  await supervisor.start();
  assert.notEqual(await supervisor.waitForLeader(10_000), null, 'a chairman');
  const window: SenderEvent = { sender: { id: 1 }, senderFrame: contents.mainFrame };
  ipc.subscribe(window, { id: 1 });
  const set = await ipc.execute(window, { name: 'kv', input: { op: 'set', key: 'gate', value: 'green' } });
  assert.equal(set.status, 200, JSON.stringify(set.body));

  const members = supervisor.view().nodes.map((n) => n.pid!);
  assert.equal(members.length, 5);
  assert.deepEqual(listenersOf([process.pid, ...members]), [], 'no process of the desktop app listens on the network');
});

/** Every module main/index.ts loads, following relative imports (type-only imports load nothing). */
function moduleGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm),
    ].map((m) => m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) queue.push(resolve(dirname(file), s));
  }
  return graph;
}

test('the main process does not load the web server or any network module', () => {
  const graph = moduleGraph(mainEntry);
  const root = resolve(dirname(mainEntry));
  assert.ok(graph.has(join(root, 'cluster', 'supervisor.ts')), 'the walk reaches the supervisor');
  const server = [...graph.keys()].filter((f) => f.startsWith(join(root, 'server')));
  assert.deepEqual(server, [], 'main/server/ is the browser door only');
  const network = ['node:http', 'node:https', 'node:http2', 'node:net', 'node:tls', 'node:dgram', 'ws'];
  for (const [file, specifiers] of graph)
    for (const s of specifiers) assert.ok(!network.includes(s), `${file} imports ${s}`);
});
