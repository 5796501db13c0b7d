// One recording and the states it can show: every event received (or read from a session file),
// the newest state, and checkpoints of the state every so often, so the state at any recorded
// moment is a checkpoint plus a few thousand events at most. Pure and synchronous (no Vue), so it
// is tested on its own and replays a file as it replays the live stream.
//
// Within one recording the events are consecutive (seq n, n+1, ...). A connection that resumes
// without losing anything continues it; one that missed events (or a window that joined after the
// cluster's first events were forgotten, or a new cluster) starts the recording again from the
// view its hello brought, with the minutes books rebuilt from the history that follows the hello.

import type { ClusterEvent, ClusterView } from '../../../main/shared/contract.ts';
import type { SessionFile } from '../../../main/shared/session-file.ts';
import { applyMarking, type Marker } from './markers.ts';
import {
  applyEvent,
  applyToBooks,
  cloneState,
  emptyState,
  fromSnapshot,
  stateFromView,
  toSnapshot,
  type SocietyState,
} from './society-state.ts';

export interface RecordedView {
  readonly seq: number;
  readonly view: ClusterView;
}

export interface ReplayOptions {
  /** Events kept; past it (and a tenth more) the oldest go and the replay starts at a checkpoint. */
  readonly limit?: number;
  /** Told of every event applied to the newest state, just before it is applied (notices). */
  readonly observe?: (e: ClusterEvent, before: SocietyState) => void;
}

interface Checkpoint {
  readonly seq: number;
  readonly state: SocietyState;
}

/** The newest events kept by a window: about ten minutes of a quiet society of five. */
export const RECORDING_LIMIT = 200_000;
/** Events between checkpoints, at least; more when the minutes books are large (a copy costs). */
const CHECKPOINT_EVERY = 1000;
const VIEWS_KEPT = 100;

export class Replay {
  /** Every event kept, consecutive; those up to the first checkpoint only built its minutes books. */
  readonly events: ClusterEvent[] = [];
  readonly views: RecordedView[] = [];
  readonly markers: Marker[] = [];
  /** The newest state. */
  head: SocietyState = emptyState();
  /** Whether the recording lacks the cluster's beginning (dropped, or joined late). */
  beginningDropped = false;
  private readonly limit: number;
  private readonly observe: ReplayOptions['observe'];
  /** The first is where the replay can start; none until the first event after the history. */
  private checkpoints: Checkpoint[] = [];
  private sinceCheckpoint = 0;
  private spacing = CHECKPOINT_EVERY;
  /** A hello whose view is used only if the events that follow it do not continue the recording. */
  private pendingHello: { readonly view: ClusterView; readonly seq: number; readonly now: number } | null = null;
  /** Events up to this seq come before the view the recording starts from: minutes books only. */
  private historyUntil = 0;
  /** The last state `stateAt` made, reused when the next asked-for moment is a little later. */
  private scratch: SocietyState | null = null;

  constructor(options: ReplayOptions = {}) {
    this.limit = options.limit ?? RECORDING_LIMIT;
    this.observe = options.observe;
  }

  /** A recording read from a session file (already validated by parseSessionFile). */
  static fromSession(session: SessionFile, options: ReplayOptions = {}): Replay {
    const r = new Replay({ ...options, limit: Math.max(options.limit ?? RECORDING_LIMIT, session.events.length) });
    r.views.push(...session.views);
    const start = session.start;
    if (start !== null) {
      r.head = fromSnapshot(start);
      r.beginningDropped = true;
      // Their effect on the books is in the start state already: kept for the record only.
      for (const e of session.events) if (e.seq <= start.seq) r.events.push(e);
    }
    r.receive(start === null ? session.events : session.events.filter((e) => e.seq > start.seq));
    return r;
  }

  /** The earliest moment the recording can show. */
  get firstSeq(): number {
    return this.checkpoints[0]?.seq ?? this.head.seq;
  }

  get lastSeq(): number {
    return this.head.seq;
  }

  /** The time of the moment after event `seq` (the first moment: its state's time, or its first event's). */
  timeOf(seq: number): number {
    const e = this.eventAt(seq);
    if (e !== undefined) return e.at;
    const first = this.checkpoints[0]?.state ?? this.head;
    return first.seq > 0 ? first.at : (this.events[this.indexAfter(first.seq)]?.at ?? first.at);
  }

  eventAt(seq: number): ClusterEvent | undefined {
    const first = this.events[0];
    if (first === undefined || seq < first.seq) return undefined;
    return this.events[seq - first.seq];
  }

  /** The index in `events` of the first event after `seq`. */
  indexAfter(seq: number): number {
    const first = this.events[0];
    return first === undefined ? 0 : Math.max(0, Math.min(this.events.length, seq - first.seq + 1));
  }

  /** The last moment at or before time `at` (ms since the epoch), within what can be shown. */
  seqAtTime(at: number): number {
    let lo = this.indexAfter(this.firstSeq);
    let hi = this.events.length - 1;
    if (hi < lo || this.events[lo]!.at > at) return this.firstSeq;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.events[mid]!.at <= at) lo = mid;
      else hi = mid - 1;
    }
    return this.events[lo]!.seq;
  }

  /** A hello from the door: the view at `seq`; the events that follow say whether it is needed. */
  hello(view: ClusterView, seq: number, now: number): void {
    this.views.push({ seq, view });
    if (this.views.length > VIEWS_KEPT) this.views.splice(0, this.views.length - VIEWS_KEPT);
    // Behind what we have: a new cluster. Its recording starts over.
    if (seq < this.knownSeq()) this.reset(emptyState(), false);
    this.pendingHello = seq === this.knownSeq() ? null : { view, seq, now };
  }

  /** Events from the door (or a file), in order. */
  receive(batch: readonly ClusterEvent[]): void {
    for (const e of batch) {
      const known = this.knownSeq();
      if (e.seq <= known) continue; // already here (a resumed connection repeats nothing, but be sure)
      if (this.pendingHello !== null) this.settleHello(e);
      else if (e.seq !== known + 1) this.reset(this.head, true); // a gap no hello explains
      if (e.seq <= this.historyUntil) {
        applyToBooks(this.head, e);
        this.head.at = e.at;
        this.events.push(e);
      } else this.applyNewest(e);
    }
    this.dropOldest();
  }

  /**
   * The state after event `seq` (clamped to what the recording holds). Valid until the next call:
   * copy what you keep. Never changes the newest state.
   */
  stateAt(seq: number): SocietyState {
    const base = this.checkpoints[0];
    if (base === undefined || seq >= this.head.seq) return this.head;
    const target = Math.max(base.seq, seq);
    const cp = this.checkpointAt(target);
    let s = this.scratch;
    if (s === null || s.seq > target || s.seq < cp.seq) s = cloneState(cp.state);
    const end = this.indexAfter(target);
    for (let i = this.indexAfter(s.seq); i < end; i++) applyEvent(s, this.events[i]!);
    this.scratch = s;
    return s;
  }

  /** The recording as a session file. */
  toSessionFile(recordedAt: Date, recordedFrom: SessionFile['recordedFrom']): SessionFile {
    const start = this.checkpoints[0]?.state ?? this.head;
    return {
      format: 'raft-society-session',
      version: 1,
      recordedAt: recordedAt.toISOString(),
      recordedFrom,
      start: start.seq === 0 ? null : toSnapshot(start),
      views: this.views,
      events: this.events,
    };
  }

  /** The last event received (while the history before a view arrives, the newest state is ahead of it). */
  private knownSeq(): number {
    return this.events.at(-1)?.seq ?? this.head.seq;
  }

  private settleHello(next: ClusterEvent): void {
    const hello = this.pendingHello!;
    this.pendingHello = null;
    if (next.seq === this.knownSeq() + 1) return; // the recording continues: the view adds nothing
    // Events were missed: start again from the view, keeping the minutes books seen so far (a view
    // has none); the history up to the hello's seq rebuilds them.
    const from = stateFromView(hello.view, hello.seq, hello.now);
    for (const m of from.members.values()) {
      const seen = this.head.members.get(m.id);
      if (seen === undefined) continue;
      for (const entry of seen.book) m.book.push(entry);
      m.snapshotIndex = seen.snapshotIndex;
    }
    this.reset(from, true);
    this.historyUntil = hello.seq;
  }

  /** Start the recording again from `state`: nothing before it can be shown any more. */
  private reset(state: SocietyState, dropped: boolean): void {
    this.head = state;
    this.events.length = 0;
    this.markers.length = 0;
    this.checkpoints = [];
    this.scratch = null;
    this.historyUntil = 0;
    this.sinceCheckpoint = 0;
    this.beginningDropped = dropped;
  }

  private applyNewest(e: ClusterEvent): void {
    if (this.checkpoints.length === 0 || this.sinceCheckpoint >= this.spacing) {
      this.checkpoints.push({ seq: this.head.seq, state: cloneState(this.head) });
      this.sinceCheckpoint = 0;
      let entries = 0;
      for (const m of this.head.members.values()) entries += m.book.length;
      this.spacing = Math.max(CHECKPOINT_EVERY, entries >> 2);
    }
    this.observe?.(e, this.head);
    for (const marker of applyMarking(this.head, e, applyEvent)) this.markers.push(marker);
    this.events.push(e);
    this.sinceCheckpoint++;
  }

  private checkpointAt(seq: number): Checkpoint {
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.checkpoints[mid]!.seq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return this.checkpoints[lo]!;
  }

  /** Keep the newest `limit` events: the replay then starts at the checkpoint nearest to them. */
  private dropOldest(): void {
    if (this.events.length <= this.limit * 1.1 || this.checkpoints.length === 0) return;
    const keepFrom = this.events[this.events.length - this.limit]!.seq;
    const cp = this.checkpointAt(keepFrom - 1);
    const drop = this.indexAfter(cp.seq);
    if (drop === 0) return;
    this.events.splice(0, drop);
    this.checkpoints = this.checkpoints.filter((c) => c.seq >= cp.seq);
    const markers = this.markers.findIndex((m) => m.seq > cp.seq);
    this.markers.splice(0, markers < 0 ? this.markers.length : markers);
    this.beginningDropped = true;
  }
}
