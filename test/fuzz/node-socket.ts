// Fuzzing a member's socket: node-ipc's frame decoder, the message schema and the checks of
// main/node/inbound.ts. What is accepted must be exactly what was sent, a message a correct peer
// could have sent, and something the engine takes without failing (a throw there would crash the
// member, since it runs inside the socket's data handler); what is refused is refused with a reason
// naming the field at fault. Then real frames on a real socket, and on a real cluster: a burst of
// bad frames into every member changes nothing.

import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Supervisor } from '../../main/cluster/supervisor.ts';
import { checkInbound } from '../../main/node/inbound.ts';
import { DiskStorage } from '../../main/node/storage/disk-storage.ts';
import { socketPath } from '../../main/node/socket-path.ts';
import { Transport } from '../../main/node/transport.ts';
import type { Telemetry } from '../../main/node/control-protocol.ts';
import { RawNode } from '../../main/raft/rawnode.ts';
import type { Message } from '../../main/raft/types.ts';
import { Replica } from '../../main/replica/replica.ts';
import { SocietyState } from '../../main/statemachine/society-state.ts';
import { ensureMemberBundle } from '../../scripts/build-member.ts';
import {
  anyMutation,
  invalidMutation,
  jsonText,
  mangledText,
  prototypeKeys,
  wellTypedMutations,
} from './arbitraries.ts';
import { fuzz, scratchDir, SLOW_PARSE_MS } from './budget.ts';
import { engineConfig, followerLog, frame, messageTags, smallWorldMessage, validMessages } from './messages.ts';
import { baseline, bringToRest } from './society.ts';

/** Registers the socket fuzzers (member.test.ts runs them). */
export function nodeSocketFuzzers(): void {
  const scratch = scratchDir('rs-fuzz-socket-');
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  const message = fc.constantFrom(...validMessages);
  const nearMessage = message.chain((m) => anyMutation(m, { tags: messageTags }));
  const brokenMessage = message.chain((m) => invalidMutation(m, { tags: messageTags }));
  /** Messages that pass the type checks, so the rules between fields and the engine get tested. */
  const oddMessage = message.chain((m) => wellTypedMutations(m, 3, ['from', 'to']));
  // Plain objects, as a frame's JSON.parse makes them (fast-check's records may lack a prototype).
  const smallWorld = smallWorldMessage.map((v) => ({
    value: JSON.parse(JSON.stringify(v)) as unknown,
    what: 'small world',
    path: [],
    names: '',
  }));

  // ---- the schema and the engine ------------------------------------------------------------------

  let runs = 0;
  /** Member 1 as a follower (log 1..3, commit 2) or as the leader of term 2, on a real DiskStorage, after `m`. */
  function engineAfter(role: 'follower' | 'leader', m: Message): void {
    const dir = join(scratch, `engine-${runs++}`);
    const storage = DiskStorage.open(dir);
    try {
      storage.persist({ snapshot: null, entries: followerLog, hardState: { term: 1, vote: 2, commit: 2 } });
      const raw = new RawNode(engineConfig, (min) => min, { voters: [1, 2, 3], learners: [] }, storage.load());
      const replica = new Replica(raw, new SocietyState(), storage, () => undefined);
      replica.drive();
      if (role === 'leader') {
        raw.campaign();
        replica.drive();
        raw.step({ type: 'voteResp', from: 2, to: 1, term: 2, granted: true });
        replica.drive();
        assert.equal(raw.status().role, 'leader');
      }
      raw.step(m);
      replica.drive();
      for (let i = 0; i < engineConfig.electionTicksMax; i++) {
        raw.tick();
        replica.drive();
      }
    } finally {
      storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Every number in a message is a count, an index, a term or an id: a non-negative safe integer. */
  function onlyWholeNumbers(v: unknown, path = 'message'): void {
    if (typeof v === 'number') assert.ok(Number.isSafeInteger(v) && v >= 0, `${path} is ${v}`);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) onlyWholeNumbers(x, `${path}.${k}`);
  }

  const refusal =
    /^(invalid message from n2: \S.*|misaddressed message on n2's connection|unusable snapshot from n2: \S.*)$/s;

  test('a message broken in one place is refused, with a reason naming the field', async () => {
    await fuzz(
      'socket: broken messages',
      fc.property(brokenMessage, (mut) => {
        const r = checkInbound(mut.value, 2, 1);
        assert.equal(r.ok, false, `accepted: ${mut.what}`);
        assert.match(r.reason, refusal);
        assert.ok(r.reason.includes(mut.names), `"${r.reason}" does not name ${mut.names} (${mut.what})`);
      }),
      { runs: 300 },
    );
  });

  test('whatever the checks accept is what was sent, whole numbers only, and the engine takes it', async () => {
    await fuzz(
      'socket: near-valid messages through the engine',
      fc.property(
        fc.oneof(nearMessage, oddMessage, smallWorld),
        fc.constantFrom<'follower' | 'leader'>('follower', 'leader'),
        (mut, role) => {
          const started = performance.now();
          const r = checkInbound(mut.value, 2, 1);
          assert.ok(performance.now() - started < SLOW_PARSE_MS, 'checked in reasonable time');
          if (!r.ok) return assert.match(r.reason, refusal);
          assert.deepEqual(r.message, mut.value, 'accepted as sent: nothing coerced or dropped');
          onlyWholeNumbers(r.message);
          engineAfter(role, r.message);
        },
      ),
      { runs: 150 },
    );
  });

  test('every valid message is accepted and taken by the engine in either role', () => {
    for (const m of validMessages) {
      const r = checkInbound(m, 2, 1);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      engineAfter('follower', m);
      engineAfter('leader', m);
    }
  });

  // ---- frames on a real socket --------------------------------------------------------------------

  /** What is written to the socket, in one or two writes (a split can fall inside a UTF-8 sequence). */
  interface Write {
    readonly bytes: Buffer;
    readonly splitAt: number;
    readonly what: string;
  }

  const types = fc.oneof(
    fc.constantFrom(...prototypeKeys, 'error', 'connect', 'data', 'close', 'start', 'destroy', 'socket.disconnected'),
    fc.constantFrom('', 'x'.repeat(17), 'Raft', 'raft ', 'हेलो', 'exec'),
    fc.string({ maxLength: 20 }),
  );

  const garbageFrames: fc.Arbitrary<{ text: string | Buffer; what: string }> = fc.oneof(
    { weight: 5, arbitrary: nearMessage.map((m) => ({ text: frame('raft', jsonText(m.value)), what: m.what })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(types, message)
        .map(([t, m]) => ({ text: frame(t, jsonText(m)), what: `type ${JSON.stringify(t)}` })),
    },
    {
      weight: 2,
      arbitrary: message.chain((m) =>
        mangledText(frame('raft', jsonText(m)).slice(0, -1)).map((t) => ({ text: `${t}\f`, what: 'mangled' })),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"data":{}}\f',
          '{"type":7,"data":{}}\f',
          '[]\f',
          'null\f',
          '"raft"\f',
          '{"type":"raft"}\f',
          '{"type":"raft","data":null}\f',
          '\f\f\f',
        )
        .map((text) => ({ text, what: 'odd envelope' })),
    },
    {
      weight: 2,
      arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ text: `${s}\f`, what: 'garbage text' })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({ text: Buffer.from(b), what: 'garbage bytes' })),
    },
  );

  const writes: fc.Arbitrary<Write> = garbageFrames.chain(({ text, what }) => {
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    return fc.nat({ max: bytes.length }).map((splitAt) => ({ bytes, splitAt, what }));
  });

  /** The values of the `raft` frames in a text, as the receiver's JSON.parse would read them. */
  function sentMessages(bytes: Buffer): unknown[] {
    return bytes
      .toString('utf8')
      .split('\f')
      .flatMap((piece) => {
        try {
          const v = JSON.parse(piece) as { type?: unknown; data?: unknown } | null;
          return v?.type === 'raft' ? [v.data] : [];
        } catch {
          return [];
        }
      });
  }

  describe('frames on a real member socket', () => {
    const dir = join(scratch, 'sockets');
    const path = socketPath(dir, 1);
    const delivered: Message[] = [];
    const refused: string[] = [];
    let transport: Transport;
    /** The readContext of every probe sent: probes are not part of what a run sent. */
    const probes = new Set<number>();

    before(async () => {
      transport = new Transport({
        self: 1,
        socketDir: dir,
        path,
        messageTelemetry: false,
        onMessage: (m) => delivered.push(m),
        onTelemetry: (t: Telemetry) => {
          if (t.k === 'frame') refused.push(t.reason);
        },
      });
      await transport.start();
    });
    after(() => {
      transport.close();
    });

    /** Connect, say hello as member 2, write `w`, then a probe; resolves when the probe arrives or the member hangs up. */
    function exchange(w: Pick<Write, 'bytes' | 'splitAt'>): Promise<{ probeArrived: boolean }> {
      const probe: Message = { type: 'heartbeatResp', from: 2, to: 1, term: 1, readContext: 1_000_000 + probes.size };
      probes.add(probe.readContext);
      const isProbe = (m: Message): boolean => m.type === 'heartbeatResp' && m.readContext === probe.readContext;
      return new Promise((resolve, reject) => {
        const socket = createConnection(path, () => {
          socket.write(frame('hello', '{"from":2}'));
          socket.write(w.bytes.subarray(0, w.splitAt));
          setImmediate(() => {
            socket.write(w.bytes.subarray(w.splitAt));
            socket.write(frame('raft', JSON.stringify(probe)));
          });
        });
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error('the member neither took the probe nor hung up within 5 s'));
        }, 5000);
        const poll = setInterval(() => {
          if (delivered.some(isProbe)) finish(true);
        }, 2);
        const finish = (probeArrived: boolean): void => {
          clearTimeout(timer);
          clearInterval(poll);
          socket.destroy();
          resolve({ probeArrived });
        };
        socket.on('error', () => undefined);
        socket.on('close', () => finish(delivered.some(isProbe)));
      });
    }

    test('garbage, near-valid and split frames: only valid messages get through, the rest is refused with a reason', async () => {
      await fuzz(
        'socket: frames on the wire',
        fc.asyncProperty(writes, async (w) => {
          const seen = delivered.length;
          const reasons = refused.length;
          await exchange(w);
          const sent = sentMessages(w.bytes);
          for (const m of delivered.slice(seen)) {
            if (m.type === 'heartbeatResp' && probes.has(m.readContext)) continue;
            assert.ok(checkInbound(m, 2, 1).ok, `an invalid message got through: ${JSON.stringify(m)}`);
            assert.ok(
              sent.some((s) => {
                try {
                  assert.deepEqual(m, s);
                  return true;
                } catch {
                  return false;
                }
              }),
              `delivered something that was not sent: ${JSON.stringify(m)}`,
            );
          }
          for (const r of refused.slice(reasons)) assert.ok(r.trim().length > 0, 'a refusal has a reason');
          // Still serving: a clean connection gets its message through.
          assert.ok(
            (await exchange({ bytes: Buffer.alloc(0), splitAt: 0 })).probeArrived,
            'the member still takes messages',
          );
        }),
        { runs: 100, timeoutMs: 15_000 },
      );
    });

    test('a frame over the size limit is refused and the connection closed', async () => {
      const big = Buffer.from(
        frame('raft', JSON.stringify({ ...validMessages[0], pad: 'x'.repeat(2.5 * 1024 * 1024) })),
      );
      const reasons = refused.length;
      const { probeArrived } = await exchange({ bytes: big, splitAt: 1000 });
      assert.equal(probeArrived, false, 'the connection was closed before the probe');
      assert.match(refused.slice(reasons).join('\n'), /exceeds maxMessageSize/);
      assert.ok((await exchange({ bytes: Buffer.alloc(0), splitAt: 0 })).probeArrived);
    });
  });

  // ---- a real cluster -----------------------------------------------------------------------------

  describe('bad frames into the members of a real cluster', () => {
    const dataDir = join(scratch, 'cluster');
    let sup: Supervisor;
    before(async () => {
      await ensureMemberBundle();
      sup = new Supervisor({ nodes: 3, dataDir });
      await sup.start();
      await bringToRest(sup);
    });
    after(() => sup.stop());

    test('each is refused and reported, and the society is as it was', async () => {
      const society = baseline(sup);
      let bursts = 0;
      const frames = fc.oneof(
        { weight: 3, arbitrary: brokenMessage.map((m) => ({ text: frame('raft', jsonText(m.value)), what: m.what })) },
        {
          weight: 1,
          arbitrary: garbageFrames.filter((f) =>
            sentMessages(Buffer.from(f.text)).every((m) => !checkInbound(m, 2, 1).ok && !checkInbound(m, 2, 3).ok),
          ),
        },
      );
      await fuzz(
        'socket: bad frames into a real cluster',
        fc.asyncProperty(fc.constantFrom(1, 2, 3), frames, async (victim, f) => {
          bursts++;
          const from = victim === 2 ? 3 : 2;
          // Addressed to the victim by a peer; a delimiter at the end, so nothing waits for more.
          const text = Buffer.concat([
            Buffer.isBuffer(f.text)
              ? f.text
              : Buffer.from(f.text.replace(/"from":2/g, `"from":${from}`).replace(/"to":1/g, `"to":${victim}`)),
            Buffer.from('\f'),
          ]);
          const reports = (): number => sup.events(0).filter((e) => e.kind === 'frame' && e.node === victim).length;
          const before = reports();
          await new Promise<void>((resolve) => {
            const socket = createConnection(socketPath(sup.socketDir, victim), () => {
              socket.write(frame('hello', `{"from":${from}}`));
              socket.write(text);
            });
            socket.on('error', () => undefined);
            const deadline = Date.now() + 5000;
            const poll = setInterval(() => {
              if (reports() > before || socket.destroyed || Date.now() > deadline) {
                clearInterval(poll);
                socket.destroy();
                resolve();
              }
            }, 5);
            socket.on('close', () => {
              // Reported in the member's next telemetry batch, within a few ms.
              setTimeout(() => {
                clearInterval(poll);
                resolve();
              }, 100);
            });
          });
          assert.equal(society.changed(), null);
        }),
        { runs: 60, timeoutMs: 15_000 },
      );
      const reasons = sup.events(0).flatMap((e) => (e.kind === 'frame' ? [e.reason] : []));
      assert.ok(reasons.length >= bursts, `every refused frame is reported (${reasons.length} for ${bursts} bursts)`);
      assert.ok(reasons.every((r) => r.trim() !== ''));
      assert.deepEqual(sup.violations(), []);
    });
  });
}
