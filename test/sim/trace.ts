// One readable line per Raft message, for replayed traces.

import type { Message } from '../../main/raft/types.ts';

export function describeMessage(m: Message): string {
  const t = `t${m.term}`;
  switch (m.type) {
    case 'vote':
    case 'prevote':
      return `${m.type} ${t} last=${m.lastIndex}/${m.lastTerm}${m.transfer ? ' transfer' : ''}`;
    case 'voteResp':
    case 'prevoteResp':
      return `${m.type} ${t} ${m.granted ? 'GRANTED' : 'refused'}`;
    case 'append':
      return `append ${t} prev=${m.prevIndex}/${m.prevTerm} entries=${m.entries.length > 0 ? `${m.entries[0]!.index}..${m.entries.at(-1)!.index}` : 'none'} commit=${m.commit}`;
    case 'appendResp':
      return `appendResp ${t} ${m.reject ? `REJECT ${m.index} hint=${m.hintIndex}/${m.hintTerm}` : `ok ${m.index}`}`;
    case 'heartbeat':
      return `heartbeat ${t} commit=${m.commit}${m.readContext > 0 ? ` read#${m.readContext}` : ''}`;
    case 'heartbeatResp':
      return `heartbeatResp ${t}${m.readContext > 0 ? ` read#${m.readContext}` : ''}`;
    case 'snapshot':
      return `snapshot ${t} upto=${m.snapshot.index}/${m.snapshot.term}`;
    case 'timeoutNow':
      return `timeoutNow ${t}`;
  }
}
