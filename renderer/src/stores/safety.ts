// The safety monitor's report at the moment the window shows: the one in the hello's view, then
// each `checks` event; looking back, the last one at or before `shownSeq`.

import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { ClusterEvent, SafetyReport } from '../../../main/shared/contract.ts';
import { useRecordingStore } from './recording.ts';

export const useSafetyStore = defineStore('safety', () => {
  const recording = useRecordingStore();
  /** Every report received, in seq order. */
  const reports: { readonly seq: number; readonly report: SafetyReport }[] = [];
  // The recording changes in place (its oldest events dropped, a new cluster starting over) or is
  // swapped for an opened session: what was taken is remembered by seq, not by position.
  let source: readonly ClusterEvent[] | null = null;
  let eventsUpTo = 0;
  let viewsUpTo = -1;

  function take(seq: number, report: SafetyReport): void {
    let i = reports.length;
    while (i > 0 && reports[i - 1]!.seq > seq) i--;
    reports.splice(i, 0, { seq, report });
  }

  function catchUp(): void {
    const events = recording.events;
    const newest = events.at(-1)?.seq ?? 0;
    if (events !== source || newest < eventsUpTo) {
      source = events;
      reports.length = 0;
      eventsUpTo = 0;
      viewsUpTo = -1;
    }
    for (const v of recording.views)
      if (v.seq > viewsUpTo) {
        take(v.seq, v.view.safety);
        viewsUpTo = v.seq;
      }
    const first = events[0]?.seq ?? 0;
    // Events have consecutive seqs: the first not yet taken is at its seq's distance from the first.
    for (let i = Math.max(0, eventsUpTo - first + 1); i < events.length; i++) {
      const e = events[i]!;
      if (e.kind === 'checks') take(e.seq, e.report);
    }
    eventsUpTo = Math.max(eventsUpTo, newest);
  }
  const report = computed<SafetyReport | null>(() => {
    // Nothing recorded yet; otherwise `version` says the recording grew: take what arrived (idempotent,
    // so the report is never read behind the recording).
    if (recording.version === 0) return null;
    catchUp();
    const shown = recording.shownSeq;
    let lo = 0;
    let hi = reports.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (reports[mid]!.seq <= shown) lo = mid + 1;
      else hi = mid;
    }
    return reports[lo - 1]?.report ?? null;
  });
  const broken = computed(() => report.value?.properties.filter((p) => p.violations > 0) ?? []);

  return { report, broken };
});
