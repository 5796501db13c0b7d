// What a member tells the supervisor about its log when it writes a Ready, in the order it reaches
// the disk: a snapshot from the leader (which restarts the log after its index), then the entries
// written after it. The supervisor replays these into its copy of the member's log
// (main/cluster/log-mirror.ts) for the safety monitor, so the order matters: entries that came in
// the same Ready as a snapshot follow it, and must not be wiped by it.

import type { Ready } from '../raft/types.ts';
import type { Telemetry } from './control-protocol.ts';

export interface LogWrite {
  readonly at: number;
  /** The member's term and whether it leads, as it writes. */
  readonly term: number;
  readonly leader: boolean;
  /** The term of an entry in the member's log (undefined if compacted away). */
  readonly termAt: (index: number) => number | undefined;
  /** The highest log index on disk before this write. */
  readonly persistedLast: number;
}

/** The telemetry for one write, and the highest log index on disk after it. */
export function logTelemetry(
  rd: Pick<Ready, 'snapshot' | 'entries'>,
  w: LogWrite,
): { events: Telemetry[]; persistedLast: number } {
  const events: Telemetry[] = [];
  let last = w.persistedLast;
  if (rd.snapshot !== null) {
    events.push({ k: 'snapshot', at: w.at, index: rd.snapshot.index, how: 'installed' });
    last = rd.snapshot.index;
  }
  const first = rd.entries[0];
  if (first !== undefined) {
    events.push({
      k: 'append',
      at: w.at,
      term: w.term,
      leader: w.leader,
      prevTerm: w.termAt(first.index - 1) ?? null,
      overwrote: first.index <= last ? first.index : null,
      entries: rd.entries,
    });
    last = rd.entries.at(-1)!.index;
  }
  return { events, persistedLast: last };
}
