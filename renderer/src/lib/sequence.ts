// The message-sequence (Lamport) diagram of the recent past, as data: every message an arrow from
// its send to its receipt (paired from the members' own reports), a drop an arrow that ends in a
// cross, each member's role changes, crashes and restarts, the terms as they begin, and the spans
// during which links were cut. Times are the members' clocks (`memberAt` for messages), all on one
// machine; pure, so the diagram of a recording is the same whenever it is drawn.

import type { ClusterEvent, MemberStatus, MemberView } from '../../../main/shared/contract.ts';

type MessageEvent = ClusterEvent & { kind: 'message' };

export interface Arrow {
  readonly from: number;
  readonly to: number;
  readonly type: string;
  readonly term: number;
  readonly detail: string;
  readonly sentAt: number;
  /** When it arrived or was refused; for a message dropped by its sender, `sentAt`; null if not seen to arrive. */
  readonly endAt: number | null;
  readonly outcome: 'received' | 'dropped' | 'unseen';
  readonly reason: string | null;
  /** The seq of the event that reported it leaving (or being dropped at once). */
  readonly seq: number;
}

export type Mark =
  | {
      readonly node: number;
      readonly at: number;
      readonly kind: 'role';
      readonly role: MemberView['role'];
      readonly term: number;
    }
  | {
      readonly node: number;
      readonly at: number;
      readonly kind: 'status';
      readonly status: 'crashed' | 'running' | 'paused';
    };

export interface CutSpan {
  readonly from: number;
  readonly to: number;
  readonly startAt: number;
  readonly endAt: number;
}

/** A member's process not running (crashed, or frozen) over a span of time. */
export interface DownSpan {
  readonly node: number;
  readonly status: 'crashed' | 'paused';
  readonly startAt: number;
  readonly endAt: number;
}

export interface Sequence {
  readonly startAt: number;
  readonly endAt: number;
  readonly lanes: readonly number[];
  readonly arrows: readonly Arrow[];
  readonly marks: readonly Mark[];
  /** The first moment some member was in each new term. */
  readonly terms: readonly { readonly at: number; readonly term: number }[];
  readonly cuts: readonly CutSpan[];
  readonly down: readonly DownSpan[];
}

export interface SequenceOptions {
  readonly startAt: number;
  readonly endAt: number;
  /** Show heartbeats and their acknowledgements (many: a chairman sends one per member per beat). */
  readonly heartbeats: boolean;
  /** Members to draw even if they said nothing in the window. */
  readonly members: readonly number[];
}

/** Look this far before the window to know each member's role and to pair receipts with sends. */
const LEAD_IN_MS = 2000;
/** Events are recorded up to one telemetry batch after they happen. */
const SLACK_MS = 250;
const routine = new Set(['heartbeat', 'heartbeatResp']);
/** Roles a mark is drawn for: standing and winning. Followers are the quiet default. */
const notable = new Set<MemberView['role']>(['precandidate', 'candidate', 'leader']);

/** The index of the first event recorded at or after `at` (events are in recording order). */
export function firstIndexAt(events: readonly ClusterEvent[], at: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function queueOf<T>(queues: Map<string, T[]>, key: string): T[] {
  let q = queues.get(key);
  if (q === undefined) queues.set(key, (q = []));
  return q;
}

const keyOf = (e: MessageEvent): string => `${e.from}>${e.to}|${e.type}|${e.term}|${e.detail}`;

/** The cut links of a fault event's network, as "from>to". */
const cutsOf = (e: ClusterEvent & { kind: 'fault' }): Set<string> =>
  new Set(e.after.network.cuts.map(({ from, to }) => `${from}>${to}`));

/** The cut links in force at `index`: the network after the last fault before it. */
function cutsBefore(events: readonly ClusterEvent[], index: number): ReadonlySet<string> {
  for (let i = index - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind === 'fault') return cutsOf(e);
  }
  return new Set();
}

/** Each member's process status at `index`, from its last member event before it. */
function statusBefore(events: readonly ClusterEvent[], index: number): Map<number, MemberStatus> {
  const status = new Map<number, MemberStatus>();
  for (let i = index - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind === 'member' && !status.has(e.node)) status.set(e.node, e.status);
  }
  return status;
}

/**
 * The diagram for the events recorded up to `untilSeq`, over [startAt, endAt]. Messages are paired
 * by sender, receiver, type, term and detail, oldest first: the sockets keep each link in order.
 */
export function sequenceOf(events: readonly ClusterEvent[], untilSeq: number, o: SequenceOptions): Sequence {
  const first = firstIndexAt(events, o.startAt - LEAD_IN_MS);
  const arrows: Arrow[] = [];
  /** Sends not yet seen arriving, and receipts whose send was not recorded yet, per key. */
  const sends = new Map<string, number[]>();
  const receipts = new Map<string, MessageEvent[]>();
  const marks: Mark[] = [];
  const terms: { at: number; term: number }[] = [];
  const roles = new Map<number, MemberView['role']>();
  let term = 0;
  const lanes = new Set(o.members);
  const cuts: CutSpan[] = [];
  let cut = cutsBefore(events, first);
  const cutSince = new Map<string, number>([...cut].map((k) => [k, o.startAt]));
  const down: DownSpan[] = [];
  const downSince = new Map<number, { status: 'crashed' | 'paused'; at: number }>();
  for (const [node, status] of statusBefore(events, first))
    if (status === 'crashed' || status === 'paused') downSince.set(node, { status, at: o.startAt });

  const arrive = (arrowIndex: number, e: MessageEvent): void => {
    const a = arrows[arrowIndex]!;
    arrows[arrowIndex] = {
      ...a,
      endAt: Math.max(a.sentAt, e.memberAt),
      outcome: e.phase === 'received' ? 'received' : 'dropped',
      reason: e.reason ?? null,
    };
  };

  for (let i = first; i < events.length; i++) {
    const e = events[i]!;
    if (e.seq > untilSeq || e.at > o.endAt + SLACK_MS) break;
    switch (e.kind) {
      case 'message': {
        if (!o.heartbeats && routine.has(e.type)) break;
        if (e.memberAt > o.endAt) break;
        lanes.add(e.from).add(e.to);
        const key = keyOf(e);
        if (e.node === e.from) {
          // Sent, or dropped by its sender (a cut link, a lossy one): it never left.
          const waiting = receipts.get(key);
          arrows.push({
            from: e.from,
            to: e.to,
            type: e.type,
            term: e.term,
            detail: e.detail,
            sentAt: e.memberAt,
            endAt: e.phase === 'dropped' ? e.memberAt : null,
            outcome: e.phase === 'dropped' ? 'dropped' : 'unseen',
            reason: e.reason ?? null,
            seq: e.seq,
          });
          if (e.phase === 'dropped') break;
          const early = waiting?.shift();
          if (early !== undefined) arrive(arrows.length - 1, early);
          else queueOf(sends, key).push(arrows.length - 1);
        } else {
          // Received, or refused by the receiver (a link cut while the message was on its way).
          const queue = sends.get(key);
          const sent = queue?.shift();
          if (sent !== undefined) arrive(sent, e);
          else queueOf(receipts, key).push(e);
        }
        break;
      }
      case 'state': {
        lanes.add(e.node);
        if (e.term > term) {
          term = e.term;
          if (e.at >= o.startAt) terms.push({ at: e.at, term });
        }
        const was = roles.get(e.node);
        roles.set(e.node, e.role);
        if (was !== e.role && notable.has(e.role) && e.at >= o.startAt)
          marks.push({ node: e.node, at: e.at, kind: 'role', role: e.role, term: e.term });
        break;
      }
      case 'member': {
        lanes.add(e.node);
        if (e.status === 'starting' || e.status === 'stopped') break;
        roles.delete(e.node);
        const at = Math.max(o.startAt, e.at);
        if (e.at >= o.startAt) marks.push({ node: e.node, at, kind: 'status', status: e.status });
        const was = downSince.get(e.node);
        if (was !== undefined && e.at >= o.startAt)
          down.push({ node: e.node, status: was.status, startAt: was.at, endAt: at });
        downSince.delete(e.node);
        if (e.status !== 'running') downSince.set(e.node, { status: e.status, at });
        break;
      }
      case 'fault': {
        const now = cutsOf(e);
        const at = Math.max(o.startAt, e.at);
        for (const k of cut) {
          if (now.has(k)) continue;
          const [from, to] = k.split('>').map(Number) as [number, number];
          if (e.at >= o.startAt) cuts.push({ from, to, startAt: cutSince.get(k)!, endAt: at });
          cutSince.delete(k);
        }
        for (const k of now) if (!cut.has(k)) cutSince.set(k, at);
        cut = now;
        break;
      }
      default:
        break;
    }
  }
  for (const [k, since] of cutSince) {
    const [from, to] = k.split('>').map(Number) as [number, number];
    cuts.push({ from, to, startAt: since, endAt: o.endAt });
  }
  for (const [node, { status, at }] of downSince) down.push({ node, status, startAt: at, endAt: o.endAt });
  return {
    startAt: o.startAt,
    endAt: o.endAt,
    lanes: [...lanes].sort((a, b) => a - b),
    // Only what touches the window: a message still on its way at the start is drawn from the edge.
    arrows: arrows.filter((a) => (a.endAt ?? o.endAt) >= o.startAt),
    marks,
    terms,
    cuts: cuts.filter((c) => c.endAt > c.startAt),
    down: down.filter((d) => d.endAt > d.startAt),
  };
}
