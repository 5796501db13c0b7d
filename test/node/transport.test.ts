// Two members' transports on real sockets: a message larger than a frame (a snapshot of a big
// society) crosses in pieces and arrives whole; one larger than any message may be is dropped with
// the reason, never crashing the sender; pieces out of order are refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IPCModule } from 'node-ipc';
import type { Telemetry } from '../../main/node/control-protocol.ts';
import { socketPath } from '../../main/node/socket-path.ts';
import { MAX_MESSAGE_BYTES, Transport } from '../../main/node/transport.ts';
import type { Message } from '../../main/raft/types.ts';
import { waitFor } from '../cluster/harness.ts';

interface Member {
  readonly transport: Transport;
  readonly received: Message[];
  readonly telemetry: Telemetry[];
}

async function pair(t: { after: (fn: () => void) => void }): Promise<[Member, Member, string]> {
  const dir = mkdtempSync(join(tmpdir(), 'rs-transport-'));
  const members = [1, 2].map((self): Member => {
    const received: Message[] = [];
    const telemetry: Telemetry[] = [];
    const transport = new Transport({
      self,
      socketDir: dir,
      path: socketPath(dir, self),
      messageTelemetry: true,
      onMessage: (m) => received.push(m),
      onTelemetry: (e) => telemetry.push(e),
    });
    return { transport, received, telemetry };
  });
  t.after(() => {
    for (const m of members) m.transport.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const m of members) await m.transport.start();
  const peers = [1, 2].map((id) => ({ id, path: socketPath(dir, id) }));
  for (const m of members) m.transport.setPeers(peers);
  return [members[0]!, members[1]!, dir];
}

/** A snapshot whose state image (a real one: members check it) is about `bytes` long. */
function snapshot(bytes: number): Message {
  const value = 'é'.repeat(1000); // 2000 bytes of UTF-8
  const kv = Array.from({ length: Math.ceil(bytes / 2000) }, (_, i) => [`key${i}`, value]);
  const data = JSON.stringify({ applied: 10, kv, decisions: [], sessions: [] });
  return {
    type: 'snapshot',
    from: 1,
    to: 2,
    term: 3,
    snapshot: { index: 10, term: 3, membership: { voters: [1, 2], learners: [] }, data },
  };
}

test('a snapshot larger than a frame arrives whole, in pieces; one larger than a message may be is dropped', async (t) => {
  const [a, b] = await pair(t);
  const big = snapshot(5 * 1024 * 1024);
  a.transport.send(big);
  await waitFor('the 5 MiB snapshot', () => b.received.length === 1, 10_000);
  assert.deepEqual(b.received[0], big);

  const huge = snapshot(MAX_MESSAGE_BYTES + 2);
  a.transport.send(huge);
  const small: Message = { type: 'heartbeat', from: 1, to: 2, term: 3, commit: 0, readContext: 0 };
  a.transport.send(small);
  await waitFor('the heartbeat after it', () => b.received.length === 2, 10_000);
  assert.deepEqual(b.received[1], small);
  const dropped = a.telemetry.find((e) => e.k === 'msg' && e.phase === 'dropped');
  assert.match(JSON.stringify(dropped), /snapshot of \d+ bytes is larger than a message may be/);
  assert.deepEqual(
    b.telemetry.filter((e) => e.k === 'frame'),
    [],
  );
});

test('pieces that do not follow each other are refused, and the connection closed', async (t) => {
  const [, b, dir] = await pair(t);
  const raw = new IPCModule();
  Object.assign(raw.config, { silent: true, parser: 'guarded', appspace: '', id: 'raw', maxRetries: 0 });
  t.after(() => {
    raw.disconnect('n2');
  });
  await new Promise<void>((resolve) => {
    raw.connectTo('n2', socketPath(dir, 2), () => raw.of.n2!.on('connect', () => resolve()));
  });
  raw.of.n2!.emit('hello', { from: 1 });
  raw.of.n2!.emit('piece', { id: 7, part: 1, parts: 2, data: Buffer.from('{"type":').toString('base64') });
  await waitFor('the refusal', () => b.telemetry.some((e) => e.k === 'frame'), 5000);
  assert.match(JSON.stringify(b.telemetry), /piece 1 of message 7 from n1 out of order/);
  assert.deepEqual(b.received, []);
});
