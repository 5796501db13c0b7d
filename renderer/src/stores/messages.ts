// Messages in flight along the connections, from the real sockets' `message` events: each `sent`
// (or `dropped`) becomes one animation from sender to receiver. A busy cluster sends hundreds a
// second, so the view samples: one flight per connection, direction and kind at a time, and a cap
// on flights overall (heartbeats and acknowledgements give way first). A reply waits for its
// request to land, so the eye sees cause before effect.

import { defineStore } from 'pinia';
import { shallowRef, triggerRef } from 'vue';
import type { ClusterEvent } from '../../../main/shared/contract.ts';

export type FlightKind =
  'vote' | 'prevote' | 'granted' | 'refused' | 'heartbeat' | 'append' | 'ack' | 'nack' | 'snapshot' | 'timeoutNow';

export interface Flight {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly kind: FlightKind;
  readonly dropped: boolean;
  /** Entries carried (appends). */
  readonly count: number;
  /** When it leaves, performance.now(). */
  readonly startAt: number;
  readonly durationMs: number;
}

type MessageEvent = ClusterEvent & { kind: 'message' };

/** Flights at once, at most; past SOFT_CAP only the instructive kinds still fly. */
export const MAX_FLIGHTS = 48;
const SOFT_CAP = 28;
const routine = new Set<FlightKind>(['heartbeat', 'ack']);
const replyTo: Partial<Record<FlightKind, readonly FlightKind[]>> = {
  granted: ['vote', 'prevote'],
  refused: ['vote', 'prevote'],
  ack: ['append', 'heartbeat'],
  nack: ['append'],
};

export function flightKind(e: Pick<MessageEvent, 'type' | 'detail'>): FlightKind | null {
  switch (e.type) {
    case 'vote':
    case 'prevote':
    case 'heartbeat':
    case 'append':
    case 'snapshot':
    case 'timeoutNow':
      return e.type;
    case 'voteResp':
    case 'prevoteResp':
      return e.detail.includes('granted') ? 'granted' : 'refused';
    case 'heartbeatResp':
      return 'ack';
    case 'appendResp':
      return e.detail.includes('rejected') ? 'nack' : 'ack';
    default:
      return null;
  }
}

/** How long a message takes to cross the hall: slower when the cluster runs in slow motion. */
export function travelMs(heartbeatMs: number, timeScale: number): number {
  return Math.min(1600, Math.max(450, (0.8 * heartbeatMs) / timeScale));
}

export const useMessagesStore = defineStore('messages', () => {
  const flights = shallowRef<Flight[]>([]);
  let nextId = 1;

  function prune(now: number): void {
    const alive = flights.value.filter((f) => f.startAt + f.durationMs > now);
    if (alive.length !== flights.value.length) flights.value = alive;
  }

  function add(e: MessageEvent, travel: number): void {
    if (e.phase === 'received') return;
    const kind = flightKind(e);
    if (kind === null) return;
    const now = performance.now();
    prune(now);
    const list = flights.value;
    if (list.length >= MAX_FLIGHTS) return;
    const dropped = e.phase === 'dropped';
    if (list.length >= SOFT_CAP && routine.has(kind) && !dropped) return;
    if (list.some((f) => f.from === e.from && f.to === e.to && f.kind === kind)) return;
    // A reply leaves when its request has landed.
    let startAt = now;
    const requests = replyTo[kind];
    if (requests !== undefined) {
      for (const f of list)
        if (f.from === e.to && f.to === e.from && requests.includes(f.kind) && !f.dropped)
          startAt = Math.max(startAt, f.startAt + f.durationMs);
    }
    const count = e.type === 'append' ? Number(/^(\d+) entries/.exec(e.detail)?.[1] ?? 0) : 0;
    list.push({ id: nextId++, from: e.from, to: e.to, kind, dropped, count, startAt, durationMs: travel });
    triggerRef(flights);
  }

  function done(id: number): void {
    flights.value = flights.value.filter((f) => f.id !== id);
  }

  function clear(): void {
    flights.value = [];
  }

  return { flights, add, done, clear };
});
