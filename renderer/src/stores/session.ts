// What this window may do, as the door said with its last hello: command the cluster (admin) or
// only watch (a workshop viewer), and, for an instructor, how viewers join. The server refuses a
// viewer's commands anyway; this is so the window can say so before anyone tries.

import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Access, JoinLink, Session } from '../../../main/shared/bridge.ts';

export const useSessionStore = defineStore('session', () => {
  /** null until the first hello. */
  const access = ref<Access | null>(null);
  const share = shallowRef<readonly JoinLink[] | null>(null);
  const viewer = computed(() => access.value === 'viewer');

  function adopt(s: Session): void {
    access.value = s.access;
    share.value = s.share;
  }

  return { access, share, viewer, adopt };
});
