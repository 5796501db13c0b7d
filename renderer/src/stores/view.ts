// How the window shows things, not what the cluster is: the view's pause, the user's motion
// preference, which member's minutes are open, which menu is open where.

import { defineStore } from 'pinia';
import { ref } from 'vue';

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
  const paused = ref(false);
  /** Events held back while the view is paused. */
  const waiting = ref(0);
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
