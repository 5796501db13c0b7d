// The presenter's keyboard: one table that the key handler (PresenterKeys.vue) and the help overlay
// (HotkeyHelp.vue) both read, so what the help says is what the keys do. Names and descriptions are
// in the i18n messages `presenter.keys.<id>`.
//
// Reserved for lessons (bound by the lessons feature, listed here so the help is complete): ".",
// ",", Space, PageUp, PageDown, ArrowLeft, ArrowRight, Home. A presentation remote sends PageDown/PageUp,
// or "." and Space, so none of these may do anything else.

export type HotkeyGroup = 'members' | 'network' | 'business' | 'protocol' | 'window' | 'lessons';

/** What the keys of this feature do. */
export type ActionId =
  | 'crashChairman'
  | 'restartCrashed'
  | 'freezeChairman'
  | 'isolate'
  | 'toggleLink'
  | 'monsoon'
  | 'heal'
  | 'propose'
  | 'addMember'
  | 'preVote'
  | 'checkQuorum'
  | 'faster'
  | 'slower'
  | 'presenter'
  | 'share'
  | 'help';

/** The lessons' keys, handled by the lessons feature. */
export type LessonKeyId = 'lessonNext' | 'lessonPrevious' | 'lessonRestart';

interface HotkeyBase {
  /** KeyboardEvent.key values that trigger it (letters in lower case; Shift is ignored for letters). */
  readonly keys: readonly string[];
  readonly group: HotkeyGroup;
  /** What is typed next: a member's number (1-9), or two of them (a connection). */
  readonly then?: 'member' | 'link';
  /** Changes the cluster, so a viewer may not use it. */
  readonly acts: boolean;
}

export interface ActionHotkey extends HotkeyBase {
  readonly id: ActionId;
  readonly elsewhere?: undefined;
}

/** Handled by another feature (lessons); listed for the help only. */
export interface ElsewhereHotkey extends HotkeyBase {
  readonly id: LessonKeyId;
  readonly elsewhere: true;
}

export type Hotkey = ActionHotkey | ElsewhereHotkey;

export const hotkeys: readonly Hotkey[] = [
  { id: 'crashChairman', keys: ['c'], group: 'members', acts: true },
  { id: 'restartCrashed', keys: ['r'], group: 'members', acts: true },
  { id: 'freezeChairman', keys: ['f'], group: 'members', acts: true },
  { id: 'addMember', keys: ['a'], group: 'members', acts: true },
  { id: 'isolate', keys: ['i'], group: 'network', then: 'member', acts: true },
  { id: 'toggleLink', keys: ['l'], group: 'network', then: 'link', acts: true },
  { id: 'monsoon', keys: ['m'], group: 'network', acts: true },
  { id: 'heal', keys: ['h'], group: 'network', acts: true },
  { id: 'propose', keys: ['p'], group: 'business', acts: true },
  { id: 'preVote', keys: ['v'], group: 'protocol', acts: true },
  { id: 'checkQuorum', keys: ['q'], group: 'protocol', acts: true },
  { id: 'faster', keys: ['+', '='], group: 'protocol', acts: true },
  { id: 'slower', keys: ['-', '_'], group: 'protocol', acts: true },
  { id: 'presenter', keys: ['b'], group: 'window', acts: false },
  { id: 'share', keys: ['s'], group: 'window', acts: false },
  { id: 'help', keys: ['?'], group: 'window', acts: false },
  { id: 'lessonNext', keys: ['PageDown', 'ArrowRight', ' ', '.'], group: 'lessons', acts: false, elsewhere: true },
  { id: 'lessonPrevious', keys: ['PageUp', 'ArrowLeft', ','], group: 'lessons', acts: false, elsewhere: true },
  { id: 'lessonRestart', keys: ['Home'], group: 'lessons', acts: false, elsewhere: true },
];

export const hotkeyGroups: readonly HotkeyGroup[] = ['members', 'network', 'business', 'protocol', 'window', 'lessons'];

/** The hotkey this feature handles for a KeyboardEvent.key, if any (not the lessons' keys). */
export function hotkeyFor(key: string): ActionHotkey | undefined {
  const k = key.length === 1 ? key.toLowerCase() : key;
  return hotkeys.find((h): h is ActionHotkey => h.elsewhere !== true && h.keys.includes(k));
}

/** A member's number typed after a key that asks for one (1-9). */
export function memberDigit(key: string): number | null {
  return /^[1-9]$/.test(key) ? Number(key) : null;
}

/** Keys whose names are words, in `presenter.keyNames`. */
const keyNames: Readonly<Record<string, string>> = {
  ' ': 'space',
  PageDown: 'pageDown',
  PageUp: 'pageUp',
  Home: 'home',
};
const arrows: Readonly<Record<string, string>> = { ArrowRight: '→', ArrowLeft: '←' };

/** A key as its keycap shows it: "C", "?", "→", "Page Down". */
export function keyCap(key: string, t: (messageKey: string) => string): string {
  const name = keyNames[key];
  if (name !== undefined) return t(`presenter.keyNames.${name}`);
  return arrows[key] ?? key.toUpperCase();
}
