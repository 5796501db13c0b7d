// The browser door: SocietyApi over the WebSocket API of `npm run web` (docs/api.md), installed as
// `window.raftSociety` when the page is served over HTTP. In Electron the preload has installed the
// desktop door before this runs, and this module does nothing.
//
// One socket carries both directions: the server's `hello` and event batches, and our commands
// with their results. It reconnects by itself with backoff and resumes with `?since=` the last
// event delivered, so listeners get a fresh `hello` and then every event they have not seen. The
// first connection asks for the recording from the start (`?since=0`): the events up to the hello's
// seq are then replayed as history, which is how a page opened mid-session learns the minutes
// books. A listener therefore sees events with `seq <= hello seq` only as history, never twice.

import type { JoinLink, Session, SocietyApi, SocietyListener } from '../../../main/shared/bridge.ts';
import type {
  ClusterEvent,
  ClusterView,
  CommandInput,
  CommandName,
  CommandResult,
} from '../../../main/shared/contract.ts';

type ServerMessage =
  | {
      readonly type: 'hello';
      readonly view: ClusterView;
      readonly seq: number;
      readonly access: string;
      readonly share?: readonly JoinLink[] | null;
    }
  | { readonly type: 'events'; readonly events: readonly ClusterEvent[] }
  | { readonly type: 'result'; readonly id: number; readonly status: number; readonly body: unknown }
  | { readonly type: 'error'; readonly message: string };

export interface BridgeOptions {
  /** ws://host/api/events (without query). */
  readonly url: string;
  /** From the page's `?token=`, passed on to the API. */
  readonly token: string | null;
  /** The WebSocket constructor (a fake in tests). */
  readonly WebSocketImpl?: typeof WebSocket;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** An HTTP URL of the API to ask why connecting fails (GET /api/cluster); null: do not ask. */
  readonly diagnoseUrl?: string | null;
}

interface Pending {
  readonly resolve: (r: CommandResult) => void;
}

const CLOSE_NORMAL = 1000;

export class BrowserBridge implements SocietyApi {
  readonly door = 'browser' as const;
  private readonly o: Required<Omit<BridgeOptions, 'token'>> & { token: string | null };
  private readonly listeners = new Set<SocietyListener>();
  private socket: WebSocket | null = null;
  private open = false;
  /** The seq of the last event received (they come in order, without gaps); null before any. */
  private lastSeq: number | null = null;
  /** The `since` the current socket asked for; null when it asked for no events (commands only). */
  private requestedSince: number | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Commands waiting for the socket to open. */
  private readonly waiting: { id: number; frame: string }[] = [];
  /** Events received and not yet handed to listeners: delivered once per animation frame. */
  private queue: ClusterEvent[] = [];
  private flushScheduled = false;
  /** What the API said when asked why connecting fails; cleared by the next hello. */
  private problem: string | null = null;

  constructor(options: BridgeOptions) {
    this.o = {
      WebSocketImpl: WebSocket,
      minBackoffMs: 250,
      maxBackoffMs: 5000,
      diagnoseUrl: null,
      ...options,
    };
  }

  execute<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandResult> {
    const id = this.nextId++;
    const frame = JSON.stringify({ type: 'command', id, name, input });
    return new Promise<CommandResult>((resolve) => {
      this.pending.set(id, { resolve });
      // A socket the server has begun to close is not open although its onclose has not run yet:
      // the frame waits for the next connection instead of being thrown away.
      if (this.open && this.socket !== null && this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
      else {
        this.waiting.push({ id, frame });
        this.connect();
      }
    });
  }

  subscribe(listener: SocietyListener): () => void {
    this.listeners.add(listener);
    if (this.socket === null) this.connect();
    // Everyone must start from a hello: a listener joining a live connection resynchronises it.
    else if (this.open) this.reconnectNow(true);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private wsUrl(): string {
    const q = new URLSearchParams();
    if (this.o.token !== null) q.set('token', this.o.token);
    this.requestedSince = this.listeners.size > 0 ? (this.lastSeq ?? 0) : null;
    if (this.requestedSince !== null) q.set('since', String(this.requestedSince));
    const query = q.toString();
    return query === '' ? this.o.url : `${this.o.url}?${query}`;
  }

  private connect(): void {
    if (this.socket !== null || this.retryTimer !== null) return;
    let ws: WebSocket;
    try {
      ws = new this.o.WebSocketImpl(this.wsUrl());
    } catch (e) {
      this.lost(`cannot open the connection: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.open = true;
      for (const w of this.waiting.splice(0)) if (this.pending.has(w.id)) ws.send(w.frame);
    };
    ws.onmessage = (m: MessageEvent) => {
      if (this.socket !== ws || typeof m.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(m.data) as ServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.open = false;
      this.lost(closeReason(e));
    };
    ws.onerror = () => undefined; // onclose follows and explains
  }

  private receive(m: ServerMessage): void {
    switch (m.type) {
      case 'hello': {
        // A server that knows fewer events than we had is a new cluster: start over from its beginning.
        if (this.requestedSince !== null && m.seq < this.requestedSince) {
          this.queue = [];
          this.reconnectNow(false);
          return;
        }
        this.attempt = 0;
        this.problem = null;
        this.flush();
        if (this.requestedSince === null) this.lastSeq = m.seq;
        // Anything but a clear "admin" is treated as a viewer: the server decides, the page only follows.
        const session: Session = { access: m.access === 'admin' ? 'admin' : 'viewer', share: m.share ?? null };
        for (const l of this.listeners) l.hello(m.view, m.seq, session);
        return;
      }
      case 'events':
        if (m.events.length === 0) return;
        for (const e of m.events) this.queue.push(e);
        this.lastSeq = m.events.at(-1)!.seq;
        this.scheduleFlush();
        return;
      case 'result': {
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.pending.delete(m.id);
        p.resolve({ status: m.status, body: m.body });
        return;
      }
      case 'error':
        console.warn(`raft-society server: ${m.message}`);
        return;
    }
  }

  /** Hand the queued events over, at most once per animation frame (less often in a hidden tab). */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const run = (): void => {
      this.flushScheduled = false;
      this.flush();
    };
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible')
      requestAnimationFrame(run);
    else setTimeout(run, 100);
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    for (const l of this.listeners) l.events(batch);
  }

  /** Commands sent on a socket that is gone will never be answered: their outcome is unknown. */
  private failInflight(reason: string): void {
    for (const [id, p] of this.pending) {
      if (this.waiting.some((w) => w.id === id)) continue; // never sent: it waits for the next socket
      this.pending.delete(id);
      p.resolve({ status: 504, body: { error: `the connection was lost (${reason}); the outcome is unknown` } });
    }
  }

  /** The connection went away: fail what is in flight, tell the listeners, retry with backoff. */
  private lost(reason: string): void {
    this.flush();
    this.failInflight(reason);
    const base = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    // A refused upgrade (wrong token, wrong host) looks like any failure to a WebSocket; plain
    // HTTP tells why, once, and the listeners hear the better reason.
    const tell = (why: string): void => {
      for (const l of this.listeners) l.disconnected?.(why);
    };
    if (this.attempt < 2 || this.problem !== null) return tell(this.problem ?? reason);
    void this.diagnose().then((why) => {
      this.problem = why;
      tell(why ?? reason);
    });
  }

  /** Why the API refuses us, if it answers plain HTTP with an error; null when it does not say. */
  private async diagnose(): Promise<string | null> {
    if (this.o.diagnoseUrl === null) return null;
    try {
      const headers: Record<string, string> = {};
      if (this.o.token !== null) headers.authorization = `Bearer ${this.o.token}`;
      const res = await fetch(this.o.diagnoseUrl, { headers, cache: 'no-store' });
      if (res.ok) return null;
      const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
      return typeof body?.error === 'string' ? `${body.error} (HTTP ${res.status})` : `HTTP ${res.status}`;
    } catch {
      return null;
    }
  }

  /** Close the socket on purpose and open a new one at once (no backoff). */
  private reconnectNow(keepSeq: boolean): void {
    const ws = this.socket;
    this.socket = null;
    this.open = false;
    this.failInflight('resynchronising');
    if (!keepSeq) this.lastSeq = null;
    ws?.close(CLOSE_NORMAL, 'resynchronising');
    this.connect();
  }
}

function closeReason(e: CloseEvent): string {
  if (e.code === 1013) return `the server found this page too slow: ${e.reason}`;
  if (e.code === 1001) return 'the server is shutting down';
  if (e.code === 1006) return 'the server cannot be reached';
  return e.reason === '' ? `closed (code ${e.code})` : `${e.reason} (code ${e.code})`;
}

/** Install the browser door unless another one (the Electron preload) is there already. */
export function installBrowserBridge(w: Window = window): void {
  if (w.raftSociety !== undefined) return;
  const { protocol, host, search } = w.location;
  if (protocol !== 'http:' && protocol !== 'https:') return;
  const token = new URLSearchParams(search).get('token');
  w.raftSociety = new BrowserBridge({
    url: `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/events`,
    token: token === null || token === '' ? null : token,
    diagnoseUrl: `${protocol}//${host}/api/cluster`,
  });
}
