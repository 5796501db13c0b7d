// The desktop door: the main process's side of the preload's API (main/shared/bridge.ts). Every
// IPC message is checked twice before it can reach the supervisor: its sender must be the main
// frame of our window showing one of our own pages, and its payload must match a schema. Each
// subscription gets what a WebSocket client of the browser door gets: a hello, the recording up to
// it as history, then the live events, in batches of at most one per animation frame.

import { z } from 'zod';
import type { Supervisor } from '../cluster/supervisor.ts';
import { ipcChannels } from '../shared/bridge.ts';
import { commandInputs, type CommandName, type CommandResult } from '../shared/contract.ts';
import { defaultBatcherOptions, EventBatcher, type BatcherOptions } from '../cluster/event-batcher.ts';
import type { StreamMessage } from './messages.ts';
import { fileUnder } from './security.ts';

/** What the desktop door needs of the supervisor. */
export type SocietyDoor = Pick<Supervisor, 'execute' | 'view' | 'subscribe' | 'events'>;

/** The part of Electron's WebFrameMain looked at here. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly frameTreeNodeId: number;
  readonly processId: number;
  readonly detached: boolean;
}

/** The part of Electron's WebContents used here. */
export interface ContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** The part of Electron's IpcMainEvent / IpcMainInvokeEvent looked at here. */
export interface SenderEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

/** The one window allowed to talk to the cluster, and the folder its pages must come from. */
export interface TrustedWindow {
  readonly contents: ContentsLike;
  readonly rendererDir: string;
}

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, payload: unknown) => Promise<CommandResult>): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: SenderEvent, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: SenderEvent, payload: unknown) => void): unknown;
}

export interface IpcOptions extends BatcherOptions {
  /** Commands one window may have running at once. */
  readonly maxInflight: number;
  /** Subscriptions one window may hold. */
  readonly maxSubscriptions: number;
  /** Told about every refused message (the main process logs it). */
  readonly onRefused: (channel: string, why: string) => void;
}

const defaults: Omit<IpcOptions, keyof BatcherOptions> = {
  maxInflight: 16,
  maxSubscriptions: 64,
  onRefused: () => undefined,
};

/** What the preload sends: `execute` is an invoke, the other two are sends. */
export const executeRequestSchema = z.object({ name: z.string().min(1).max(64), input: z.unknown() }).strict();
export const subscribeRequestSchema = z.object({ id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict();

/** Why a message must not be acted on, or null when it comes from our window's own page. */
export function senderProblem(event: SenderEvent, trusted: TrustedWindow | null): string | null {
  if (trusted === null || trusted.contents.isDestroyed()) return 'there is no app window';
  if (event.sender.id !== trusted.contents.id) return `webContents ${event.sender.id} is not the app window`;
  const frame = event.senderFrame;
  if (frame === null || frame.detached) return 'the sending frame is gone';
  if (frame.parent !== null) return 'a subframe may not talk to the cluster';
  const main = trusted.contents.mainFrame;
  if (frame !== main && (frame.frameTreeNodeId !== main.frameTreeNodeId || frame.processId !== main.processId))
    return 'not the main frame of the app window';
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return `not a page of the app (${frame.url.slice(0, 200)})`;
  }
  if (!fileUnder(url, trusted.rendererDir)) return `not a page of the app (${frame.url.slice(0, 200)})`;
  return null;
}

const refused = (status: number, error: string): CommandResult => ({ status, body: { error } });
const issues = (e: z.ZodError): string =>
  e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');

interface WindowStreams {
  readonly contents: ContentsLike;
  /** One paced queue per subscription id. */
  readonly subscriptions: Map<number, EventBatcher>;
}

export class SocietyIpc {
  private readonly door: SocietyDoor;
  private readonly trusted: () => TrustedWindow | null;
  private readonly o: IpcOptions;
  private readonly streams = new Map<number, WindowStreams>();
  private readonly inflight = new Map<number, number>();
  private readonly stopListening: () => void;
  private lastSeq: number;
  private closed = false;

  constructor(door: SocietyDoor, trusted: () => TrustedWindow | null, options: Partial<IpcOptions> = {}) {
    this.door = door;
    this.trusted = trusted;
    this.o = { ...defaultBatcherOptions, ...defaults, ...options };
    this.lastSeq = door.events(0).at(-1)?.seq ?? 0;
    this.stopListening = door.subscribe((e) => {
      this.lastSeq = e.seq;
      for (const w of this.streams.values()) for (const b of w.subscriptions.values()) b.push(e);
    });
  }

  /** ipcChannels.execute: one command of the contract, from our window only, validated first. */
  async execute(event: SenderEvent, payload: unknown): Promise<CommandResult> {
    const problem = senderProblem(event, this.trusted());
    if (problem !== null) {
      this.o.onRefused(ipcChannels.execute, problem);
      return refused(403, `refused: ${problem}`);
    }
    if (this.closed) return refused(503, 'the cluster has stopped');
    const request = executeRequestSchema.safeParse(payload);
    if (!request.success) {
      this.o.onRefused(ipcChannels.execute, issues(request.error));
      return refused(400, `expected { name, input }: ${issues(request.error)}`);
    }
    const { name, input } = request.data;
    if (!Object.hasOwn(commandInputs, name)) return refused(404, `unknown command "${name}"`);
    const parsed = commandInputs[name as CommandName].safeParse(input ?? {});
    if (!parsed.success) return refused(400, issues(parsed.error));
    const id = event.sender.id;
    const running = this.inflight.get(id) ?? 0;
    if (running >= this.o.maxInflight)
      return refused(429, `at most ${this.o.maxInflight} commands at once; wait for a result`);
    this.inflight.set(id, running + 1);
    try {
      return await this.door.execute(name, parsed.data);
    } catch (e) {
      return refused(500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.inflight.set(id, (this.inflight.get(id) ?? 1) - 1);
    }
  }

  /**
   * ipcChannels.subscribe: a listener of our window wants the stream. It gets a hello, then the
   * recorded events up to the hello's seq (history), then the live ones. Subscribing again with
   * the same id starts that subscription over.
   */
  subscribe(event: SenderEvent, payload: unknown): void {
    const request = this.check(ipcChannels.subscribe, event, payload);
    if (request === null || this.closed) return;
    const contents = this.trusted()!.contents;
    let window = this.streams.get(contents.id);
    if (window === undefined) {
      window = { contents, subscriptions: new Map() };
      this.streams.set(contents.id, window);
    }
    const { id } = request;
    const previous = window.subscriptions.get(id);
    if (previous === undefined && window.subscriptions.size >= this.o.maxSubscriptions) {
      this.o.onRefused(ipcChannels.subscribe, `more than ${this.o.maxSubscriptions} subscriptions`);
      return;
    }
    previous?.close();
    const hello = (): void => {
      this.post(contents, { type: 'hello', id, view: this.door.view(), seq: this.lastSeq });
    };
    const batcher = new EventBatcher(
      (events) => {
        this.post(contents, { type: 'events', id, events });
      },
      // A renderer this far behind starts again from a fresh hello (without history).
      hello,
      this.o,
    );
    window.subscriptions.set(id, batcher);
    // The hello and the history are taken in the same tick, so no event falls between them.
    hello();
    for (const e of this.door.events(0)) batcher.push(e);
  }

  /** ipcChannels.unsubscribe: the listener is done; the stream stops with the window's last one. */
  unsubscribe(event: SenderEvent, payload: unknown): void {
    const request = this.check(ipcChannels.unsubscribe, event, payload);
    if (request === null) return;
    const window = this.streams.get(event.sender.id);
    if (window === undefined) return;
    window.subscriptions.get(request.id)?.close();
    window.subscriptions.delete(request.id);
    if (window.subscriptions.size === 0) this.forget(event.sender.id);
  }

  /** A window went away (destroyed, crashed, reloaded): drop its stream. */
  forget(contentsId: number): void {
    const window = this.streams.get(contentsId);
    if (window === undefined) return;
    for (const b of window.subscriptions.values()) b.close();
    this.streams.delete(contentsId);
  }

  /** Subscriptions a window holds (for tests and the window's lifecycle). */
  subscriptions(contentsId: number): number {
    return this.streams.get(contentsId)?.subscriptions.size ?? 0;
  }

  /** The cluster is stopping: tell every window, and take no more commands or subscriptions. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    for (const [id, w] of this.streams) {
      this.post(w.contents, { type: 'disconnected', reason });
      this.forget(id);
    }
  }

  /** Install the handlers on Electron's ipcMain; returns the function that removes them. */
  attach(ipcMain: IpcMainLike): () => void {
    const execute = (event: SenderEvent, payload: unknown): Promise<CommandResult> => this.execute(event, payload);
    const subscribe = (event: SenderEvent, payload: unknown): void => {
      this.subscribe(event, payload);
    };
    const unsubscribe = (event: SenderEvent, payload: unknown): void => {
      this.unsubscribe(event, payload);
    };
    ipcMain.handle(ipcChannels.execute, execute);
    ipcMain.on(ipcChannels.subscribe, subscribe);
    ipcMain.on(ipcChannels.unsubscribe, unsubscribe);
    return () => {
      ipcMain.removeHandler(ipcChannels.execute);
      ipcMain.removeListener(ipcChannels.subscribe, subscribe);
      ipcMain.removeListener(ipcChannels.unsubscribe, unsubscribe);
    };
  }

  private check(channel: string, event: SenderEvent, payload: unknown): z.output<typeof subscribeRequestSchema> | null {
    const problem = senderProblem(event, this.trusted());
    if (problem !== null) {
      this.o.onRefused(channel, problem);
      return null;
    }
    const request = subscribeRequestSchema.safeParse(payload);
    if (!request.success) {
      this.o.onRefused(channel, issues(request.error));
      return null;
    }
    return request.data;
  }

  private post(contents: ContentsLike, message: StreamMessage): void {
    if (!contents.isDestroyed()) contents.send(ipcChannels.stream, message);
  }
}
