// The stress button: a burst of writes through the same door as every other command
// (window.raftSociety.execute('kv', ...)), with its figures shown live and summed up at the end.

import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { StressRun, type StressFigures } from '../lib/stress.ts';

export const stressCounts = [100, 500, 2000] as const;
export const stressConcurrency = [1, 4, 16, 64] as const;
const REFRESH_MS = 250;

export const useStressStore = defineStore('stress', () => {
  const count = ref<number>(500);
  const concurrency = ref<number>(16);
  const run = shallowRef<StressRun | null>(null);
  const figures = shallowRef<StressFigures | null>(null);
  const running = ref(false);
  /** Keys name the burst, so its writes are recognisable in the minutes: stress-<burst>-<i>. */
  let burst = 0;

  async function start(): Promise<void> {
    const api = window.raftSociety;
    if (api === undefined || running.value) return;
    const name = `stress-${Date.now().toString(36)}-${++burst}`;
    const r = new StressRun({
      count: count.value,
      concurrency: concurrency.value,
      now: () => performance.now(),
      write: async (i) => (await api.execute('kv', { op: 'set', key: `${name}-${i}`, value: String(i) })).status,
    });
    run.value = r;
    running.value = true;
    figures.value = r.figures();
    const timer = setInterval(() => (figures.value = r.figures()), REFRESH_MS);
    try {
      await r.run();
    } finally {
      clearInterval(timer);
      figures.value = r.figures();
      running.value = false;
    }
  }

  function cancel(): void {
    run.value?.cancel();
  }

  return { count, concurrency, run, figures, running, start, cancel };
});
