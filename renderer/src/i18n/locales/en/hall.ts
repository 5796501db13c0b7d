// The hall: members around a circle, the connections between them, the messages on them.
export default {
  title: 'The hall',
  raft: '{n} processes · majority {majority}',
  region: 'Members of the society and the connections between them',
  waiting: 'Waiting for the society to gather…',
  notConnected: 'Not connected to the society.',
  hint: 'Click a connection to sever/restore it (right-click: more) · click a member for actions',
  hintLong:
    'Click (or Enter on) a connection to sever or restore it both ways; Shift+click, right-click or Shift+Enter for one-way cuts, delay and loss. Click (or Enter on) a member for crash, restart, freeze and more.',
  link: {
    label: 'Connection {a} – {b}: {state}. Enter to toggle, Shift+Enter for more',
    up: 'connected',
    cut: 'severed',
    oneWay: 'severed {from} → {to} only',
    slow: 'slow {delay} ms',
    lossy: '{loss} lost',
    faults: '{state}, {faults}',
  },
  legend: {
    title: 'Messages',
    vote: { society: 'ballot', raft: 'vote' },
    prevote: { society: 'straw poll', raft: 'pre-vote' },
    granted: { society: 'yes', raft: 'granted' },
    refused: { society: 'no', raft: 'refused' },
    heartbeat: { society: 'notice', raft: 'heartbeat' },
    append: { society: 'pages', raft: 'append' },
    ack: { society: 'noted', raft: 'ack' },
    dropped: { society: 'lost', raft: 'dropped' },
  },
  /** Raft message types as the engine names them (timeline, message list). */
  messageType: {
    vote: 'vote',
    prevote: 'prevote',
    voteResp: 'voteResp',
    prevoteResp: 'prevoteResp',
    append: 'append',
    appendResp: 'appendResp',
    heartbeat: 'heartbeat',
    heartbeatResp: 'heartbeatResp',
    snapshot: 'snapshot',
    timeoutNow: 'timeoutNow',
  },
};
