// Every word the window shows, in one place, so a later issue can hand this over to vue-i18n (and
// Hindi) without hunting through components. Society words and Raft words are kept side by side:
// the app teaches Raft, it does not hide it.

import type { MemberStatus, MemberView } from '../../main/shared/contract.ts';

export type Role = MemberView['role'];

export const text = {
  app: {
    title: 'Harmony Heights',
    subtitle: 'Raft Society',
    sideRegion: 'Minutes, business and notices',
    noDoor:
      'This page has no connection to a cluster. Start one with “npm run web” and open the address it prints, or run the desktop app.',
  },
  hall: {
    title: 'The hall',
    raft: (n: number, majority: number) => `${n} processes · majority ${majority}`,
    region: 'Members of the society and the connections between them',
    waiting: 'Waiting for the society to gather…',
    notConnected: 'Not connected to the society.',
  },
  connection: {
    connecting: 'connecting…',
    live: 'live',
    offline: 'offline',
    lost: (reason: string) => `connection lost: ${reason}; retrying…`,
    door: { desktop: 'desktop app', browser: 'browser' },
  },
  header: {
    term: 'Election',
    termRaft: 'term',
    chairman: 'Chairman',
    chairmanRaft: 'leader',
    noChairman: 'no chairman',
    noChairmanRaft: 'no leader',
  },
  roles: {
    follower: { society: 'Member', raft: 'follower' },
    precandidate: { society: 'Sounding out', raft: 'pre-candidate' },
    candidate: { society: 'Candidate', raft: 'candidate' },
    leader: { society: 'Chairman', raft: 'leader' },
    learner: { society: 'Learner', raft: 'learner' },
  } satisfies Record<Role, { society: string; raft: string }>,
  status: {
    starting: 'starting',
    running: 'running',
    crashed: 'crashed',
    paused: 'frozen',
    stopped: 'stopped',
  } satisfies Record<MemberStatus, string>,
  statusRaft: {
    starting: 'process starting',
    running: 'process running',
    crashed: 'process killed',
    paused: 'SIGSTOP',
    stopped: 'process stopped',
  } satisfies Record<MemberStatus, string>,
  member: {
    term: (t: number) => `term ${t}`,
    building: (letter: string) => `Bldg ${letter}`,
    votedFor: (who: string) => `voted ${who}`,
    noVote: 'no vote yet',
    commit: (commit: number, last: number) => `commit ${commit} · last ${last}`,
    timer: 'election timer',
    menuLabel: (description: string) => `${description}. Press Enter for this member's actions`,
  },
  memberMenu: {
    title: (name: string) => name,
    crash: 'Crash (SIGKILL)',
    restart: 'Restart the process',
    freeze: 'Freeze (SIGSTOP)',
    thaw: 'Thaw (SIGCONT)',
    freezeUnavailable: 'Freezing needs SIGSTOP, which Windows does not have.',
    slow: 'Slow links (200 ms delay)',
    lossy: 'Lossy links (30% lost)',
    clearFaults: 'Clear link faults',
    transfer: 'Make chairman (transfer leadership)',
    transferAlready: 'Already the chairman.',
    transferNotRunning: 'Only a running member can take the chair.',
    transferLearner: 'A learner cannot be chairman; promote it first.',
    promote: 'Promote to voting member',
    isolate: 'Isolate (cut every connection)',
    remove: 'Remove from the society',
    close: 'Close',
  },
  link: {
    label: (a: string, b: string, state: string) =>
      `Connection ${a} – ${b}: ${state}. Enter to toggle, Shift+Enter for more`,
    up: 'connected',
    cut: 'severed',
    oneWay: (from: string, to: string) => `severed ${from} → ${to} only`,
    slow: (ms: number) => `slow ${ms} ms`,
    lossy: (p: number) => `${Math.round(p * 100)}% lost`,
    menuTitle: (a: string, b: string) => `Connection ${a} – ${b}`,
    cutBoth: 'Sever both ways',
    cutOneWay: (from: string, to: string) => `Sever ${from} → ${to} only`,
    restore: 'Restore both ways',
    slowAction: 'Slow (200 ± 50 ms)',
    lossyAction: 'Lossy (30% lost)',
    clearFault: 'Clear delay and loss',
    hint: 'Click a connection to sever/restore it (right-click: more) · click a member for actions',
    hintLong:
      'Click (or Enter on) a connection to sever or restore it both ways; Shift+click, right-click or Shift+Enter for one-way cuts, delay and loss. Click (or Enter on) a member for crash, restart, freeze and more.',
  },
  presets: {
    title: 'Partitions',
    isolate: 'Isolate',
    isolatePick: 'member…',
    split: (a: number, b: number) => `Split ${a} | ${b}`,
    monsoon: 'The monsoon',
    monsoonHint: 'Buildings A and B stay connected; C is cut off',
    heal: 'Heal',
    healHint: 'Restore every connection and clear every delay and loss',
    addMember: '+ Member',
    addMemberHint: 'Add a voting member (a new process joins the configuration)',
    addLearner: '+ Learner',
    addLearnerHint: 'Add a learner: receives the minutes, does not vote',
  },
  books: {
    title: 'Minutes books',
    raft: 'logs',
    legendIndex: 'column = index',
    legendTerm: 'colour and number = term',
    committed: 'committed',
    pending: 'not yet committed',
    commit: 'commit',
    chairmansView: "Chairman's view",
    chairmansViewRaft: 'next / match',
    nextMatch: (next: number, match: number) => `next ${next} · match ${match}`,
    notSeen: (n: number) => `${n} earlier`,
    entry: (index: number, term: number, label: string, committed: boolean) =>
      `Entry ${index}, term ${term}: ${label} (${committed ? 'committed' : 'not yet committed'})`,
    entryOffline: (index: number, term: number, label: string) =>
      `Entry ${index}, term ${term}: ${label} (on disk; the member is down)`,
    selected: (name: string) => `Minutes of ${name}`,
    newestFirst: 'newest first',
    empty: 'No entries yet.',
    unseen: 'recorded before this window saw it',
    self: 'chairman',
    snapshot: (index: number) => `entries up to ${index} are in a snapshot`,
  },
  actions: {
    region: 'Society business',
    decisionTitle: 'Propose a decision',
    decisionRaft: 'client command',
    decisionPlaceholder: 'Approve painting contract for ₹2 lakhs',
    decide: 'Propose',
    decided: (n: number, index: number) => `Decision ${n} committed as entry ${index}.`,
    kvTitle: 'Society register',
    kvRaft: 'key-value store',
    key: 'Key',
    value: 'Value',
    set: 'Set',
    get: 'Get',
    wasSet: (key: string, value: string, index: number) => `${key} = ${value} (committed as entry ${index})`,
    got: (key: string, value: string | null) =>
      value === null ? `${key} is not set (linearizable read)` : `${key} = ${value} (linearizable read)`,
  },
  controls: {
    preVote: 'PreVote',
    on: 'on',
    off: 'off',
    checkQuorum: 'CheckQuorum',
    speed: 'Speed',
    speedHint: 'How fast the real cluster runs: 1× is real time, 1/100 is a hundred times slower',
    speeds: [
      { value: 1, label: '1×' },
      { value: 0.5, label: '1/2' },
      { value: 0.2, label: '1/5' },
      { value: 0.1, label: '1/10' },
      { value: 0.05, label: '1/20' },
      { value: 0.02, label: '1/50' },
      { value: 0.01, label: '1/100' },
    ],
    pause: 'Pause',
    resume: 'Resume',
    pauseHint: 'Pause this view (the cluster keeps running)',
    pausedNote: (waiting: number) => `View paused · the cluster keeps running · ${waiting} events waiting`,
  },
  notices: {
    title: 'Society notices',
    raft: 'events',
    connected: (term: number, chairman: string | null) =>
      `Joined the meeting: election ${term}, ${chairman === null ? 'no chairman yet' : `${chairman} in the chair`}`,
    elected: (name: string, term: number) => `${name} is chairman for election ${term} (leader, term ${term})`,
    candidate: (name: string, term: number) => `${name} stands for election ${term} (candidate)`,
    precandidate: (name: string) => `${name} sounds out the others before standing (pre-vote)`,
    vote: (voter: string, candidate: string, term: number) => `${voter} votes for ${candidate} (term ${term})`,
    member: (name: string, status: string, detail: string | undefined) =>
      `${name}: ${status}${detail === undefined ? '' : ` (${detail})`}`,
    overwrote: (name: string, index: number) =>
      `${name}'s minutes from entry ${index} on were replaced by the chairman's (log conflict)`,
    client: (op: string, status: number, ms: number) =>
      `${op}: ${status === 200 ? 'done' : `failed (${status})`} in ${ms} ms`,
    safety: (property: string, message: string) => `SAFETY VIOLATION ${property}: ${message}`,
    fault: (description: string) => description,
    faults: {
      link: (a: string, b: string, oneWay: boolean, cut: boolean) =>
        `Connection ${a} ${oneWay ? '→' : '↔'} ${b} ${cut ? 'severed' : 'restored'}`,
      partition: (groups: readonly string[]) => `Partition: ${groups.join('  |  ')}`,
      heal: 'Every connection restored',
      joins: (name: string, voter: boolean) => `${name} joins as ${voter ? 'a voting member' : 'a learner'}`,
      leaves: (name: string) => `${name} leaves the society`,
      fault: (a: string, b: string, oneWay: boolean, what: string) =>
        `Connection ${a} ${oneWay ? '→' : '↔'} ${b}: ${what}`,
    },
    repeated: (n: number) => `×${n}`,
  },
  messages: {
    legendTitle: 'Messages',
    vote: { society: 'ballot', raft: 'vote' },
    prevote: { society: 'straw poll', raft: 'pre-vote' },
    granted: { society: 'yes', raft: 'granted' },
    refused: { society: 'no', raft: 'refused' },
    heartbeat: { society: 'notice', raft: 'heartbeat' },
    append: { society: 'pages', raft: 'append' },
    ack: { society: 'noted', raft: 'ack' },
    dropped: { society: 'lost', raft: 'dropped' },
    snapshot: { society: 'copy of the minutes', raft: 'snapshot' },
    timeoutNow: { society: 'hand over the chair', raft: 'timeout now' },
  },
  errors: {
    failed: (what: string, status: number, error: string) => `${what} failed (${status}): ${error}`,
    unknownOutcome: 'the outcome is unknown: it may still be applied',
    dismiss: 'Dismiss',
  },
} as const;

/** What a command was, in words, for its error message. */
export const commandWords: Record<string, string> = {
  'node.crash': 'Crash',
  'node.restart': 'Restart',
  'node.pause': 'Freeze',
  'node.resume': 'Thaw',
  'link.set': 'Changing the connection',
  'link.fault': 'Changing the connection',
  partition: 'Partition',
  heal: 'Heal',
  kv: 'The register',
  decide: 'The decision',
  'member.add': 'Adding a member',
  'member.remove': 'Removing the member',
  'member.promote': 'Promotion',
  'leader.transfer': 'Handing over the chair',
  'settings.set': 'Changing the settings',
  'cluster.get': 'Reading the cluster',
};

/** "A" for "Rajesh - Building A"; the member's building, or its id. */
export function buildingOf(name: string, id: number): string {
  const m = /Building (\S+)$/.exec(name);
  return m?.[1] ?? String(id);
}

/** "Rajesh" for "Rajesh - Building A". */
export function personOf(name: string): string {
  return name.split(' - ')[0] ?? name;
}
