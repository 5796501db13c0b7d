// A member's network: a node-ipc server on its own Unix socket (named pipe on Windows) that peers
// connect to, and one connection out to each peer. Fault rules are enforced here, where a
// firewall on a real host would: a cut link is really disconnected and its reconnects refused,
// delay, loss and duplication happen on the way out. Every frame that arrives is validated before
// the engine sees it; anything malformed, oversized or unexpected is counted and dropped.

import type { Socket } from 'node:net';
import { IPCModule } from 'node-ipc';
import { z } from 'zod';
import type { Message, NodeId } from '../raft/types.ts';
import type { LinkFault, LinkRules, MessageSummary, Peer, Telemetry } from './control-protocol.ts';
import { checkInbound } from './inbound.ts';
import { ensurePrivateSocketDir } from './socket-path.ts';

/**
 * Largest frame accepted. node-ipc's guarded parser re-measures the pending buffer on every chunk
 * (quadratic in frame size): a 17 MiB frame stalled a member past an election timeout, and a
 * 5 MiB one did under load. Appends are bounded to half of this (maxAppendBytes); snapshots are
 * sent whole, so a society's state must stay below it (a workshop's is far smaller).
 */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;
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
      // maxInflight appends of maxAppendBytes in flight per peer (32 x 1 MiB, see the supervisor);
      // tripping this limit loses everything in flight, so it sits well above that.
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
      return;
    }
    if (lifecycle.has(type) || !isSocket(socket)) return;
    if (type === 'hello') return this.onHello(data, socket);
    if (type !== 'raft') return this.rejectFrame(`unexpected frame type "${type.slice(0, 16)}"`, socket);
    const from = this.inbound.get(socket);
    if (from === undefined) return this.rejectFrame('frame before hello', socket);
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
    if (client === undefined || !client.emit('raft', m)) return this.telemetry('dropped', m, 'connection refused');
    this.telemetry('sent', m);
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

function isSocket(x: unknown): x is Socket {
  return typeof x === 'object' && x !== null && typeof (x as Socket).destroy === 'function';
}
