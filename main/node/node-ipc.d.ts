// The part of node-ipc 14's API this project uses (the package ships no type definitions; the
// DefinitelyTyped package describes the older 9.x API). Checked against node-ipc's README and
// services/IPC.js, dao/client.js and dao/socketServer.js of 14.0.0.

declare module 'node-ipc' {
  import type { Socket } from 'node:net';

  export interface IpcConfig {
    appspace: string;
    socketRoot: string;
    id: string;
    silent: boolean;
    parser: 'raw' | 'fast' | 'guarded' | 'assured';
    secureSocketRoot: boolean;
    unlink: boolean;
    retry: number;
    maxRetries: number;
    stopRetrying: boolean;
    maxConnections: number;
    maxMessageSize: number;
    maxPendingBytes: number;
    maxEventNameLength: number;
    messageTimeout: number;
  }

  /** A connection this process opened to another's server (`ipc.of[id]`). */
  export interface IpcClient {
    on(event: 'connect' | 'disconnect' | 'destroy', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: string, listener: (data: unknown) => void): this;
    /** Returns false when the guarded profile refused the write (backpressure). */
    emit(event: string, data: unknown): boolean;
    socket: Socket | false;
  }

  /** This process's server (`ipc.server`): one socket per connected client. */
  export interface IpcServer {
    on(event: 'start', listener: () => void): this;
    on(event: 'connect', listener: (socket: Socket) => void): this;
    on(event: 'socket.disconnected', listener: (socket: Socket, id: string | false) => void): this;
    on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
    /** Every event the server publishes, frames and lifecycle alike, with its name first. */
    on(event: '*', listener: (type: string, data: unknown, socket: unknown) => void): this;
    on(event: string, listener: (data: unknown, socket: Socket) => void): this;
    emit(socket: Socket, event: string, data: unknown): boolean;
    start(): void;
    stop(): void;
  }

  export class IPCModule {
    config: IpcConfig;
    of: Record<string, IpcClient | undefined>;
    server: IpcServer | false;
    serve(path: string, callback?: () => void): void;
    connectTo(id: string, path: string, callback?: () => void): void;
    disconnect(id: string): void;
  }
}
