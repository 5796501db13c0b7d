// The safety monitor's report at the moment the window shows: the one in the hello's view, then
// each `checks` event; looking back, the last one at or before `shownSeq`.

import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { SafetyReport } from '../../../main/shared/contract.ts';
import { useRecordingStore } from './recording.ts';

export const useSafetyStore = defineStore('safety', () => {
  const recording = useRecordingStore();
  /** Every report received, in seq order. */
  const reports: { readonly seq: number; readonly report: SafetyReport }[] = [];
  let eventsSeen = 0;
  let viewsSeen = 0;

  function take(seq: number, report: SafetyReport): void {
    let i = reports.length;
    while (i > 0 && reports[i - 1]!.seq > seq) i--;
    reports.splice(i, 0, { seq, report });
  }

  function catchUp(): void {
    for (; viewsSeen < recording.views.length; viewsSeen++) {
      const v = recording.views[viewsSeen]!;
      take(v.seq, v.view.safety);
    }
    for (; eventsSeen < recording.events.length; eventsSeen++) {
      const e = recording.events[eventsSeen]!;
      if (e.kind === 'checks') take(e.seq, e.report);
    }
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
