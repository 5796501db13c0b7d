// Events to one viewer, at most one batch per `batchMs` (an animation frame) however fast the
// cluster talks; both doors pace with it (the Electron IPC door and the WebSocket door).
// A burst is spread over several frames (`maxBatch` per frame); a queue that still grows past
// `maxQueued` (a flood the pace cannot carry) is dropped and `overflow` decides what follows (a
// fresh hello, or closing a connection). A `gate` lets a door hold batches back while its
// consumer is slow.

import type { ClusterEvent } from '../shared/contract.ts';

export interface BatcherOptions {
  /** At most one batch per this many ms. */
  readonly batchMs: number;
  /** Events in one batch at most (a burst is sent over several frames). */
  readonly maxBatch: number;
  /** Above this many waiting events, the queue is dropped and `overflow` called. */
  readonly maxQueued: number;
}

/** Asked before each batch: send it, wait one interval (the consumer is behind), or stop. */
export type BatchGate = () => 'send' | 'wait' | 'stop';

export const defaultBatcherOptions: BatcherOptions = { batchMs: 16, maxBatch: 2000, maxQueued: 1_000_000 };

export class EventBatcher {
  private queue: ClusterEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = -Infinity;
  private closed = false;
  /** Batches sent so far. */
  batches = 0;
  private readonly send: (events: ClusterEvent[]) => void;
  private readonly overflow: () => void;
  private readonly o: BatcherOptions;
  private readonly gate: BatchGate;

  constructor(
    send: (events: ClusterEvent[]) => void,
    overflow: () => void,
    options: Partial<BatcherOptions> = {},
    gate: BatchGate = () => 'send',
  ) {
    this.send = send;
    this.overflow = overflow;
    this.o = { ...defaultBatcherOptions, ...options };
    this.gate = gate;
  }

  get queued(): number {
    return this.queue.length;
  }

  push(e: ClusterEvent): void {
    if (this.closed) return;
    this.queue.push(e);
    if (this.queue.length > this.o.maxQueued) {
      this.queue = [];
      this.overflow();
      return;
    }
    this.schedule();
  }

  /** Forget what is queued (a fresh hello covers it). */
  clear(): void {
    this.queue = [];
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    const wait = Math.max(0, this.lastSentAt + this.o.batchMs - performance.now());
    this.timer = setTimeout(() => this.flush(), Math.ceil(wait));
  }

  private flush(): void {
    this.timer = null;
    if (this.closed || this.queue.length === 0) return;
    // Timers may fire a fraction of a millisecond early: never two batches within batchMs.
    if (performance.now() - this.lastSentAt < this.o.batchMs) return this.schedule();
    const verdict = this.gate();
    if (verdict === 'stop') return;
    if (verdict === 'wait') {
      this.lastSentAt = performance.now(); // try again a batch interval later
      return this.schedule();
    }
    const events = this.queue.length <= this.o.maxBatch ? this.queue : this.queue.slice(0, this.o.maxBatch);
    this.queue = events === this.queue ? [] : this.queue.slice(this.o.maxBatch);
    this.batches++;
    this.send(events);
    // From the end of this send: a large batch takes a while to serialize, and the interval is
    // what the receiver sees between batches.
    this.lastSentAt = performance.now();
    if (this.queue.length > 0) this.schedule();
  }
}
