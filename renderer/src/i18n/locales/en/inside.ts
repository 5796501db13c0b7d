// The Inside panel: Raft's safety rules as live checks, charts, the message-sequence diagram and
// the stress burst. Society words first, Raft words beside them.

export default {
  member: 'member {id}',
  named: '{person} ({building})',
  events: 'event {list} | events {list}',

  badge: {
    label: 'Inside',
    holding: '{count}/5 ✓',
    broken: 'BROKEN!',
    brokenCount: '{count}/5 ✗',
    title: 'Look inside: {holding} of 5 safety rules hold, {checks} checks passed; charts, messages, stress',
  },

  panel: {
    title: 'Inside the society',
    raft: 'Raft, seen from inside',
    close: 'Close',
    tabsLabel: 'What to look at',
    lookingBack: 'Looking back: as of event #{seq}',
    tabs: { safety: 'Safety', charts: 'Charts', messages: 'Messages', stress: 'Stress' },
  },

  safety: {
    intro:
      "Raft's five safety rules (the paper's Figure 3), checked live on every report the members make: each vote, each new chairman, each entry written and carried out. Click a rule for its latest evidence.",
    waiting: 'Waiting for the first report from the safety monitor…',
    checks: 'not checked yet | {count} check passed | {count} checks passed',
    broken: '{count} violation | {count} violations',
    latest: 'Latest evidence:',
    noEvidence: 'Nothing to show yet.',
    violated: 'A safety rule was broken | {count} safety rules were broken',
    because: 'These reports contradict each other:',
    event: 'event #{seq}',
    monitorSays: 'The monitor says:',
    properties: {
      electionSafety: {
        society: 'One chairman per term',
        raft: 'Election Safety',
        rule: 'At most one leader can be elected in a given term.',
      },
      leaderAppendOnly: {
        society: 'The chairman never erases minutes',
        raft: 'Leader Append-Only',
        rule: 'A leader never overwrites or deletes entries in its log; it only appends new entries.',
      },
      logMatching: {
        society: 'Matching pages match before, too',
        raft: 'Log Matching',
        rule: 'If two logs contain an entry with the same index and term, the logs are identical in all entries up through that index.',
      },
      leaderCompleteness: {
        society: 'A new chairman has every settled decision',
        raft: 'Leader Completeness',
        rule: 'If an entry is committed in a given term, it is present in the logs of the leaders of all higher terms.',
      },
      stateMachineSafety: {
        society: 'Everyone carries out the same decisions',
        raft: 'State Machine Safety',
        rule: 'If a member has applied an entry at a given index, no other member ever applies a different entry for that index.',
      },
    },
  },

  evidence: {
    oneLeader: 'Term {term}: only {leader} became chairman.',
    oneLeaderVotes: 'Term {term}: only {leader} became chairman, with the votes of {voters} (and its own).',
    appendOnly:
      '{leader}, chairman in term {term}, added entry {from} without erasing any. | {leader}, chairman in term {term}, added entries {from}–{to} without erasing any.',
    sameEntry: 'Entry {index} of term {term} ({content}) is identical on {members}.',
    complete: '{leader} became chairman of term {term} holding all {committed} settled entries.',
    completeNothing: '{leader} became chairman of term {term}; nothing was settled yet.',
    sameApplied: 'Entry {index} of term {term} ({content}) was carried out the same by {members}.',
  },

  cause: {
    voted: '{who} voted for {candidate} in term {term}',
    elected: '{who} became chairman of term {term}',
    wrote: '{who} wrote entry {index} of term {term}: {content}',
    overwrote: '{who}, chairman of term {term}, erased its minutes from entry {index} on',
    applied: '{who} carried out entry {index} of term {term}: {content}',
  },

  charts: {
    spanLabel: 'Show the last',
    minutes: '{m} minute | {m} minutes',
    secondsAgo: 'seconds before the moment shown',
    tick: '{s} s',
    ago: '{s} s before',
    ms: '{ms} ms',
    perSecond: '{v}/s',
    msAxis: 'milliseconds',
    perSecondAxis: 'per second',
    entriesAxis: 'entries behind',
    elections: {
      title: 'Elections',
      raft: 'leader changes · election duration',
      series: 'time without a chairman (ms)',
      tip: 'term {term}: {leader} elected after {ms} ms',
      none: 'No election in this span ({total} chairmen so far).',
      summary:
        '{count} election in this span, {total} so far; it made {leader} chairman of term {term} after {ms} without one. | {count} elections in this span, {total} so far; the latest made {leader} chairman of term {term} after {ms} without one.',
    },
    latency: {
      title: 'How long a decision takes',
      raft: 'commit latency of client writes, per second',
      p50: 'half take at most (p50)',
      p99: '99 in 100 take at most (p99)',
      summary: 'Latest second: half the writes took at most {p50}, 99 in 100 at most {p99}.',
      none: 'No write was answered in the latest second.',
    },
    throughput: {
      title: 'Decisions per second',
      raft: 'throughput: entries committed, writes answered, writes failed',
      commits: 'entries committed',
      writes: 'writes answered',
      failed: 'writes failed (503/504)',
      summary: 'Latest second: {commits} committed, {writes} answered, {failed} failed.',
    },
    lag: {
      title: 'How far behind each member is',
      raft: "replication lag: the chairman's last index minus the member's match index",
      entries: '{count} entry | {count} entries',
      none: 'No chairman reported its followers in this span.',
      summary: 'Furthest behind now: {worst}, {entries}.',
    },
  },

  messages: {
    title: 'Who said what to whom',
    raft: 'message-sequence (Lamport) diagram',
    spanLabel: 'Show the last',
    seconds: '{s} second | {s} seconds',
    heartbeats: 'Heartbeats',
    shown: 'shown',
    hidden: 'hidden',
    waiting: 'No messages recorded yet.',
    summary:
      'In the last {seconds}: {sent} messages sent, {received} received, {dropped} dropped; {cuts} cut links. The list below has them in words.',
    raftId: 'Raft id {id}',
    now: 'now',
    term: 'term {term}',
    crashed: 'crashed',
    paused: 'frozen',
    cutBoth: '{a} and {b} cut',
    cutOne: '{a} cannot reach {b}',
    roles: {
      precandidate: 'sounds out (T{term})',
      candidate: 'stands (T{term})',
      leader: 'chairman (T{term})',
    },
    families: {
      vote: 'vote requests (pre-vote, vote)',
      append: 'minutes (append)',
      heartbeat: 'heartbeats',
      snapshot: 'snapshot',
      transfer: 'hand-over (timeoutNow)',
    },
    legendLabel: 'Legend',
    legend: {
      reply: 'answer (…Resp)',
      dropped: 'dropped',
      cut: 'link cut',
    },
    asList: 'The messages as a list',
    list: {
      received: '{from} → {to}: {type} of term {term} {detail}, arrived in {ms} ms',
      dropped: '{from} → {to}: {type} of term {term} {detail}, DROPPED ({reason})',
      unseen: '{from} → {to}: {type} of term {term} {detail}, not seen to arrive',
    },
  },

  stress: {
    intro:
      'A burst of writes from this window, through the same door as every other command. Try it while a member is crashed or a link is cut.',
    count: 'Writes',
    concurrency: 'At once',
    raft: '{count} × kv set, {concurrency} in flight',
    start: 'Start the burst',
    cancel: 'Cancel',
    progress: '{done} of {count} answered',
    rateNow: 'Now',
    rateOverall: 'On average',
    units: { perSecond: 'writes/s', ms: 'ms' },
    p50: 'Half took at most (p50)',
    p99: '99 in 100 took at most (p99)',
    failed: 'Failed',
    cancelledAfter: 'Cancelled after {done} writes.',
    summary:
      '{ok} of {count} writes committed in {seconds} s ({rate} per second); latency p50 {p50}, p99 {p99}, max {max}.',
    noFailures: 'No write failed.',
    failure: '{count} failed with status {status} | {count} failed with status {status}',
    why: {
      unavailable: '(certainly not applied: no chairman could take it)',
      unknown: '(outcome unknown: it may still be applied)',
      noAnswer: '(no answer from the door)',
    },
  },
};
