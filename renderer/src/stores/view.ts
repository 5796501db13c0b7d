// How the window shows things, not what the cluster is: the view's pause, the user's motion
// preference, which member's minutes are open, which menu is open where.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useRecordingStore } from './recording.ts';

export type Menu =
  | {
      readonly kind: 'member';
      readonly id: number;
      readonly x: number;
      readonly y: number;
      readonly returnFocus: HTMLElement | SVGElement | null;
    }
  | {
      readonly kind: 'link';
      readonly a: number;
      readonly b: number;
      readonly x: number;
      readonly y: number;
      readonly returnFocus: HTMLElement | SVGElement | null;
    };

export const useViewStore = defineStore('view', () => {
  const recording = useRecordingStore();
  /**
   * The view stands still at one moment of the recording (looking back, or paused at now) while the
   * cluster keeps running. Resuming returns to the live view (or plays an opened session on).
   */
  const paused = computed({
    get: () => recording.cursor !== null && !recording.playing,
    set: (pause: boolean) => {
      if (pause) recording.pause();
      else if (recording.session !== null) recording.play();
      else recording.goLive();
    },
  });
  /** Events recorded after the moment shown. */
  const waiting = computed(() => recording.lastSeq - recording.shownSeq);
  const query = typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  const reducedMotion = ref(query?.matches ?? false);
  query?.addEventListener('change', (e) => (reducedMotion.value = e.matches));
  /** Whose minutes are listed in full; null: the chairman's (or the first member's). */
  const selected = ref<number | null>(null);
  const menu = ref<Menu | null>(null);

  function closeMenu(): void {
    const m = menu.value;
    menu.value = null;
    m?.returnFocus?.focus();
  }

  return { paused, waiting, reducedMotion, selected, menu, closeMenu };
});
