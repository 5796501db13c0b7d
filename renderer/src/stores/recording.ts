// Everything this window has received from the cluster, in order: the views (the hello's, and each
// one read again after a fault) and every event. Time travel replays it, the charts and the message
// diagram read it, and a session file is exported from it. `shownSeq` is the moment the window shows:
// the newest event when live, an earlier one while the learner looks back.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ClusterEvent, ClusterView } from '../../../main/shared/contract.ts';

export interface RecordedView {
  readonly seq: number;
  readonly view: ClusterView;
}

export const useRecordingStore = defineStore('recording', () => {
  // Plain arrays, not reactive ones (hundreds of thousands of events); `version` says they grew.
  const events: ClusterEvent[] = [];
  const views: RecordedView[] = [];
  const version = ref(0);
  /** The seq the window shows while looking back; null when live. */
  const cursor = ref<number | null>(null);

  const lastSeq = computed(() => (version.value, events.at(-1)?.seq ?? 0));
  const shownSeq = computed(() => cursor.value ?? lastSeq.value);

  function recordView(view: ClusterView, seq: number): void {
    views.push({ seq, view });
    version.value++;
  }

  function record(batch: readonly ClusterEvent[]): void {
    const last = events.at(-1)?.seq ?? 0;
    for (const e of batch) if (e.seq > last) events.push(e);
    version.value++;
  }

  return { events, views, version, cursor, lastSeq, shownSeq, recordView, record };
});
