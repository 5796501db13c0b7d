// The society as the window shows it, as a pure function of the recording: a state and the one
// reducer that applies an event to it. The live view and every moment the learner scrubs back to
// are made by the same `applyEvent`, so looking back shows exactly what the window showed then.
// Plain data, no Vue: the stores copy a state into what the components draw.

import type {
  ClusterEvent,
  ClusterView,
  EntryView,
  LinkView,
  MemberStatus,
  MemberView,
  Network,
  SettingsView,
} from '../../../main/shared/contract.ts';
import type { SocietySnapshot } from '../../../main/shared/session-file.ts';

export type Role = MemberView['role'];

export interface Configuration {
  readonly voters: readonly number[];
  readonly learners: readonly number[];
}

export interface MemberState {
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
  /** The cluster's time (an event's `at`) when its election timer last restarted: heard the chairman, voted, stood. */
  timerResetAt: number;
  /** The minutes book as seen in events: consecutive entries, oldest first. */
  readonly book: EntryView[];
  /** Entries at or below this index are in a snapshot (compacted). */
  snapshotIndex: number;
  /** The configuration as this member last reported it; null while it is down or has not said. */
  config: Configuration | null;
}

export interface SocietyState {
  /** The last event applied (the moment this state shows). */
  seq: number;
  /** That event's time (ms since the epoch, the supervisor's clock). */
  at: number;
  readonly members: Map<number, MemberState>;
  network: Network;
  settings: SettingsView;
}

/** Entries kept per minutes book; older ones are forgotten by the view (the member keeps them). */
export const BOOK_LIMIT = 5000;

/** What the window assumes before the cluster has said anything. */
export const defaultSettings: SettingsView = {
  timeScale: 1,
  preVote: true,
  checkQuorum: true,
  electionTimeoutMs: [150, 300],
  heartbeatMs: 50,
  snapshotThreshold: 1000,
  canFreeze: true,
};

export function emptyState(): SocietyState {
  return { seq: 0, at: 0, members: new Map(), network: { cuts: [], faults: [] }, settings: defaultSettings };
}

function blankMember(id: number, name: string, at: number): MemberState {
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
    timerResetAt: at,
    book: [],
    snapshotIndex: 0,
    config: null,
  };
}

/** The member's log ends at `last`: entries past it were never kept (a torn tail, a truncation). */
function trimBook(m: MemberState): void {
  const past = m.book.findIndex((e) => e.index > m.last);
  if (past >= 0) m.book.splice(past);
}

function append(m: MemberState, entries: readonly EntryView[]): void {
  const first = entries[0];
  if (first === undefined) return;
  const start = m.book[0]?.index;
  // Nothing kept yet, or a gap we did not see: the book restarts at these entries. Otherwise a
  // later append from an index replaces everything from that index on, as in the member's log.
  const from =
    start === undefined || first.index < start || first.index > m.book.at(-1)!.index + 1 ? 0 : first.index - start;
  // Not splice(from, n, ...entries): a large append would overflow the call stack.
  m.book.length = from;
  for (const e of entries) m.book.push(e);
  if (m.book.length > BOOK_LIMIT) m.book.splice(0, m.book.length - BOOK_LIMIT);
}

/** Does `e` restart `m`'s election timer? A notice or pages from a chairman. */
function resetsTimer(e: ClusterEvent & { kind: 'message' }, m: MemberState): boolean {
  return (
    e.phase === 'received' &&
    e.term >= m.term &&
    (e.type === 'heartbeat' || e.type === 'append' || e.type === 'snapshot')
  );
}

/** The part of an event that concerns the minutes books; all that history before a view needs. */
export function applyToBooks(s: SocietyState, e: ClusterEvent): void {
  if (e.kind !== 'append' && e.kind !== 'snapshot') return;
  const m = s.members.get(e.node);
  if (m === undefined) return;
  if (e.kind === 'append') return append(m, e.entries);
  m.snapshotIndex = e.index;
  if (e.how === 'installed') m.book.length = 0;
}

/** Apply one event; events at or before the state's seq change nothing. */
export function applyEvent(s: SocietyState, e: ClusterEvent): void {
  if (e.seq <= s.seq) return;
  s.seq = e.seq;
  s.at = e.at;
  switch (e.kind) {
    case 'append':
    case 'snapshot':
      return applyToBooks(s, e);
    case 'state': {
      // A member that has left, or was killed, may still have reported on its way out: its crash
      // (or departure) overtook those last words.
      const m = s.members.get(e.node);
      if (m === undefined || m.status === 'crashed') return;
      if (m.role !== e.role || m.term !== e.term) m.timerResetAt = e.at;
      m.role = e.role;
      m.term = e.term;
      m.vote = e.vote;
      m.leader = e.leader;
      m.commit = e.commit;
      m.applied = e.applied;
      m.first = e.first;
      m.last = e.last;
      m.progress = e.progress;
      m.config = { voters: e.voters, learners: e.learners };
      return trimBook(m);
    }
    case 'member': {
      // Stopped is for good: the member left the society (or never joined it).
      if (e.status === 'stopped') {
        s.members.delete(e.node);
        return;
      }
      let m = s.members.get(e.node);
      if (m === undefined) {
        m = blankMember(e.node, e.name, e.at);
        s.members.set(e.node, m);
      }
      m.name = e.name;
      m.status = e.status;
      m.pid = e.pid;
      if (e.status === 'running' || e.status === 'starting') m.timerResetAt = e.at;
      if (e.status === 'crashed') {
        m.role = m.role === 'learner' ? 'learner' : 'follower';
        m.config = null;
      }
      return;
    }
    case 'message': {
      const m = s.members.get(e.node);
      if (m !== undefined && resetsTimer(e, m)) m.timerResetAt = e.at;
      return;
    }
    case 'vote': {
      const m = s.members.get(e.node);
      if (m !== undefined) m.timerResetAt = e.at;
      return;
    }
    case 'fault':
      s.network = e.after.network;
      s.settings = e.after.settings;
      return;
    default:
      return;
  }
}

/** The state a cluster view describes (without minutes books: a view does not carry them). */
export function stateFromView(view: ClusterView, seq: number, at: number): SocietyState {
  const members = new Map<number, MemberState>();
  const config = { voters: view.voters, learners: view.learners };
  for (const n of view.nodes) {
    const up = n.status === 'running' || n.status === 'paused';
    members.set(n.id, {
      ...blankMember(n.id, n.name, at),
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
      config: up ? config : null,
    });
  }
  const calm = (l: LinkView): boolean => l.delayMs === 0 && l.jitterMs === 0 && l.loss === 0 && l.duplicate === 0;
  return {
    seq,
    at,
    members,
    network: {
      cuts: view.links.filter((l) => l.state === 'cut').map(({ from, to }) => ({ from, to })),
      faults: view.links
        .filter((l) => !calm(l))
        .map(({ from, to, delayMs, jitterMs, loss, duplicate, entriesOnly }) => ({
          from,
          to,
          delayMs,
          jitterMs,
          loss,
          duplicate,
          entriesOnly,
        })),
    },
    settings: view.settings,
  };
}

/** A copy that shares only what is never changed in place (entries, progress, network, settings). */
export function cloneState(s: SocietyState): SocietyState {
  const members = new Map<number, MemberState>();
  for (const [id, m] of s.members) members.set(id, { ...m, book: m.book.slice() });
  return { ...s, members };
}

export function toSnapshot(s: SocietyState): SocietySnapshot {
  return { seq: s.seq, at: s.at, members: [...s.members.values()], network: s.network, settings: s.settings };
}

export function fromSnapshot(snap: SocietySnapshot): SocietyState {
  const members = new Map<number, MemberState>();
  for (const m of snap.members) members.set(m.id, { ...m, book: [...m.book] });
  return { seq: snap.seq, at: snap.at, members, network: snap.network, settings: snap.settings };
}

/** The chairman: the running member that leads in the highest term, as the supervisor decides it. */
export function leaderOf(members: Iterable<MemberState>): MemberState | null {
  let best: MemberState | null = null;
  for (const m of members)
    if (m.role === 'leader' && m.status === 'running' && (best === null || m.term > best.term)) best = m;
  return best;
}

/** The configuration: the chairman's, or (without one) the first member's that knows one. */
export function configurationOf(members: Iterable<MemberState>): Configuration {
  const list = [...members];
  const known = leaderOf(list)?.config ?? list.find((m) => m.config !== null)?.config ?? null;
  return known ?? { voters: [], learners: [] };
}

const linkKey = (from: number, to: number): string => `${from}>${to}`;

/** Every directed link between the members, as the network makes it. */
export function linksOf(network: Network, ids: readonly number[]): Map<string, LinkView> {
  const cut = new Set(network.cuts.map((c) => linkKey(c.from, c.to)));
  const faults = new Map(network.faults.map((f) => [linkKey(f.from, f.to), f]));
  const links = new Map<string, LinkView>();
  for (const from of ids)
    for (const to of ids) {
      if (from === to) continue;
      const key = linkKey(from, to);
      const f = faults.get(key);
      links.set(key, {
        from,
        to,
        state: cut.has(key) ? 'cut' : 'up',
        delayMs: f?.delayMs ?? 0,
        jitterMs: f?.jitterMs ?? 0,
        loss: f?.loss ?? 0,
        duplicate: f?.duplicate ?? 0,
        entriesOnly: f?.entriesOnly ?? false,
      });
    }
  return links;
}

export function linkOf(links: ReadonlyMap<string, LinkView>, from: number, to: number): LinkView | undefined {
  return links.get(linkKey(from, to));
}
