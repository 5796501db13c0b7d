// How the window presents itself to a room: presenter mode (the big-screen layout, remembered in
// this browser), the key help and the share dialog, and the announcements of what a hotkey just did
// (so the audience sees why the society changed).

import { defineStore } from 'pinia';
import { ref, watchEffect } from 'vue';

const STORAGE_KEY = 'raft-society.presenter';
/** In presenter mode the hall is laid out for at least this space and scaled up to fill its own, */
const HALL_BASE = { width: 620, height: 430 };
/** by at most this much. */
const HALL_MAX_ZOOM = 1.5;
/** How long an announcement stays on screen. */
export const ANNOUNCE_MS = 3500;
const SHOW_ANNOUNCEMENTS = 3;

export interface Announcement {
  readonly id: number;
  /** The key as shown on its keycap, e.g. "C". */
  readonly key: string;
  readonly message: string;
}

export const usePresenterStore = defineStore('presenter', () => {
  const on = ref(localStorage.getItem(STORAGE_KEY) === 'on');
  const helpOpen = ref(false);
  const shareOpen = ref(false);
  const announcements = ref<Announcement[]>([]);
  let nextId = 1;

  // The whole page's type grows with the root font size (styles are in rem): see App.vue.
  watchEffect(() => {
    document.documentElement.classList.toggle('presenter', on.value);
  });

  function toggle(): void {
    on.value = !on.value;
    localStorage.setItem(STORAGE_KEY, on.value ? 'on' : 'off');
  }

  /** How much larger than its pixels the hall draws everything, in a space this big. */
  function hallZoom(width: number, height: number): number {
    if (!on.value) return 1;
    return Math.min(HALL_MAX_ZOOM, Math.max(1, Math.min(width / HALL_BASE.width, height / HALL_BASE.height)));
  }

  /** Show what a key did; `replaces`: an earlier announcement of the same key sequence, taken down. */
  function announce(key: string, message: string, replaces: number | null = null): number {
    const id = nextId++;
    const others = announcements.value.filter((a) => a.id !== replaces);
    announcements.value = [...others, { id, key, message }].slice(-SHOW_ANNOUNCEMENTS);
    setTimeout(() => {
      announcements.value = announcements.value.filter((a) => a.id !== id);
    }, ANNOUNCE_MS);
    return id;
  }

  return { on, helpOpen, shareOpen, announcements, hallZoom, toggle, announce };
});
