// The cluster as the window knows it: derived from the door's hello (a ClusterView) and the event
// stream that follows. Members' Raft state comes from `state` and `member` events; each member's
// minutes book from its `append` events (a later append from an index replaces everything from that
// index on, as in the member's log) and is stamped committed as the member's commit index passes
// each entry. Links, settings and the configuration are read from the view, refreshed after every
// `fault` event (the event only describes the change in words).

import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowReactive } from 'vue';
import type {
  ClusterEvent,
  ClusterView,
  EntryView,
  LinkView,
  MemberStatus,
  MemberView,
} from '../../../main/shared/contract.ts';
import type { Arg } from '../lib/words.ts';

export type Role = MemberView['role'];

export interface Member {
  readonly id: number;
  name: string;
  role: Role;
  term: number;
  vote: number | null;
  leader: number | null;
  commit: number;
  applied: number;
  first: number;
  last: number;
  status: MemberStatus;
  pid: number | null;
  progress: MemberView['progress'];
  /** performance.now() when its election timer last restarted: heard the chairman, voted, stood. */
  timerResetAt: number;
  /** The minutes book as seen in events: consecutive entries, oldest first. */
  readonly book: EntryView[];
  /** Entries at or below this index are in a snapshot (compacted). */
  snapshotIndex: number;
}

export type Connection =
  | { readonly state: 'connecting' }
  | { readonly state: 'live' }
  /** The reason, in words where we know its form (connection-words.ts). */
  | { readonly state: 'lost'; readonly reason: Arg };

export type Settings = ClusterView['settings'];

const linkKey = (from: number, to: number): string => `${from}>${to}`;
/** Entries kept per minutes book; older ones are forgotten by the view (the member keeps them). */
const BOOK_LIMIT = 5000;

/** Does `e` restart `m`'s election timer? A notice or pages from a chairman, or granting a vote. */
function resetsTimer(e: ClusterEvent & { kind: 'message' }, m: Member): boolean {
  return (
    e.phase === 'received' &&
    e.node === m.id &&
    e.term >= m.term &&
    (e.type === 'heartbeat' || e.type === 'append' || e.type === 'snapshot')
  );
}

export const useClusterStore = defineStore('cluster', () => {
  const connection = ref<Connection>({ state: 'connecting' });
  const members = reactive(new Map<number, Member>());
  const links = reactive(new Map<string, LinkView>());
  const voters = ref<readonly number[]>([]);
  const learners = ref<readonly number[]>([]);
  const settings = ref<Settings>({
    timeScale: 1,
    preVote: true,
    checkQuorum: true,
    electionTimeoutMs: [150, 300],
    heartbeatMs: 50,
    snapshotThreshold: 1000,
    canFreeze: true,
  });
  /** The seq of the hello's view; events at or below it are history (minutes books only). */
  const helloSeq = ref(0);
  /** The last event applied. */
  const lastSeq = ref(0);
  /** Set when the view must be read again (after a fault or an unknown member). */
  const needsRefresh = ref(0);

  const memberList = computed(() => [...members.values()].sort((a, b) => a.id - b.id));
  const leader = computed<Member | null>(() => {
    let best: Member | null = null;
    for (const m of members.values())
      if (m.role === 'leader' && m.status === 'running' && (best === null || m.term > best.term)) best = m;
    return best;
  });
  const term = computed(() => Math.max(0, ...[...members.values()].map((m) => m.term)));
  const majority = computed(() => Math.floor(voters.value.length / 2) + 1);

  function blankMember(id: number, name: string): Member {
    return {
      id,
      name,
      role: 'follower',
      term: 0,
      vote: null,
      leader: null,
      commit: 0,
      applied: 0,
      first: 0,
      last: 0,
      status: 'starting',
      pid: null,
      progress: [],
      timerResetAt: performance.now(),
      book: shallowReactive<EntryView[]>([]),
      snapshotIndex: 0,
    };
  }

  /** Take the view's links, settings, configuration and names; add and drop members to match it. */
  function adoptView(view: ClusterView, withMemberState: boolean): void {
    voters.value = view.voters;
    learners.value = view.learners;
    settings.value = view.settings;
    links.clear();
    for (const l of view.links) links.set(linkKey(l.from, l.to), l);
    const ids = new Set(view.nodes.map((n) => n.id));
    for (const id of [...members.keys()]) if (!ids.has(id)) members.delete(id);
    for (const n of view.nodes) {
      let m = members.get(n.id);
      if (m === undefined) {
        m = blankMember(n.id, n.name);
        members.set(n.id, m);
        withMemberState = true;
      }
      m.name = n.name;
      if (!withMemberState) continue;
      Object.assign(m, {
        role: n.role,
        term: n.term,
        vote: n.vote,
        leader: n.leader,
        commit: n.commitIndex,
        applied: n.appliedIndex,
        first: n.firstIndex,
        last: n.lastIndex,
        status: n.status,
        pid: n.pid,
        progress: n.progress,
      });
      // A member that is down reports nothing (last 0): its book stays as it was seen.
      if (n.status === 'running' || n.status === 'paused') trimBook(m);
    }
  }

  function hello(view: ClusterView, seq: number): void {
    // A hello behind what we applied comes from a new cluster: forget the old one entirely.
    if (seq < lastSeq.value) {
      members.clear();
      lastSeq.value = 0;
    }
    helloSeq.value = seq;
    connection.value = { state: 'live' };
    adoptView(view, true);
  }

  function refreshed(view: ClusterView): void {
    adoptView(view, false);
  }

  function disconnected(reason: Arg): void {
    connection.value = { state: 'lost', reason };
  }

  /** The member's log ends at `last`: entries past it were never kept (a torn tail, a truncation). */
  function trimBook(m: Member): void {
    const past = m.book.findIndex((e) => e.index > m.last);
    if (past >= 0) m.book.splice(past);
  }

  function append(m: Member, entries: readonly EntryView[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const start = m.book[0]?.index;
    if (start === undefined || first.index < start || first.index > m.book.at(-1)!.index + 1) {
      // Nothing kept yet, or a gap we did not see: the book restarts at these entries.
      m.book.splice(0, m.book.length, ...entries);
    } else {
      m.book.splice(first.index - start, m.book.length, ...entries);
    }
    if (m.book.length > BOOK_LIMIT) m.book.splice(0, m.book.length - BOOK_LIMIT);
  }

  /**
   * Apply one event. `history` events (at or below the hello's seq) only rebuild the minutes
   * books: the view already holds everything else as it is now.
   */
  function apply(e: ClusterEvent): void {
    if (e.seq <= lastSeq.value) return;
    lastSeq.value = e.seq;
    const history = e.seq <= helloSeq.value;
    switch (e.kind) {
      case 'append': {
        const m = members.get(e.node);
        if (m !== undefined) append(m, e.entries);
        return;
      }
      case 'snapshot': {
        const m = members.get(e.node);
        if (m === undefined) return;
        m.snapshotIndex = e.index;
        if (e.how === 'installed') m.book.splice(0);
        return;
      }
      case 'state': {
        if (history) return;
        const m = members.get(e.node);
        if (m === undefined) {
          needsRefresh.value++;
          return;
        }
        if (m.role !== e.role || m.term !== e.term) m.timerResetAt = performance.now();
        Object.assign(m, {
          role: e.role,
          term: e.term,
          vote: e.vote,
          leader: e.leader,
          commit: e.commit,
          applied: e.applied,
          first: e.first,
          last: e.last,
          progress: e.progress,
        });
        trimBook(m);
        return;
      }
      case 'member': {
        if (history) return;
        const m = members.get(e.node);
        if (m === undefined || e.status === 'stopped') {
          needsRefresh.value++;
          return;
        }
        m.status = e.status;
        m.pid = e.pid;
        if (e.status === 'running' || e.status === 'starting') m.timerResetAt = performance.now();
        if (e.status === 'crashed') m.role = m.role === 'learner' ? 'learner' : 'follower';
        return;
      }
      case 'message': {
        if (history) return;
        const m = members.get(e.node);
        if (m !== undefined && resetsTimer(e, m)) m.timerResetAt = performance.now();
        return;
      }
      case 'vote': {
        if (history) return;
        const m = members.get(e.node);
        if (m !== undefined) m.timerResetAt = performance.now();
        return;
      }
      case 'fault':
        if (!history) needsRefresh.value++;
        return;
      default:
        return;
    }
  }

  function link(from: number, to: number): LinkView | undefined {
    return links.get(linkKey(from, to));
  }

  return {
    connection,
    members,
    links,
    voters,
    learners,
    settings,
    helloSeq,
    lastSeq,
    needsRefresh,
    memberList,
    leader,
    term,
    majority,
    hello,
    refreshed,
    disconnected,
    apply,
    link,
  };
});
