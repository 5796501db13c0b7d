// Everything this window has received from the cluster, in order (lib/replay.ts keeps it, with the
// state after every event a checkpoint plus a few events away), and which moment the window shows:
// the newest (live), an earlier one while the learner looks back or plays it again, or a session
// read from a file. Pausing the view is looking at a fixed moment while the cluster runs on.
//
// For the charts and the message diagram: `events` is the recording shown (the live one, or an
// opened session), `version` changes whenever it grows or changes, `shownSeq` is the moment shown.

import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { ClusterEvent, ClusterView } from '../../../main/shared/contract.ts';
import type { SessionFile } from '../../../main/shared/session-file.ts';
import { noticeOf, type Tone } from '../lib/event-words.ts';
import { NoticeLog, type Notice } from '../lib/notice-log.ts';
import { Replay, type RecordedView } from '../lib/replay.ts';
import type { SocietyState } from '../lib/society-state.ts';
import type { Arg } from '../lib/words.ts';
import { useClusterStore } from './cluster.ts';
import { travelMs, useMessagesStore } from './messages.ts';
import { useViewStore } from './view.ts';

export type { RecordedView } from '../lib/replay.ts';

interface Recorded {
  readonly replay: Replay;
  readonly notices: NoticeLog;
}

export interface OpenedSession extends Recorded {
  readonly fileName: string;
  readonly recordedAt: string;
  readonly recordedFrom: SessionFile['recordedFrom'];
}

/** Playback speeds, in the cluster's time: real time or slower. */
export const playbackRates = [1, 0.5, 0.25, 0.1] as const;

export const useRecordingStore = defineStore('recording', () => {
  const cluster = useClusterStore();
  const messages = useMessagesStore();

  // The notices an event makes, judged against the state just before it.
  const observer =
    (notices: NoticeLog) =>
    (e: ClusterEvent, before: SocietyState): void => {
      const notable = noticeOf(e, before.members);
      if (notable !== null) notices.post(notable.said, notable.tone, e.at, e.seq);
    };
  const liveNotices = new NoticeLog();
  const live: Recorded = { replay: markRaw(new Replay({ observe: observer(liveNotices) })), notices: liveNotices };

  const session = shallowRef<OpenedSession | null>(null);
  const shown = computed<Recorded>(() => session.value ?? live);
  /** The recording shown; plain arrays (hundreds of thousands of events), so `version` says they changed. */
  const events = shallowRef<readonly ClusterEvent[]>(live.replay.events);
  const views = shallowRef<readonly RecordedView[]>(live.replay.views);
  const version = ref(0);
  /** The seq the window shows while looking back; null when live. A session is never live. */
  const cursor = ref<number | null>(null);
  const playing = ref(false);
  const rate = ref<(typeof playbackRates)[number]>(1);

  /** The recording shown; it changes in place, so read `version` too. */
  const replay = computed(() => shown.value.replay);
  const firstSeq = computed(() => (version.value, shown.value.replay.firstSeq));
  const lastSeq = computed(() => (version.value, shown.value.replay.lastSeq));
  const shownSeq = computed(() => cursor.value ?? lastSeq.value);
  const lookingBack = computed(() => cursor.value !== null);

  /** The seq of the last hello: events up to it are history, never animated. */
  let helloSeq = 0;
  /** The newest event's time and when it arrived: the cluster's clock, as well as the window knows it. */
  let arrival = { at: 0, perf: 0 };
  let playFrom = { at: 0, perf: 0 };
  let frame: number | null = null;

  function show(): void {
    const r = shown.value.replay;
    cluster.show(cursor.value === null ? r.head : r.stateAt(cursor.value));
  }

  /** Fly the message events among `list`; `slower` stretches the flights (playback below 1x). */
  function fly(list: readonly ClusterEvent[], slower: number, notBefore = -Infinity): void {
    const view = useViewStore();
    const travel = travelMs(cluster.settings.heartbeatMs, cluster.settings.timeScale) / slower;
    // With reduced motion a flight does not travel: it shows at the receiver's end for a while.
    const duration = view.reducedMotion ? travel * 1.5 : travel;
    for (const e of list) if (e.kind === 'message' && e.seq > helloSeq && e.at >= notBefore) messages.add(e, duration);
  }

  function hello(view: ClusterView, seq: number): void {
    if (seq < live.replay.lastSeq) {
      // A new cluster: the recording starts over, and what was looked at is gone.
      liveNotices.clear();
      if (session.value === null) {
        stopPlaying();
        cursor.value = null;
      }
    }
    live.replay.hello(view, seq, Date.now());
    helloSeq = seq;
    version.value++;
    if (session.value === null && cursor.value === null) {
      messages.clear();
      show();
    }
  }

  function receive(batch: readonly ClusterEvent[]): void {
    live.replay.receive(batch);
    arrival = { at: live.replay.head.at, perf: performance.now() };
    version.value++;
    if (session.value !== null) return;
    if (cursor.value === null) {
      show();
      fly(batch, 1);
    } else if (cursor.value < live.replay.firstSeq) {
      // The moment shown has been dropped from the recording: show the earliest one kept.
      lookAt(live.replay.firstSeq);
    }
  }

  /** Post a notice of the live recording that no event makes (joining the meeting). */
  function postLive(words: Arg, tone: Tone, seq: number): void {
    liveNotices.post(words, tone, Date.now(), seq);
    version.value++;
  }

  function noticesAt(limit: number): Notice[] {
    return (version.value, shown.value.notices.upTo(shownSeq.value, limit));
  }

  function stopPlaying(): void {
    playing.value = false;
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
  }

  /** Show the moment after event `seq` (clamped to the recording), without animation. */
  function lookAt(seq: number): void {
    stopPlaying();
    const r = shown.value.replay;
    cursor.value = Math.max(r.firstSeq, Math.min(seq, r.lastSeq));
    messages.clear();
    show();
  }

  function step(count: number): void {
    lookAt(shownSeq.value + count);
  }

  /** To the next (or previous) marked moment: an election, a crash, a fault, ... */
  function stepMarker(direction: 1 | -1): void {
    const r = shown.value.replay;
    const at = shownSeq.value;
    const next = direction > 0 ? r.markers.find((m) => m.seq > at) : r.markers.findLast((m) => m.seq < at);
    if (next !== undefined) lookAt(next.seq);
    else if (direction < 0) lookAt(r.firstSeq);
    else if (session.value === null) goLive();
    else lookAt(r.lastSeq);
  }

  /** Back to now: the live society (closing a session that was open). */
  function goLive(): void {
    stopPlaying();
    if (session.value !== null) {
      session.value = null;
      events.value = live.replay.events;
      views.value = live.replay.views;
      version.value++;
    }
    cursor.value = null;
    messages.clear();
    show();
  }

  /** Hold the view still: looking at this moment while the cluster keeps running. */
  function pause(): void {
    if (playing.value) stopPlaying();
    else if (cursor.value === null) lookAt(lastSeq.value);
  }

  /** The cluster's time at the moment shown (ms since the epoch); moves on while live or playing. */
  function clusterNow(): number {
    if (cursor.value === null) return arrival.at + (performance.now() - arrival.perf);
    if (playing.value) return playFrom.at + (performance.now() - playFrom.perf) * rate.value;
    return shown.value.replay.timeOf(cursor.value);
  }

  function tick(): void {
    frame = null;
    if (!playing.value || cursor.value === null) return;
    const r = shown.value.replay;
    const now = clusterNow();
    const target = r.seqAtTime(now);
    if (target > cursor.value) {
      const from = r.indexAfter(cursor.value);
      cursor.value = target;
      show();
      // Only what is still on its way: after a long frame (a hidden tab) the rest has landed.
      fly(r.events.slice(from, r.indexAfter(target)), rate.value, now - 2000 * rate.value);
    }
    if (target >= r.lastSeq) {
      if (session.value === null) goLive();
      else stopPlaying();
      return;
    }
    frame = requestAnimationFrame(tick);
  }

  /** Play from the moment shown, in the cluster's time at `rate`; caught up, the live view takes over. */
  function play(): void {
    const r = shown.value.replay;
    if (cursor.value === null) return;
    if (cursor.value >= r.lastSeq) {
      if (session.value === null) return goLive();
      lookAt(r.firstSeq); // a session played to its end starts again
    }
    playFrom = { at: r.timeOf(cursor.value), perf: performance.now() };
    playing.value = true;
    frame ??= requestAnimationFrame(tick);
  }

  function setRate(r: (typeof playbackRates)[number]): void {
    if (playing.value) playFrom = { at: clusterNow(), perf: performance.now() };
    rate.value = r;
  }

  /** Open a session read from a file: shown from its beginning, the live society recording on behind it. */
  function openSession(file: SessionFile, fileName: string): void {
    stopPlaying();
    const notices = new NoticeLog();
    const replay = markRaw(Replay.fromSession(file, { observe: observer(notices) }));
    session.value = { replay, notices, fileName, recordedAt: file.recordedAt, recordedFrom: file.recordedFrom };
    events.value = replay.events;
    views.value = replay.views;
    version.value++;
    lookAt(replay.firstSeq);
  }

  return {
    events,
    views,
    version,
    cursor,
    playing,
    rate,
    session,
    replay,
    firstSeq,
    lastSeq,
    shownSeq,
    lookingBack,
    hello,
    receive,
    postLive,
    noticesAt,
    lookAt,
    step,
    stepMarker,
    goLive,
    pause,
    play,
    setRate,
    clusterNow,
    openSession,
  };
});
