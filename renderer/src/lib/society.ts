// The one subscription to window.raftSociety: the hello and the event batches are handed to the
// stores (the cluster's state, the flights, the notice board). While the view is paused, batches
// wait here and are applied at once on resume, without animating what is already past.

import { watch } from 'vue';
import type { SocietyListener } from '../../../main/shared/bridge.ts';
import type { ClusterEvent, ClusterView } from '../../../main/shared/contract.ts';
import { useClusterStore } from '../stores/cluster.ts';
import { travelMs, useMessagesStore } from '../stores/messages.ts';
import { useNoticesStore } from '../stores/notices.ts';
import { useRecordingStore } from '../stores/recording.ts';
import { useViewStore } from '../stores/view.ts';
import { lostWords } from './connection-words.ts';
import { joinedNotice, noticeOf } from './event-words.ts';
import { words } from './words.ts';

/** Held events past this many while paused: message events (animation only) are no longer kept. */
const HOLD_LIMIT = 200_000;

export function connectSociety(): () => void {
  const cluster = useClusterStore();
  const messages = useMessagesStore();
  const notices = useNoticesStore();
  const view = useViewStore();
  const recording = useRecordingStore();
  const api = window.raftSociety;
  if (api === undefined) {
    cluster.disconnected(words('app.noDoor'));
    return () => undefined;
  }

  function applyBatch(batch: readonly ClusterEvent[], animate: boolean): void {
    const travel = travelMs(cluster.settings.heartbeatMs, cluster.settings.timeScale);
    for (const e of batch) {
      const live = e.seq > cluster.helloSeq && e.seq > cluster.lastSeq;
      const notable = live ? noticeOf(e, cluster.members) : null;
      if (notable !== null) notices.post(notable.said, notable.tone, e.at);
      cluster.apply(e);
      // With reduced motion a flight does not travel: it shows at the receiver's end for a while.
      if (live && animate && e.kind === 'message') messages.add(e, view.reducedMotion ? travel * 1.5 : travel);
    }
  }

  type Held = { readonly hello: ClusterView; readonly seq: number } | { readonly events: readonly ClusterEvent[] };
  let held: Held[] = [];

  const listener: SocietyListener = {
    hello(v, seq) {
      recording.recordView(v, seq);
      if (view.paused) {
        held.push({ hello: v, seq });
        return;
      }
      messages.clear();
      cluster.hello(v, seq);
      notices.post(joinedNotice(v), 'info', Date.now());
    },
    events(batch) {
      recording.record(batch);
      if (view.paused) {
        const kept = view.waiting > HOLD_LIMIT ? batch.filter((e) => e.kind !== 'message') : batch;
        held.push({ events: kept });
        view.waiting += kept.length;
        return;
      }
      applyBatch(batch, true);
    },
    disconnected(reason) {
      cluster.disconnected(lostWords(reason));
    },
  };

  const stopPause = watch(
    () => view.paused,
    (paused) => {
      if (paused) return;
      const items = held;
      held = [];
      view.waiting = 0;
      for (const item of items) {
        if ('hello' in item) cluster.hello(item.hello, item.seq);
        else applyBatch(item.events, false);
      }
      refresh();
    },
  );

  // The view's links and settings, read again after faults (debounced: a partition is many cuts).
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  function refresh(): void {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      if (view.paused) return;
      void api!.execute('cluster.get', {}).then((r) => {
        if (r.status !== 200) return;
        recording.recordView(r.body as ClusterView, cluster.lastSeq);
        if (!view.paused) cluster.refreshed(r.body as ClusterView);
      });
    }, 60);
  }
  const stopRefresh = watch(() => cluster.needsRefresh, refresh);

  const unsubscribe = api.subscribe(listener);
  return () => {
    unsubscribe();
    stopPause();
    stopRefresh();
    if (refreshTimer !== null) clearTimeout(refreshTimer);
  };
}
