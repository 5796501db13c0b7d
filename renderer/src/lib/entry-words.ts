// What a minutes-book entry records, in the current language. The supervisor describes each entry
// in English (main/cluster/entry-view.ts); its forms are read back here, and anything of another
// form is shown as it came. A register key containing " = " or ": " is split at its first one.

import type { EntryView } from '../../../main/shared/contract.ts';
import { words, type Arg } from './words.ts';

const membership: Record<string, string> = {
  'add voter': 'books.entries.addVoter',
  'add learner': 'books.entries.addLearner',
  'promote learner': 'books.entries.promoteLearner',
  'remove member': 'books.entries.remove',
};

export function entryWords(e: Pick<EntryView, 'kind' | 'label'>): Arg {
  const label = e.label;
  let m: RegExpExecArray | null;
  if (e.kind === 'noop') return words('books.entries.noop');
  if (e.kind === 'membership') {
    m = /^(add voter|add learner|promote learner|remove member) (\d+)$/.exec(label);
    return m === null ? label : words(membership[m[1]!]!, { node: Number(m[2]) });
  }
  if ((m = /^decision: ([\s\S]*)$/.exec(label)) !== null) return words('books.entries.decision', { text: m[1]! });
  if ((m = /^set ([\s\S]*?) = ([\s\S]*)$/.exec(label)) !== null)
    return words('books.entries.set', { key: m[1]!, value: m[2]! });
  if ((m = /^cas ([\s\S]*?): ([\s\S]*) -> ([\s\S]*)$/.exec(label)) !== null)
    return words('books.entries.cas', {
      key: m[1]!,
      expected: m[2] === '(absent)' ? words('books.entries.absent') : m[2]!,
      value: m[3]!,
    });
  if (label === 'unreadable command (refused by every member)') return words('books.entries.unreadable');
  return label;
}
