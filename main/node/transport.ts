// A member's network: a node-ipc server on its own Unix socket (named pipe on Windows) that peers
// connect to, and one connection out to each peer. Fault rules are enforced here, where a
// firewall on a real host would: a cut link is really disconnected and its reconnects refused,
// delay, loss and duplication happen on the way out. Every frame that arrives is validated before
// the engine sees it; anything malformed, oversized or unexpected is counted and dropped.

import type { Socket } from 'node:net';
import { IPCModule, type IpcClient } from 'node-ipc';
import { z } from 'zod';
import type { Message, NodeId } from '../raft/types.ts';
import type { LinkFault, LinkRules, MessageSummary, Peer, Telemetry } from './control-protocol.ts';
import { checkInbound } from './inbound.ts';
import { ensurePrivateSocketDir } from './socket-path.ts';

/**
 * Largest frame accepted. node-ipc's guarded parser re-measures the pending buffer on every chunk
 * (quadratic in frame size): a 17 MiB frame stalled a member past an election timeout, and a
 * 5 MiB one did under load. Appends are bounded to half of this (maxAppendBytes); a larger
 * message (a snapshot) goes in pieces.
 */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;
/** Bytes of a message per piece: base64 makes 1 MiB of them, well inside a frame. */
const PIECE_BYTES = 768 * 1024;
/**
 * Largest message, in pieces: a snapshot, so this bounds a society's state. All its pieces are
 * queued at once, so they must fit node-ipc's pending-write limit (maxPendingBytes below).
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
const MAX_PIECES = Math.ceil(MAX_MESSAGE_BYTES / PIECE_BYTES);

const pieceSchema = z
  .object({
    /** Which message of this connection the piece belongs to. */
    id: z.number().int().nonnegative(),
    part: z.number().int().nonnegative(),
    parts: z.number().int().min(2).max(MAX_PIECES),
    data: z.base64().max(Math.ceil(PIECE_BYTES / 3) * 4),
  })
  .strict()
  .refine((p) => p.part < p.parts, { message: 'part beyond parts' });

/** A message arriving in pieces on one inbound connection. */
interface Assembly {
  readonly id: number;
  readonly parts: number;
  readonly chunks: Buffer[];
}
/** Messages held for a peer while its connection is being (re)established, like a socket buffer. */
const MAX_BUFFERED = 512;

const helloSchema = z.object({ from: z.number().int().min(1).max(65535) }).strict();
/** Lifecycle names node-ipc publishes on the server's own emitter; not frames from a peer. */
const lifecycle = new Set(['start', 'connect', 'close', 'error', 'socket.disconnected', 'data']);

export function summarize(m: Message): MessageSummary {
  const base = { type: m.type, from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'append':
      return { ...base, entries: m.entries.length, index: m.prevIndex, commit: m.commit };
    case 'appendResp':
      return { ...base, index: m.index, reject: m.reject };
    case 'voteResp':
    case 'prevoteResp':
      return { ...base, granted: m.granted };
    case 'vote':
    case 'prevote':
      return { ...base, index: m.lastIndex };
    case 'heartbeat':
      return { ...base, commit: m.commit };
    case 'snapshot':
      return { ...base, index: m.snapshot.index };
    case 'heartbeatResp':
    case 'timeoutNow':
      return base;
  }
}

interface Outbound {
  readonly path: string;
  connected: boolean;
  buffered: Message[];
}

export interface TransportOptions {
  readonly self: NodeId;
  readonly socketDir: string;
  readonly path: string;
  readonly onMessage: (m: Message) => void;
  readonly onTelemetry: (t: Telemetry) => void;
  messageTelemetry: boolean;
}

export class Transport {
  private readonly ipc = new IPCModule();
  private readonly peers = new Map<NodeId, Outbound>();
  /** Who is on the other end of each inbound socket, once it has said hello. */
  private readonly inbound = new Map<Socket, NodeId>();
  /** Messages arriving in pieces, one at a time per inbound connection. */
  private readonly assemblies = new Map<Socket, Assembly>();
  private nextPieceId = 0;
  private outboundCut = new Set<NodeId>();
  private inboundCut = new Set<NodeId>();
  private faults = new Map<NodeId, LinkFault>();
  private readonly o: TransportOptions;
  private closed = false;

  constructor(options: TransportOptions) {
    this.o = options;
    Object.assign(this.ipc.config, {
      silent: true,
      // Frame size, pending-write and incomplete-frame limits, reserved-name checks.
      parser: 'guarded',
      socketRoot: `${options.socketDir}/`,
      appspace: '',
      id: `n${options.self}`,
      // node-ipc checks the directory too; start() has already refused one that is not private to us.
      secureSocketRoot: true,
      unlink: true,
      retry: 100,
      maxRetries: Number.MAX_SAFE_INTEGER,
      maxMessageSize: MAX_FRAME_BYTES,
      // Unsent bytes allowed per connection before node-ipc closes it. A member keeps at most
      // maxInflight appends of maxAppendBytes in flight per peer (32 x 1 MiB, see the supervisor),
      // or one snapshot in pieces (MAX_MESSAGE_BYTES, 4/3 of that in base64); tripping this limit
      // loses everything in flight, so it sits well above both.
      maxPendingBytes: 32 * MAX_FRAME_BYTES,
      maxEventNameLength: 16,
      messageTimeout: 5000,
    });
  }

  private telemetry(phase: 'sent' | 'received' | 'dropped', m: Message, reason?: string): void {
    if (!this.o.messageTelemetry) return;
    const event: Telemetry = { k: 'msg', at: Date.now(), phase, m: summarize(m) };
    this.o.onTelemetry(reason === undefined ? event : { ...event, reason });
  }

  private rejectFrame(reason: string, socket?: Socket): void {
    this.o.onTelemetry({ k: 'frame', at: Date.now(), reason });
    socket?.destroy();
  }

  /** Start serving on this member's socket; refuses (SocketDirError) a socket directory that is not private to us. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        ensurePrivateSocketDir(this.o.socketDir);
        this.ipc.serve(this.o.path, () => resolve());
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const server = this.ipc.server;
      if (server === false) return reject(new Error('node-ipc did not create a server'));
      server.on('*', (type, data, socket) => this.onFrame(type, data, socket));
      server.start();
    });
  }

  private onFrame(type: string, data: unknown, socket: unknown): void {
    if (type === 'error') {
      // The guarded parser refused a frame (too big, not JSON, no delimiter in time) and closed it.
      return this.rejectFrame(`socket protocol error${data instanceof Error ? `: ${data.message}` : ''}`);
    }
    if (type === 'socket.disconnected' && isSocket(data)) {
      this.inbound.delete(data);
      this.assemblies.delete(data);
      return;
    }
    if (lifecycle.has(type) || !isSocket(socket)) return;
    if (type === 'hello') return this.onHello(data, socket);
    if (type !== 'raft' && type !== 'piece')
      return this.rejectFrame(`unexpected frame type "${type.slice(0, 16)}"`, socket);
    const from = this.inbound.get(socket);
    if (from === undefined) return this.rejectFrame('frame before hello', socket);
    if (type === 'piece') return this.onPiece(data, socket, from);
    this.onMessage(data, socket, from);
  }

  /** One piece of a large message; the last one completes it. Pieces come in order on a connection. */
  private onPiece(data: unknown, socket: Socket, from: NodeId): void {
    const piece = pieceSchema.safeParse(data);
    if (!piece.success)
      return this.rejectFrame(`invalid piece from n${from}: ${piece.error.issues[0]?.message ?? ''}`, socket);
    const p = piece.data;
    // A new message starts at part 0 and replaces one left incomplete (its sender gave up on it).
    if (p.part === 0) this.assemblies.set(socket, { id: p.id, parts: p.parts, chunks: [] });
    const a = this.assemblies.get(socket);
    if (a === undefined || a.id !== p.id || a.parts !== p.parts || a.chunks.length !== p.part) {
      this.assemblies.delete(socket);
      return this.rejectFrame(`piece ${p.part} of message ${p.id} from n${from} out of order`, socket);
    }
    a.chunks.push(Buffer.from(p.data, 'base64'));
    if (a.chunks.length < a.parts) return;
    this.assemblies.delete(socket);
    let message: unknown;
    try {
      message = JSON.parse(Buffer.concat(a.chunks).toString('utf8'));
    } catch {
      return this.rejectFrame(`message ${p.id} from n${from} is not JSON once its pieces are joined`, socket);
    }
    this.onMessage(message, socket, from);
  }

  private onMessage(data: unknown, socket: Socket, from: NodeId): void {
    const inbound = checkInbound(data, from, this.o.self);
    if (!inbound.ok) return this.rejectFrame(inbound.reason);
    const m = inbound.message;
    if (this.inboundCut.has(from)) {
      this.telemetry('dropped', m, 'link cut');
      socket.destroy();
      return;
    }
    this.telemetry('received', m);
    this.o.onMessage(m);
  }

  private onHello(data: unknown, socket: Socket): void {
    const hello = helloSchema.safeParse(data);
    if (!hello.success || hello.data.from === this.o.self) return this.rejectFrame('invalid hello', socket);
    // A cut link refuses the connection, as a firewall rejecting the peer would.
    if (this.inboundCut.has(hello.data.from)) return void socket.destroy();
    this.inbound.set(socket, hello.data.from);
  }

  /** The address book: every other member and where its socket is. */
  setPeers(peers: readonly Peer[]): void {
    for (const p of peers) {
      if (p.id === this.o.self) continue;
      const known = this.peers.get(p.id);
      if (known?.path === p.path) continue;
      if (known !== undefined) this.ipc.disconnect(`n${p.id}`);
      this.peers.set(p.id, { path: p.path, connected: false, buffered: [] });
      if (!this.outboundCut.has(p.id)) this.connect(p.id);
    }
    for (const id of [...this.peers.keys()]) {
      if (!peers.some((p) => p.id === id)) {
        this.ipc.disconnect(`n${id}`);
        this.peers.delete(id);
      }
    }
  }

  private connect(id: NodeId): void {
    const peer = this.peers.get(id);
    if (peer === undefined || this.closed) return;
    const name = `n${id}`;
    this.ipc.connectTo(name, peer.path, () => {
      const client = this.ipc.of[name];
      if (client === undefined) return;
      client.on('connect', () => {
        peer.connected = true;
        client.emit('hello', { from: this.o.self });
        const waiting = peer.buffered;
        peer.buffered = [];
        for (const m of waiting) this.transmit(m);
      });
      client.on('disconnect', () => {
        peer.connected = false;
      });
      client.on('error', () => {
        /* reconnects by itself; a refused connection is how a cut or a crashed peer looks */
      });
    });
  }

  /** Apply the supervisor's rules to this member's links. */
  setRules(rules: LinkRules): void {
    const self = this.o.self;
    const outbound = new Set(rules.cut.filter(([from]) => from === self).map(([, to]) => to));
    this.inboundCut = new Set(rules.cut.filter(([, to]) => to === self).map(([from]) => from));
    this.faults = new Map(rules.faults.filter((f) => f.from === self).map((f) => [f.to, f.fault]));
    for (const id of outbound) {
      if (!this.outboundCut.has(id)) {
        this.ipc.disconnect(`n${id}`);
        const peer = this.peers.get(id);
        if (peer !== undefined) {
          peer.connected = false;
          peer.buffered = [];
        }
      }
    }
    for (const id of this.outboundCut) if (!outbound.has(id)) this.connect(id);
    this.outboundCut = outbound;
    for (const [socket, from] of this.inbound) if (this.inboundCut.has(from)) socket.destroy();
  }

  /** Send one message, subject to this member's link rules. */
  send(m: Message): void {
    if (this.outboundCut.has(m.to)) return this.telemetry('dropped', m, 'link cut');
    const fault = this.faults.get(m.to);
    if (fault === undefined || (fault.entriesOnly && !carriesEntries(m))) return this.transmit(m);
    if (Math.random() < fault.loss) return this.telemetry('dropped', m, 'lost');
    const copies = Math.random() < fault.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = fault.delayMs + Math.random() * fault.jitterMs;
      if (delay <= 0) this.transmit(m);
      else setTimeout(() => this.transmit(m), delay);
    }
  }

  private transmit(m: Message): void {
    const peer = this.peers.get(m.to);
    if (peer === undefined) return this.telemetry('dropped', m, 'unknown peer');
    if (this.outboundCut.has(m.to)) return this.telemetry('dropped', m, 'link cut');
    if (!peer.connected) {
      if (peer.buffered.length >= MAX_BUFFERED) return this.telemetry('dropped', m, 'peer unreachable');
      peer.buffered.push(m);
      return;
    }
    const client = this.ipc.of[`n${m.to}`];
    if (client === undefined) return this.telemetry('dropped', m, 'connection refused');
    const whole = m.type === 'snapshot' ? Buffer.from(JSON.stringify(m), 'utf8') : null;
    const sent =
      whole !== null && whole.length > PIECE_BYTES ? this.transmitInPieces(client, m, whole) : emit(client, 'raft', m);
    if (sent !== true) return this.telemetry('dropped', m, sent);
    this.telemetry('sent', m);
  }

  /** A message too large for one frame (a snapshot), in pieces: true, or why it was not sent. */
  private transmitInPieces(client: IpcClient, m: Message, whole: Buffer): true | string {
    if (whole.length > MAX_MESSAGE_BYTES) {
      return `${m.type} of ${whole.length} bytes is larger than a message may be (${MAX_MESSAGE_BYTES})`;
    }
    const id = this.nextPieceId++;
    const parts = Math.ceil(whole.length / PIECE_BYTES);
    for (let part = 0; part < parts; part++) {
      const data = whole.subarray(part * PIECE_BYTES, (part + 1) * PIECE_BYTES).toString('base64');
      const sent = emit(client, 'piece', { id, part, parts, data });
      if (sent !== true) return sent;
    }
    return true;
  }

  /** Report every message (the teaching view) or none (benchmarks). */
  setMessageTelemetry(on: boolean): void {
    this.o.messageTelemetry = on;
  }

  close(): void {
    this.closed = true;
    for (const id of this.peers.keys()) this.ipc.disconnect(`n${id}`);
    if (this.ipc.server !== false) this.ipc.server.stop();
  }
}

/** An append with entries or a snapshot: what an entries-only fault hits (heartbeats pass). */
function carriesEntries(m: Message): boolean {
  return (m.type === 'append' && m.entries.length > 0) || m.type === 'snapshot';
}

/**
 * Write one frame: true, or why it was not sent. node-ipc throws when a frame is too large to
 * encode (a member must never crash on a send), and answers false both when the socket's buffer is
 * merely full (the frame is queued all the same) and when its pending-write limit closed the
 * connection (the frame is lost): only the second is a drop.
 */
function emit(client: IpcClient, type: string, data: unknown): true | string {
  try {
    if (client.emit(type, data)) return true;
  } catch (e) {
    return `not sent: ${e instanceof Error ? e.message : String(e)}`;
  }
  return client.socket === false || client.socket.destroyed ? 'connection closed: too much unsent' : true;
}

function isSocket(x: unknown): x is Socket {
  return typeof x === 'object' && x !== null && typeof (x as Socket).destroy === 'function';
}
