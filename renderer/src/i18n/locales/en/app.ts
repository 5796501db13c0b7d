// The window as a whole: its name, the top bar (the election, the chairman, the connection), the
// language switcher.
export default {
  title: 'Harmony Heights',
  subtitle: 'Raft Society',
  documentTitle: 'Raft Society: Harmony Heights',
  sideRegion: 'Minutes, business and notices',
  noDoor:
    'This page has no connection to a cluster. Start one with “npm run web” and open the address it prints, or run the desktop app.',
  language: 'Language',
  connection: {
    connecting: 'connecting…',
    live: 'live',
    offline: 'offline',
    lost: 'connection lost: {reason}; retrying…',
    door: { desktop: 'desktop app', browser: 'browser' },
    /** Why it was lost, as the doors tell it. */
    reasons: {
      unreachable: 'the server cannot be reached',
      shuttingDown: 'the server is shutting down',
      quitting: 'the app is quitting',
      resynchronising: 'resynchronising',
      tooSlow: 'the server found this page too slow: {detail}',
      closed: 'closed (code {code})',
      cannotOpen: 'cannot open the connection: {detail}',
    },
  },
  election: {
    term: 'Election',
    termRaft: 'term',
    chairman: 'Chairman',
    chairmanRaft: 'leader',
    noChairman: 'no chairman',
    noChairmanRaft: 'no leader',
  },
};
