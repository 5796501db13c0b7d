// The society's notice board: the notable events in plain words (a new chairman, a vote, a crash,
// a severed connection, a conflict in the minutes), newest first. Each is kept as words (a message
// key and its arguments), so the board is said again in the new language when it changes. Repeats
// fold into one line with a count, so an isolated member standing for election again and again does
// not flood the board.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Tone } from '../lib/event-words.ts';
import type { Arg } from '../lib/words.ts';

export interface Notice {
  readonly id: number;
  readonly words: Arg;
  /** The words as JSON: what makes two notices the same. */
  readonly same: string;
  readonly tone: Tone;
  count: number;
  at: number;
}

const KEEP = 40;

export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  function post(words: Arg, tone: Tone, at: number): void {
    const same = JSON.stringify(words);
    const recent = notices.value.slice(0, 4).find((n) => n.same === same);
    if (recent !== undefined) {
      recent.count++;
      recent.at = at;
      return;
    }
    notices.value.unshift({ id: nextId++, words, same, tone, count: 1, at });
    if (notices.value.length > KEEP) notices.value.length = KEEP;
  }

  function clear(): void {
    notices.value = [];
  }

  return { notices, post, clear };
});
