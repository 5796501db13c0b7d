// Fuzzing the WebSocket of `npm run web` on a real server and a real cluster, started once: bad
// commands, broken envelopes, text that is not JSON and binary messages over a real connection,
// each answered with exactly one error or refusal naming the problem; then frames that break the
// WebSocket protocol itself, written on a raw socket, after which the server hangs up. The
// society is as it was after every one, and the server takes new connections.

import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { MESSAGE_LIMIT } from '../../main/server/event-stream.ts';
import type { WebServer } from '../../main/server/web.ts';
import { connect, type WsClient } from '../server/helpers.ts';
import { invalidMutation, jsonText, mangledText, nastyString, parses } from './arbitraries.ts';
import { badCommand, refusalProblem, type Expected } from './bad-commands.ts';
import { fuzz } from './budget.ts';
import type { Baseline, WebSociety } from './society.ts';

interface BadMessage {
  readonly data: string | Buffer;
  /** A refusal (result) or an error message, and what it must name. */
  readonly answer: 'result' | 'error' | 'closed';
  readonly expected: Expected;
  readonly why: string;
}

let ids = 0;
const commands: fc.Arbitrary<BadMessage> = badCommand.map((bad) => {
  const data = jsonText({ type: 'command', id: ++ids, name: bad.name, input: bad.input });
  if (Buffer.byteLength(data) > MESSAGE_LIMIT)
    return { data, answer: 'closed', expected: { status: [1009], names: '' }, why: bad.why };
  if (!parses(data)) return { data, answer: 'error', expected: { status: [], names: 'must be JSON' }, why: bad.why };
  return { data, answer: 'result', expected: bad, why: bad.why };
});

const valid = { type: 'command', id: 7, name: 'cluster.get', input: {} };
/** A request id may be any string up to 128 characters or any number: not one of these. */
const badIds = fc.constantFrom<unknown>(true, null, [], {}, [7], { id: 7 }, 'x'.repeat(129));
const envelopes: fc.Arbitrary<BadMessage> = fc
  .oneof(
    invalidMutation(valid, { opaque: [['input'], ['id']], tags: ['type'] }),
    badIds.map((id) => ({ value: { ...valid, id }, what: `id ${JSON.stringify(id)}`, path: ['id'], names: 'id' })),
  )
  .map((m) => {
    const data = jsonText(m.value);
    const answer = Buffer.byteLength(data) > MESSAGE_LIMIT ? 'closed' : 'error';
    const names = !parses(data) ? 'must be JSON' : m.path.length === 0 ? 'expected' : m.names;
    return { data, answer, expected: { status: [1009], names: answer === 'closed' ? '' : names }, why: m.what };
  });

const notJson: fc.Arbitrary<BadMessage> = fc
  .oneof(nastyString, mangledText(JSON.stringify(valid)))
  .filter((t) => !parses(t))
  .map((data) => ({
    data,
    answer: Buffer.byteLength(data) > MESSAGE_LIMIT ? 'closed' : 'error',
    expected: { status: [1009], names: Buffer.byteLength(data) > MESSAGE_LIMIT ? '' : 'must be JSON' },
    why: `text ${JSON.stringify(data.slice(0, 40))}`,
  }));

const binary: fc.Arbitrary<BadMessage> = fc.uint8Array({ maxLength: 100 }).map((b) => ({
  data: Buffer.from(b),
  answer: 'error',
  expected: { status: [], names: 'text messages' },
  why: `${b.length} binary bytes`,
}));

/** A masked client frame: FIN, opcode, mask, payload (RFC 6455 §5.2), with room to break each part. */
function wsFrame(o: {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload: Buffer;
  masked?: boolean;
  length?: bigint;
}): Buffer {
  const head = [((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | o.opcode];
  const len = o.length ?? BigInt(o.payload.length);
  const mask = (o.masked ?? true) ? 0x80 : 0;
  const ext: number[] = [];
  if (len < 126n) head.push(mask | Number(len));
  else if (len < 65536n) {
    head.push(mask | 126);
    ext.push(Number(len >> 8n) & 0xff, Number(len) & 0xff);
  } else {
    head.push(mask | 127);
    for (let i = 7; i >= 0; i--) ext.push(Number((len >> BigInt(8 * i)) & 0xffn));
  }
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(o.payload.map((b, i) => b ^ ((o.masked ?? true) ? key[i % 4]! : 0)));
  return Buffer.concat([Buffer.from(head), Buffer.from(ext), (o.masked ?? true) ? key : Buffer.alloc(0), body]);
}

const hello = Buffer.from('{"type":"command","id":1,"name":"cluster.get","input":{}}');
/** Frames that break the protocol: the server must close the connection. */
const brokenFrames: fc.Arbitrary<{ bytes: Buffer; why: string }> = fc.oneof(
  fc.constantFrom(
    { bytes: wsFrame({ opcode: 1, payload: hello, masked: false }), why: 'an unmasked client frame' },
    { bytes: wsFrame({ opcode: 1, payload: hello, rsv: 4 }), why: 'RSV1 without an extension' },
    { bytes: wsFrame({ opcode: 1, payload: hello, rsv: 3 }), why: 'RSV2 and RSV3' },
    { bytes: wsFrame({ opcode: 3, payload: hello }), why: 'reserved opcode 3' },
    { bytes: wsFrame({ opcode: 0xb, payload: hello }), why: 'reserved control opcode 0xB' },
    { bytes: wsFrame({ opcode: 9, payload: Buffer.alloc(126) }), why: 'a ping of 126 bytes' },
    { bytes: wsFrame({ opcode: 9, payload: hello, fin: false }), why: 'a fragmented ping' },
    { bytes: wsFrame({ opcode: 0, payload: hello }), why: 'a continuation with nothing to continue' },
    { bytes: wsFrame({ opcode: 1, payload: Buffer.from([0xff, 0xfe, 0xc0]) }), why: 'text that is not UTF-8' },
    { bytes: wsFrame({ opcode: 2, payload: Buffer.alloc(8), length: 2n ** 63n }), why: 'a length of 2^63' },
    {
      bytes: wsFrame({ opcode: 1, payload: Buffer.alloc(8), length: BigInt(MESSAGE_LIMIT + 1) }),
      why: 'a length over the limit',
    },
    { bytes: wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) }), why: 'close code 999' },
  ),
  fc
    .uint8Array({ minLength: 2, maxLength: 64 })
    // Clear the mask bit: a client frame without a mask is always refused.
    .map((b) => ({
      bytes: Buffer.from(b.map((x, i) => (i === 1 ? x & 0x7f : x))),
      why: `random bytes ${Buffer.from(b).toString('hex')}`,
    })),
);

/** Registers the WebSocket fuzzers on the shared society (doors.test.ts runs them). */
export function websocketFuzzers(shared: () => WebSociety): void {
  let w: WebServer;
  let society: Baseline;
  let client: WsClient;
  before(async () => {
    ({ web: w, society } = shared());
    client = await connect(w);
    await client.next((m) => m.type === 'hello');
  });
  after(() => {
    client.close();
  });

  /** The connection's close code once the server has closed it (null if it stays open for `ms`). */
  function closeCode(ms: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      client.ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  test('each bad message gets one error or refusal naming the problem, and changes nothing', async () => {
    const messages = fc.oneof(
      { weight: 5, arbitrary: commands },
      { weight: 3, arbitrary: envelopes },
      { weight: 2, arbitrary: notJson },
      { weight: 1, arbitrary: binary },
    );
    await fuzz(
      'websocket: bad messages',
      fc.asyncProperty(messages, async (bad) => {
        if (bad.answer === 'closed') {
          const closed = closeCode(5000);
          client.ws.send(bad.data);
          assert.equal(await closed, 1009, `${bad.why}: closed as too big`);
          client = await connect(w);
          await client.next((m) => m.type === 'hello');
        } else {
          client.ws.send(bad.data, { binary: Buffer.isBuffer(bad.data) });
          const reply = await client.next((m) => m.type === 'result' || m.type === 'error', 10_000);
          assert.equal(reply.type, bad.answer, `${bad.why}: ${JSON.stringify(reply)}`);
          if (reply.type === 'result') {
            const problem = refusalProblem(bad.expected, { status: reply.status as number, body: reply.body });
            assert.equal(problem, null, `${bad.why}: ${problem}`);
          } else {
            assert.equal(typeof reply.message, 'string');
            assert.ok((reply.message as string).includes(bad.expected.names), `${bad.why}: ${reply.message as string}`);
          }
        }
        assert.equal(society.changed(), null);
      }),
      { runs: 150, timeoutMs: 20_000 },
    );
  });

  test('frames that break the protocol make the server hang up; it takes new connections after', async () => {
    const port = w.port;
    function upgraded(): Promise<Socket> {
      return new Promise((resolve, reject) => {
        const socket = createConnection(port, '127.0.0.1', () =>
          socket.write(
            `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          ),
        );
        socket.once('data', (d: Buffer) =>
          /^HTTP\/1\.1 101 /.test(d.toString('latin1')) ? resolve(socket) : reject(new Error(d.toString('latin1'))),
        );
        socket.on('error', () => undefined);
      });
    }
    await fuzz(
      'websocket: broken frames',
      fc.asyncProperty(brokenFrames, async ({ bytes, why }) => {
        const socket = await upgraded();
        const closed = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 5000);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        socket.write(bytes);
        assert.ok(await closed, `${why}: the server hung up`);
        assert.equal(society.changed(), null);
      }),
      { runs: 40, timeoutMs: 20_000 },
    );
    const after = await connect(w);
    assert.equal((await after.next((m) => m.type === 'hello')).type, 'hello');
    after.close();
  });
}
