// The live event stream over WebSocket: `hello` with the cluster view, then the supervisor's events
// in batches, at most one batch per `batchMs` for each client however fast the cluster talks. A
// client that does not keep up is held back (its events wait in its queue) and, if it stays
// behind, disconnected with 1013 rather than allowed to pile up the server's memory. Clients may
// also send commands: the same door and the same rules as HTTP.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { EventBatcher } from '../cluster/event-batcher.ts';
import type { JoinLink } from '../shared/bridge.ts';
import { readOnlyCommands, type ClusterEvent, type CommandResult } from '../shared/contract.ts';
import { firstIssue } from '../shared/first-issue.ts';
import type { Access } from './auth.ts';
import type { ClusterDoor } from './http-api.ts';

export interface EventStreamOptions {
  /** At most one batch per this many ms to each client. */
  readonly batchMs: number;
  /** Events in one batch at most (a replay is sent in several). */
  readonly maxBatch: number;
  /** Above this many unsent bytes, batches wait. */
  readonly softLimitBytes: number;
  /** Above this many unsent bytes, the client is disconnected (1013). */
  readonly hardLimitBytes: number;
  /** A client held back this long without catching up is disconnected (1013). */
  readonly stallMs: number;
  /** Commands one client may have running at once. */
  readonly maxInflight: number;
}

export const defaultStreamOptions: EventStreamOptions = {
  batchMs: 16,
  maxBatch: 2000,
  softLimitBytes: 1024 * 1024,
  hardLimitBytes: 8 * 1024 * 1024,
  stallMs: 15_000,
  maxInflight: 16,
};

/** Code 1013 "Try Again Later": the client was too slow for the stream. */
export const CLOSE_TOO_SLOW = 1013;
export const MESSAGE_LIMIT = 64 * 1024;

/** What a client connection needs of its socket (a `ws` WebSocket, or a fake in tests). */
export interface Sink {
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

const commandMessage = z
  .object({
    type: z.literal('command'),
    id: z.union([z.string().max(128), z.number()]),
    name: z.string().min(1).max(64),
    input: z.unknown().optional(),
  })
  .strict();

/** One subscriber: its queue of events not yet sent and its pacing. */
export class StreamClient {
  /** The pacing both doors share; this door adds the slow-consumer rules as its gate. */
  private readonly batcher: EventBatcher;
  private stalledSince: number | null = null;
  private inflight = 0;
  closed = false;
  private readonly sink: Sink;
  private readonly o: EventStreamOptions;
  private readonly door: ClusterDoor;
  private readonly access: Access;
  private readonly onClose: () => void;

  constructor(
    sink: Sink,
    door: ClusterDoor,
    access: Access,
    backlog: ClusterEvent[],
    o: EventStreamOptions,
    onClose: () => void,
  ) {
    this.sink = sink;
    this.door = door;
    this.access = access;
    this.o = o;
    this.onClose = onClose;
    this.batcher = new EventBatcher(
      (events) => this.send({ type: 'events', events }),
      () => this.close(CLOSE_TOO_SLOW, 'too many events waiting; reconnect with ?since=SEQ'),
      { batchMs: o.batchMs, maxBatch: o.maxBatch, maxQueued: Number.MAX_SAFE_INTEGER },
      () => this.gate(),
    );
    for (const e of backlog) this.batcher.push(e);
  }

  push(e: ClusterEvent): void {
    if (!this.closed) this.batcher.push(e);
  }

  get queued(): number {
    return this.batcher.queued;
  }

  /** Batches sent, for tests and metrics. */
  get batches(): number {
    return this.batcher.batches;
  }

  /** A slow consumer: hold batches while it is behind, close it if it stays behind or falls far behind. */
  private gate(): 'send' | 'wait' | 'stop' {
    const buffered = this.sink.bufferedAmount;
    if (buffered > this.o.hardLimitBytes) {
      this.close(CLOSE_TOO_SLOW, `too slow: ${buffered} bytes unsent; reconnect with ?since=SEQ`);
      return 'stop';
    }
    if (buffered <= this.o.softLimitBytes) {
      this.stalledSince = null;
      return 'send';
    }
    const now = performance.now();
    this.stalledSince ??= now;
    if (now - this.stalledSince > this.o.stallMs) {
      this.close(CLOSE_TOO_SLOW, `too slow: behind for ${Math.round(now - this.stalledSince)} ms`);
      return 'stop';
    }
    return 'wait';
  }

  send(message: object): void {
    if (this.closed) return;
    try {
      this.sink.send(JSON.stringify(message));
    } catch {
      this.close(1011, 'send failed');
    }
  }

  /** A message from the client: a command gets its result; anything else an error, never a crash. */
  async receive(data: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.send({ type: 'error', message: 'messages must be JSON' });
      return;
    }
    const m = commandMessage.safeParse(parsed);
    if (!m.success) {
      this.send({ type: 'error', message: `expected { type: "command", id, name, input }: ${firstIssue(m.error)}` });
      return;
    }
    const { id, name, input } = m.data;
    this.result(id, await this.run(name, input));
  }

  private async run(name: string, input: unknown): Promise<CommandResult> {
    if (this.access !== 'admin' && !readOnlyCommands.has(name))
      return { status: 403, body: { error: 'the viewer token may look but not command' } };
    if (this.inflight >= this.o.maxInflight)
      return { status: 429, body: { error: `at most ${this.o.maxInflight} commands at once; wait for a result` } };
    this.inflight++;
    try {
      return await this.door.execute(name, input ?? {});
    } catch (e) {
      return { status: 500, body: { error: `internal error: ${e instanceof Error ? e.message : String(e)}` } };
    } finally {
      this.inflight--;
    }
  }

  private result(id: string | number, r: CommandResult): void {
    this.send({ type: 'result', id, status: r.status, body: r.body });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.batcher.close();
    this.onClose();
    try {
      this.sink.close(code, reason.slice(0, 120));
    } catch {
      // already gone
    }
  }

  /** The socket closed from the other side. */
  gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.batcher.close();
    this.onClose();
  }
}

export class EventStream {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MESSAGE_LIMIT,
    perMessageDeflate: false,
    clientTracking: false,
  });
  readonly clients = new Set<StreamClient>();
  private readonly sockets = new Set<WebSocket>();
  private readonly unsubscribe: () => void;
  private lastSeq: number;
  private readonly o: EventStreamOptions;
  private readonly door: ClusterDoor;
  private readonly shareFor: (access: Access) => readonly JoinLink[] | null;

  /** `shareFor`: the join links a hello carries for this access (see Session in main/shared/bridge.ts). */
  constructor(
    door: ClusterDoor,
    options: Partial<EventStreamOptions> = {},
    shareFor: (access: Access) => readonly JoinLink[] | null = () => null,
  ) {
    this.door = door;
    this.shareFor = shareFor;
    this.o = { ...defaultStreamOptions, ...options };
    this.lastSeq = door.events(0).at(-1)?.seq ?? 0;
    this.unsubscribe = door.subscribe((e) => {
      this.lastSeq = e.seq;
      for (const c of this.clients) c.push(e);
    });
  }

  /** Take over an upgraded request that was already admitted (Host, Origin, token). */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, access: Access, since: number | null): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, access, since));
  }

  /** A connected socket: hello, then the replay (if asked) and the live events. */
  attach(ws: WebSocket, access: Access, since: number | null): StreamClient {
    this.sockets.add(ws);
    // The replay and the subscription are taken in the same tick, so no event falls between them.
    const backlog = since === null ? [] : this.door.events(since);
    const client: StreamClient = new StreamClient(ws, this.door, access, [], this.o, () => this.clients.delete(client));
    client.send({ type: 'hello', view: this.door.view(), seq: this.lastSeq, access, share: this.shareFor(access) });
    for (const e of backlog) client.push(e);
    this.clients.add(client);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return client.send({ type: 'error', message: 'send text messages (JSON)' });
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.from(data).toString('utf8');
      void client.receive(text);
    });
    ws.on('error', () => undefined); // e.g. a message over the size limit: ws closes with 1009 itself
    ws.on('close', () => {
      this.sockets.delete(ws);
      client.gone();
    });
    return client;
  }

  /** Say goodbye (1001) to every client, and cut off those that do not answer within `graceMs`. */
  async close(graceMs = 500): Promise<void> {
    this.unsubscribe();
    for (const c of [...this.clients]) c.close(1001, 'the server is shutting down');
    const closing = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    );
    await Promise.all(closing);
    this.sockets.clear();
    this.wss.close();
  }
}
