// The Inside panel: whether it is open and which tab it shows. Opened from the top bar's safety
// badge; focus goes back there when it closes.

import { defineStore } from 'pinia';
import { ref } from 'vue';

export const insideTabs = ['safety', 'charts', 'messages', 'stress'] as const;
export type InsideTab = (typeof insideTabs)[number];

export const useInsideStore = defineStore('inside', () => {
  const open = ref(false);
  const tab = ref<InsideTab>('safety');
  let opener: HTMLElement | null = null;

  function show(which: InsideTab, from: HTMLElement | null = null): void {
    tab.value = which;
    open.value = true;
    opener = from;
  }

  function close(): void {
    open.value = false;
    opener?.focus();
    opener = null;
  }

  return { open, tab, show, close };
});
