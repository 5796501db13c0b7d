// Why the connection to the cluster was lost, in words. The doors say it in English (the browser
// bridge's close reasons, renderer/src/bridge/browser-bridge.ts; the desktop app quitting,
// main/index.ts); those forms are read back here. Anything else, such as the API's own
// explanation of a refused token, is kept as it came.

import { words, type Arg } from './words.ts';

const fixed: Record<string, string> = {
  'the server cannot be reached': 'app.connection.reasons.unreachable',
  'the server is shutting down': 'app.connection.reasons.shuttingDown',
  'the app is quitting': 'app.connection.reasons.quitting',
  resynchronising: 'app.connection.reasons.resynchronising',
};

export function lostWords(reason: string): Arg {
  const key = fixed[reason];
  if (key !== undefined) return words(key);
  let m: RegExpExecArray | null;
  if ((m = /^the server found this page too slow: ([\s\S]*)$/.exec(reason)) !== null)
    return words('app.connection.reasons.tooSlow', { detail: m[1]! });
  if ((m = /^closed \(code (\d+)\)$/.exec(reason)) !== null)
    return words('app.connection.reasons.closed', { code: m[1]! });
  if ((m = /^cannot open the connection: ([\s\S]*)$/.exec(reason)) !== null)
    return words('app.connection.reasons.cannotOpen', { detail: m[1]! });
  return reason;
}

/** A failed command's error: a command lost with the connection, in words; the API's own as it came. */
export function errorWords(error: string): Arg {
  const m = /^the connection was lost \(([\s\S]*)\); the outcome is unknown$/.exec(error);
  return m === null ? error : words('errors.lostInFlight', { reason: lostWords(m[1]!) });
}
