// What the renderer sees of the cluster, whichever door it came through: the Electron preload
// (IPC to the main process) or the browser bridge (the WebSocket API of `npm run web`). Both
// install it as `window.raftSociety` before the app starts, so the renderer never asks which.

import type { ClusterEvent, ClusterView, CommandInput, CommandName, CommandResult } from './contract.ts';

/** What this window may do: command the cluster (admin), or only watch it (viewer). */
export type Access = 'admin' | 'viewer';

/** One way into a workshop for viewers, for one address of the instructor's machine. */
export interface JoinLink {
  /** The address in the URLs, e.g. 192.168.1.20. */
  readonly address: string;
  /** Whether other machines can reach it (false: this machine only, e.g. 127.0.0.1). */
  readonly lan: boolean;
  /** The viewer page with the viewer token: what the QR code holds. */
  readonly url: string;
  /** A short, typeable address that leads to `url` (it grants viewer rights only). */
  readonly shortUrl: string;
}

/** What the door tells the window about itself with each hello. */
export interface Session {
  readonly access: Access;
  /** How viewers join (an admin of a server with a viewer token); null otherwise. */
  readonly share: readonly JoinLink[] | null;
}

export interface SocietyListener {
  /**
   * The cluster as it is now, and the seq of the last event it reflects; sent first, and after a
   * reconnect. `session` says what this window may do.
   */
  hello(view: ClusterView, seq: number, session: Session): void;
  /**
   * Events in order, in batches of at most one per animation frame: first the recorded history up
   * to the hello's seq (so a view opened later can rebuild the minutes books), then live events.
   */
  events(batch: readonly ClusterEvent[]): void;
  /** The connection to the cluster was lost (the bridge retries by itself). */
  disconnected?(reason: string): void;
}

export interface SocietyApi {
  /** Run one command of the contract; the answer is an HTTP-like status and body. */
  execute<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandResult>;
  /** Start receiving the event stream; returns the function that stops it. */
  subscribe(listener: SocietyListener): () => void;
  /** Which door this is, for display only ("desktop" or "browser"); the renderer must not branch on it. */
  readonly door: 'desktop' | 'browser';
}

/** IPC channel names between the preload and the Electron main process. */
export const ipcChannels = {
  /** renderer -> main (invoke): { name, input } -> CommandResult */
  execute: 'society:execute',
  /** renderer -> main (send): start or stop the event stream for this window */
  subscribe: 'society:subscribe',
  unsubscribe: 'society:unsubscribe',
  /** main -> renderer: { type: 'hello', view, seq } | { type: 'events', events } */
  stream: 'society:stream',
} as const;
