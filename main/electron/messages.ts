// The messages on the IPC channels of main/shared/bridge.ts (`ipcChannels`), between the preload
// and the main process. Types only: the preload imports them too, and the main process validates
// what comes from the renderer with the schemas in ipc.ts.

import type { ClusterEvent, ClusterView, CommandResult } from '../shared/contract.ts';

/** renderer -> main, invoke on ipcChannels.execute; answered with a CommandResult. */
export interface ExecuteRequest {
  readonly name: string;
  readonly input: unknown;
}
export type ExecuteResponse = CommandResult;

/** renderer -> main, send on ipcChannels.subscribe / unsubscribe: one listener of the window. */
export interface SubscribeRequest {
  readonly id: number;
}

/**
 * main -> renderer on ipcChannels.stream, for subscription `id`: a hello, then the recorded events
 * up to the hello's seq (history, as the browser door replays with `?since=0`), then every later
 * event, in order, in batches at most one per animation frame.
 */
export type StreamMessage =
  | { readonly type: 'hello'; readonly id: number; readonly view: ClusterView; readonly seq: number }
  | { readonly type: 'events'; readonly id: number; readonly events: readonly ClusterEvent[] }
  /** The cluster is gone (the app is quitting): for every subscription of the window. */
  | { readonly type: 'disconnected'; readonly reason: string };
