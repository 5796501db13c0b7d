// The notice board's memory for one recording: every notice with the seqs at which it was posted,
// so the board can show what it said at any recorded moment. Repeats fold into one notice with a
// count (an isolated member standing for election again and again does not flood the board).
// Notices are kept as words (a message key and its arguments), so a change of language says the
// whole board again.

import type { Tone } from './event-words.ts';
import type { Arg } from './words.ts';

export type { Tone } from './event-words.ts';

export interface Notice {
  readonly id: number;
  readonly words: Arg;
  readonly tone: Tone;
  /** How often it was posted up to the moment shown, and when it last was. */
  readonly count: number;
  readonly at: number;
}

interface Posted {
  readonly id: number;
  readonly words: Arg;
  /** The words as JSON: what makes two notices the same. */
  readonly same: string;
  readonly tone: Tone;
  /** Each time it was posted: the seq, and the time (ms since the epoch). Ascending. */
  readonly seqs: number[];
  readonly ats: number[];
}

/** A repeat folds into one of the newest few notices with the same words. */
const FOLD_WITHIN = 4;
/** Notices remembered per recording; older ones are forgotten. */
const KEEP = 10_000;
let nextId = 1;

/** How many of the ascending `seqs` are at or below `seq`. */
function countUpTo(seqs: readonly number[], seq: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqs[mid]! <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class NoticeLog {
  /** By the seq of their first posting. */
  private readonly posted: Posted[] = [];
  /** The board as the newest post left it: live, it is asked for every frame and rarely changes. */
  private newest: { readonly limit: number; readonly shown: Notice[] } | null = null;
  /** The seq of the latest posting. */
  private last = 0;

  post(words: Arg, tone: Tone, at: number, seq: number): void {
    this.newest = null;
    this.last = Math.max(this.last, seq);
    const same = JSON.stringify(words);
    const recent = this.posted.slice(-FOLD_WITHIN).find((n) => n.same === same && n.seqs.at(-1)! <= seq);
    if (recent !== undefined) {
      recent.seqs.push(seq);
      recent.ats.push(at);
      return;
    }
    const notice: Posted = { id: nextId++, words, same, tone, seqs: [seq], ats: [at] };
    let i = this.posted.length;
    while (i > 0 && this.posted[i - 1]!.seqs[0]! > seq) i--;
    this.posted.splice(i, 0, notice);
    if (this.posted.length > KEEP) this.posted.splice(0, this.posted.length - KEEP);
  }

  /**
   * The newest `limit` notices as the board showed them after event `seq`, newest first. Past the
   * last posting the answer is the same array until something is posted.
   */
  upTo(seq: number, limit: number): Notice[] {
    const newest = seq >= this.last;
    if (newest && this.newest?.limit === limit) return this.newest.shown;
    const shown: Notice[] = [];
    for (let i = this.posted.length - 1; i >= 0 && shown.length < limit; i--) {
      const n = this.posted[i]!;
      const count = countUpTo(n.seqs, seq);
      if (count > 0) shown.push({ id: n.id, words: n.words, tone: n.tone, count, at: n.ats[count - 1]! });
    }
    if (newest) this.newest = { limit, shown };
    return shown;
  }

  clear(): void {
    this.posted.length = 0;
    this.newest = null;
    this.last = 0;
  }
}
