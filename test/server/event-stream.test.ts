// The stream's pacing and its protection against slow consumers, with a fake socket whose unsent
// bytes the test controls (a real one would need megabytes to fill the kernel's buffers first).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLOSE_TOO_SLOW,
  defaultStreamOptions,
  StreamClient,
  type EventStreamOptions,
  type Sink,
} from '../../main/server/event-stream.ts';
import type { ClusterDoor } from '../../main/server/http-api.ts';
import type { ClusterEvent } from '../../main/shared/contract.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class FakeSink implements Sink {
  bufferedAmount = 0;
  readonly sent: { at: number; message: { type: string; events?: ClusterEvent[] } }[] = [];
  private closedWith: { code: number; reason: string } | null = null;
  /** How the client closed it, if it did. */
  closed(): { code: number; reason: string } | null {
    return this.closedWith;
  }
  send(data: string): void {
    this.sent.push({ at: performance.now(), message: JSON.parse(data) as { type: string } });
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
}

const door = {
  execute: (name: string) => Promise.resolve({ status: 200, body: { ran: name } }),
} as unknown as ClusterDoor;

let seq = 0;
const event = (): ClusterEvent => ({ kind: 'frame', node: 1, reason: 'test', seq: ++seq, at: Date.now() });

function client(sink: Sink, o: Partial<EventStreamOptions> = {}): StreamClient {
  return new StreamClient(sink, door, 'admin', [], { ...defaultStreamOptions, ...o }, () => undefined);
}

test('a flood of events goes out in batches, at most one per batch interval', async () => {
  const sink = new FakeSink();
  const c = client(sink);
  const started = performance.now();
  while (performance.now() - started < 200) {
    for (let i = 0; i < 50; i++) c.push(event());
    await sleep(1);
  }
  await sleep(40);
  const batches = sink.sent.filter((s) => s.message.type === 'events');
  const count = batches.reduce((n, b) => n + b.message.events!.length, 0);
  assert.ok(count > 1000, `events: ${count}`);
  assert.ok(batches.length <= 240 / 16 + 1, `batches: ${batches.length}`);
  for (let i = 1; i < batches.length; i++)
    assert.ok(batches[i]!.at - batches[i - 1]!.at >= 15, `gap ${batches[i]!.at - batches[i - 1]!.at} ms`);
  c.close(1000, 'done');
});

test('a replay larger than one batch is sent in several', async () => {
  const sink = new FakeSink();
  const c = client(sink, { maxBatch: 100, batchMs: 1 });
  for (let i = 0; i < 250; i++) c.push(event());
  await sleep(50);
  assert.deepEqual(
    sink.sent.map((s) => s.message.events!.length),
    [100, 100, 50],
  );
  c.close(1000, 'done');
});

test('more than the hard limit unsent: closed with 1013', async () => {
  const sink = new FakeSink();
  const seen = { gone: false };
  const c = new StreamClient(sink, door, 'admin', [], defaultStreamOptions, () => (seen.gone = true));
  sink.bufferedAmount = 9 * 1024 * 1024;
  c.push(event());
  await sleep(30);
  assert.equal(sink.closed()?.code, CLOSE_TOO_SLOW);
  assert.match(sink.closed()!.reason, /too slow/);
  assert.ok(seen.gone && c.closed);
  c.push(event()); // ignored, no throw
});

test('above the soft limit events wait; a client that stays behind is closed with 1013', async () => {
  const sink = new FakeSink();
  const c = client(sink, { softLimitBytes: 1000, stallMs: 120 });
  sink.bufferedAmount = 5000;
  c.push(event());
  await sleep(50);
  assert.equal(sink.sent.length, 0, 'held back');
  assert.equal(sink.closed(), null);
  sink.bufferedAmount = 0; // caught up: the waiting events go out
  await sleep(40);
  assert.equal(sink.sent.length, 1);
  sink.bufferedAmount = 5000;
  c.push(event());
  await sleep(250);
  assert.equal(sink.closed()?.code, CLOSE_TOO_SLOW);
});

test('client messages: commands answered, anything else an error; a viewer is refused', async () => {
  const sink = new FakeSink();
  const c = client(sink);
  await c.receive(JSON.stringify({ type: 'command', id: 7, name: 'heal', input: {} }));
  await c.receive('{');
  await c.receive(JSON.stringify({ type: 'command', id: { nested: true }, name: 'heal' }));
  await c.receive(JSON.stringify({ type: 'command', id: 1, name: 'heal', extra: 1 }));
  assert.deepEqual(
    sink.sent.map((s) => s.message),
    [
      { type: 'result', id: 7, status: 200, body: { ran: 'heal' } },
      { type: 'error', message: 'messages must be JSON' },
      { type: 'error', message: 'expected { type: "command", id, name, input }: id: Invalid input' },
      { type: 'error', message: 'expected { type: "command", id, name, input }: Unrecognized key: "extra"' },
    ],
  );
  const viewerSink = new FakeSink();
  const viewer = new StreamClient(viewerSink, door, 'viewer', [], defaultStreamOptions, () => undefined);
  await viewer.receive(JSON.stringify({ type: 'command', id: 1, name: 'node.crash', input: { id: 1 } }));
  assert.equal((viewerSink.sent[0]!.message as unknown as { status: number }).status, 403);
  c.close(1000, 'done');
  viewer.close(1000, 'done');
});
