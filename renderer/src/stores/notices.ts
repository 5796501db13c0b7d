// The society's notice board: the notable events in plain words (a new chairman, a vote, a crash,
// a severed connection, a conflict in the minutes), newest first, as they stood at the moment the
// window shows, kept as words so a change of language says them again. The recording writes them as
// events arrive (lib/event-words.ts); each recording keeps its own (lib/notice-log.ts), so looking back or replaying a session shows that moment's board.

import { defineStore } from 'pinia';
import { computed } from 'vue';
import { useRecordingStore } from './recording.ts';

export type { Notice, Tone } from '../lib/notice-log.ts';

/** Notices on the board at once. */
const SHOWN = 40;

export const useNoticesStore = defineStore('notices', () => {
  const recording = useRecordingStore();
  const notices = computed(() => recording.noticesAt(SHOWN));
  return { notices };
});
