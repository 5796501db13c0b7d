// What the charts and the message diagram draw, derived from the recording at the moment the
// window shows (`shownSeq`). Worked out only while a chart or the diagram is on screen, and at most
// a few times a second however fast events arrive (once a second with reduced motion), so the
// hall's animation never waits for it.

import { defineStore } from 'pinia';
import { onMounted, onUnmounted, ref, shallowRef, watch } from 'vue';
import { InsightsTimeline, type Insights } from '../lib/insights.ts';
import { sequenceOf, type Sequence } from '../lib/sequence.ts';
import { useClusterStore } from './cluster.ts';
import { useRecordingStore } from './recording.ts';
import { useViewStore } from './view.ts';

export const chartSpans = [60_000, 120_000, 300_000] as const;
export const diagramSpans = [1000, 3000, 10_000] as const;

export const useInsightsStore = defineStore('insights', () => {
  const recording = useRecordingStore();
  const cluster = useClusterStore();
  const view = useViewStore();

  const chartSpanMs = ref<number>(120_000);
  const diagramSpanMs = ref<number>(3000);
  const heartbeats = ref(true);
  const insights = shallowRef<Insights | null>(null);
  const sequence = shallowRef<Sequence | null>(null);

  const timeline = new InsightsTimeline();
  let users = { charts: 0, diagram: 0 };
  let timer: ReturnType<typeof setTimeout> | null = null;

  function update(): void {
    timer = null;
    const shown = recording.shownSeq;
    const b = timeline.at(recording.events, shown);
    if (users.charts > 0) insights.value = b.insights(chartSpanMs.value);
    if (users.diagram > 0)
      sequence.value = sequenceOf(recording.events, shown, {
        startAt: b.at - diagramSpanMs.value,
        endAt: b.at,
        heartbeats: heartbeats.value,
        members: cluster.memberList.map((m) => m.id),
      });
  }

  function schedule(): void {
    if (timer !== null || users.charts + users.diagram === 0) return;
    timer = setTimeout(update, view.reducedMotion ? 1000 : 250);
  }

  watch(() => recording.shownSeq, schedule);
  // A choice of what to show is drawn at once.
  watch([chartSpanMs, diagramSpanMs, heartbeats], () => {
    if (timer !== null) clearTimeout(timer);
    if (users.charts + users.diagram > 0) update();
  });

  /** A chart or the diagram came on screen; returns the function to call when it goes. */
  function use(what: 'charts' | 'diagram'): () => void {
    users = { ...users, [what]: users[what] + 1 };
    update();
    return () => {
      users = { ...users, [what]: users[what] - 1 };
    };
  }

  return { chartSpanMs, diagramSpanMs, heartbeats, insights, sequence, use };
});

/** The insights store, worked out while the calling component (a chart or the diagram) is mounted. */
export function useInsightsWhileMounted(what: 'charts' | 'diagram'): ReturnType<typeof useInsightsStore> {
  const store = useInsightsStore();
  let stop: () => void = () => undefined;
  onMounted(() => {
    stop = store.use(what);
  });
  onUnmounted(() => {
    stop();
  });
  return store;
}
