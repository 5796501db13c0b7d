// The cluster as the window shows it: a reactive copy of one state of the recording (the newest
// while live, an earlier one while looking back; lib/society-state.ts makes them). `show` copies a
// state in, changing only what differs, so a component redraws only what changed.

import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowReactive, shallowRef } from 'vue';
import type { LinkView, MemberView, Network, SettingsView } from '../../../main/shared/contract.ts';
import {
  configurationOf,
  defaultSettings,
  leaderOf,
  linkOf,
  linksOf,
  type MemberState,
  type SocietyState,
} from '../lib/society-state.ts';
import type { Arg } from '../lib/words.ts';

export type Member = MemberState;
export type Role = MemberView['role'];

export type Connection =
  | { readonly state: 'connecting' }
  | { readonly state: 'live' }
  /** The reason, in words where we know its form (connection-words.ts). */
  | { readonly state: 'lost'; readonly reason: Arg };

export type Settings = SettingsView;

/** Make `shown` hold the entries of `book`, touching only the part that differs (usually the end). */
function syncBook(shown: Member['book'], book: Member['book']): void {
  if (shown.length === book.length && shown[0] === book[0] && shown.at(-1) === book.at(-1)) return;
  // Entries dropped from the front (the book's limit) keep their successors' places.
  const offset = book.length === 0 ? -1 : shown.indexOf(book[0]!);
  if (offset > 0) shown.splice(0, offset);
  let same = 0;
  const n = Math.min(shown.length, book.length);
  while (same < n && shown[same] === book[same]) same++;
  shown.length = same;
  for (let i = same; i < book.length; i++) shown.push(book[i]!);
}

export const useClusterStore = defineStore('cluster', () => {
  const connection = ref<Connection>({ state: 'connecting' });
  const members = reactive(new Map<number, Member>());
  const network = shallowRef<Network>({ cuts: [], faults: [] });
  const settings = shallowRef<Settings>(defaultSettings);

  const memberList = computed(() => [...members.values()].sort((a, b) => a.id - b.id));
  const leader = computed<Member | null>(() => leaderOf(members.values()));
  const term = computed(() => Math.max(0, ...[...members.values()].map((m) => m.term)));
  const configuration = computed(() => configurationOf(members.values()));
  const voters = computed(() => configuration.value.voters);
  const learners = computed(() => configuration.value.learners);
  const majority = computed(() => Math.floor(voters.value.length / 2) + 1);
  const links = computed(() =>
    linksOf(
      network.value,
      memberList.value.map((m) => m.id),
    ),
  );

  /** Show `state`: copy it in (it may be changed or reused by the recording afterwards). */
  function show(state: SocietyState): void {
    for (const id of [...members.keys()]) if (!state.members.has(id)) members.delete(id);
    for (const m of state.members.values()) {
      const shown = members.get(m.id);
      if (shown === undefined) {
        members.set(m.id, { ...m, book: shallowReactive([...m.book]) });
        continue;
      }
      // Only what differs: setting a reactive field to the same value triggers nothing.
      shown.name = m.name;
      shown.role = m.role;
      shown.term = m.term;
      shown.vote = m.vote;
      shown.leader = m.leader;
      shown.commit = m.commit;
      shown.applied = m.applied;
      shown.first = m.first;
      shown.last = m.last;
      shown.status = m.status;
      shown.pid = m.pid;
      shown.progress = m.progress;
      shown.timerResetAt = m.timerResetAt;
      shown.snapshotIndex = m.snapshotIndex;
      shown.config = m.config;
      syncBook(shown.book, m.book);
    }
    network.value = state.network;
    settings.value = state.settings;
  }

  function connected(): void {
    connection.value = { state: 'live' };
  }

  function disconnected(reason: Arg): void {
    connection.value = { state: 'lost', reason };
  }

  function link(from: number, to: number): LinkView | undefined {
    return linkOf(links.value, from, to);
  }

  return {
    connection,
    members,
    network,
    settings,
    memberList,
    leader,
    term,
    voters,
    learners,
    majority,
    links,
    show,
    connected,
    disconnected,
    link,
  };
});
