// Words said in the current language: numbers formatted for it, members named in it, nested words
// said too. Called from templates and computeds, so a change of language re-renders them.

import { i18n } from '../i18n/index.ts';
import { shortName } from './member-words.ts';
import { words, type Arg, type Params } from './words.ts';

export function format(a: Arg): string {
  const { t, n } = i18n.global;
  if (typeof a === 'string') return a;
  if (typeof a === 'number') return n(a, Number.isInteger(a) ? 'integer' : 'decimal');
  if ('percent' in a) return n(a.percent, 'percent');
  if ('member' in a) return shortName(a.member === null ? undefined : { id: a.id, name: a.member }, a.id);
  if (a.params === undefined) return t(a.key);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.params)) params[k] = format(v);
  return t(a.key, params);
}

/** A Raft message type in the current language; a type the window does not know, as it came. */
export function messageTypeWord(type: string): string {
  const key = `hall.messageType.${type}`;
  return i18n.global.te(key, 'en') ? i18n.global.t(key) : type;
}

/** A message in the current language, its numbers formatted and its members named. */
export function say(key: string, params?: Params): string {
  return format(words(key, params));
}
