// What the notice board says about an event, as words (see words.ts). The supervisor describes
// faults and member details in English (main/cluster/supervisor.ts); their forms are read back here
// and said in the society's words; a form not known here is shown as it came.

import type { ClusterEvent, ClusterView, MemberView } from '../../../main/shared/contract.ts';
import { letter } from './names.ts';
import { speedWords } from './speeds.ts';
import { memberRef, words, type Arg, type Words } from './words.ts';

export type Tone = 'info' | 'good' | 'warn' | 'bad';

export interface Notable {
  readonly said: Arg;
  readonly tone: Tone;
}

/** The members as the window knew them: its store's, or a ClusterView's. */
type Members = ReadonlyMap<number, Pick<MemberView, 'id' | 'name' | 'role' | 'term' | 'status'>>;

/** The operations the supervisor reports client requests of. */
const clientOps = new Set(['set', 'get', 'cas', 'decide']);

/** Why a member stopped or restarted, from the supervisor's detail; signals and other words as they came. */
function detailWords(detail: string): Arg {
  let m: RegExpExecArray | null;
  if ((m = /^recovered: truncated a torn write at (\d+)$/.exec(detail)) !== null)
    return words('notices.details.recovered', { index: Number(m[1]) });
  if ((m = /^exited \(code (.+)\)$/.exec(detail)) !== null) return words('notices.details.exitedCode', { code: m[1]! });
  if ((m = /^exited \((.+)\)$/.exec(detail)) !== null) return words('notices.details.exitedSignal', { signal: m[1]! });
  if (detail === 'its addition was not committed') return words('notices.details.notAdded');
  if (detail === 'removed from the society') return words('notices.details.removed');
  return detail;
}

/** "delay 200±50 ms, loss 0.3, duplicate 0" in words. */
function linkFaultWords(what: string): Arg {
  const m = /^delay ([\d.]+)±([\d.]+) ms, loss ([\d.]+), duplicate ([\d.]+)$/.exec(what);
  if (m === null) return what;
  return words('notices.faults.linkFault', {
    delay: Number(m[1]),
    jitter: Number(m[2]),
    loss: { percent: Number(m[3]) },
    duplicate: { percent: Number(m[4]) },
  });
}

/** A fault's description in the society's words; null for those a member event already says. */
function faultWords(d: string, members: Members): Arg | null {
  const name = (id: string | undefined): Arg => memberRef(members.get(Number(id)), Number(id));
  const at = (id: string | undefined): string => letter(members.get(Number(id)), Number(id));
  const arrow = (way: string | undefined): string => (way === '->' ? '→' : '↔');
  const onOff = (on: string | undefined): Words => words(on === 'on' ? 'controls.on' : 'controls.off');
  let m: RegExpExecArray | null;
  if ((m = /^(cut|restore) (\d+)(<->|->)(\d+)$/.exec(d)) !== null)
    return words(m[1] === 'cut' ? 'notices.faults.cut' : 'notices.faults.restored', {
      a: at(m[2]),
      arrow: arrow(m[3]),
      b: at(m[4]),
    });
  if ((m = /^partition (.*)$/.exec(d)) !== null) {
    const groups = m[1]!.split(' | ').map((ids) => ids.split(',').map(at).join(' '));
    return words('notices.faults.partition', { groups: groups.join('  |  ') });
  }
  if (d === 'heal') return words('notices.faults.heal');
  // Member events say these; the first event only says how the society starts out.
  if (d === 'start' || /^(crash|restart|freeze|thaw) \d+$/.test(d)) return null;
  if ((m = /^promote (\d+)$/.exec(d)) !== null) return words('notices.faults.promoted', { name: name(m[1]) });
  if ((m = /^add (voter|learner) (\d+)$/.exec(d)) !== null)
    return words(m[1] === 'voter' ? 'notices.faults.joinsVoter' : 'notices.faults.joinsLearner', { name: name(m[2]) });
  if ((m = /^remove (\d+)$/.exec(d)) !== null) return words('notices.faults.leaves', { name: name(m[1]) });
  if ((m = /^link (\d+)(<->|->)(\d+): (.*)$/.exec(d)) !== null)
    return words('notices.faults.link', { a: at(m[1]), arrow: arrow(m[2]), b: at(m[3]), what: linkFaultWords(m[4]!) });
  if (
    (m = /^settings: time scale ([\d.]+), PreVote (on|off), CheckQuorum (on|off), snapshot every (\d+) entries$/.exec(
      d,
    )) !== null
  )
    return words('notices.faults.settings', {
      speed: speedWords(Number(m[1])),
      preVote: onOff(m[2]),
      checkQuorum: onOff(m[3]),
      threshold: Number(m[4]),
    });
  return d;
}

/** What the board says about `e`, given the members as the window knew them just before it; null: nothing. */
export function noticeOf(e: ClusterEvent, members: Members): Notable | null {
  const name = (id: number): Arg => memberRef(members.get(id), id);
  switch (e.kind) {
    case 'state': {
      const m = members.get(e.node);
      if (m === undefined || (m.role === e.role && m.term === e.term)) return null;
      if (e.role === 'leader')
        return { said: words('notices.elected', { name: name(e.node), term: e.term }), tone: 'good' };
      if (e.role === 'candidate')
        return { said: words('notices.candidate', { name: name(e.node), term: e.term }), tone: 'info' };
      if (e.role === 'precandidate' && m.role !== 'precandidate')
        return { said: words('notices.precandidate', { name: name(e.node) }), tone: 'info' };
      return null;
    }
    case 'vote':
      return {
        said: words('notices.vote', { voter: name(e.node), candidate: name(e.candidate), term: e.term }),
        tone: 'info',
      };
    case 'member': {
      const was = members.get(e.node)?.status;
      if (e.status === 'starting' || (e.status === 'running' && was === 'starting' && e.detail === undefined))
        return null;
      const status = words(`members.status.${e.status}`);
      return {
        said:
          e.detail === undefined
            ? words('notices.member', { name: name(e.node), status })
            : words('notices.memberDetail', { name: name(e.node), status, detail: detailWords(e.detail) }),
        tone: e.status === 'crashed' ? 'bad' : e.status === 'paused' ? 'warn' : 'info',
      };
    }
    case 'append':
      return e.overwrote === null
        ? null
        : { said: words('notices.overwrote', { name: name(e.node), index: e.overwrote }), tone: 'warn' };
    case 'fault': {
      const said = faultWords(e.description, members);
      return said === null ? null : { said, tone: 'info' };
    }
    case 'client':
      if (e.status === 200) return null;
      return {
        said: words('notices.clientFailed', {
          op: clientOps.has(e.op) ? words(`notices.ops.${e.op}`) : e.op,
          status: String(e.status),
          ms: e.latencyMs,
        }),
        tone: 'warn',
      };
    case 'safety':
      return { said: words('notices.safety', { property: e.property, message: e.message }), tone: 'bad' };
    default:
      return null;
  }
}

/** The first notice of a window: the meeting it joined. */
export function joinedNotice(v: ClusterView): Words {
  const chair = v.nodes.find((n) => n.id === v.leaderId);
  return chair === undefined
    ? words('notices.connectedNoChair', { term: v.term })
    : words('notices.connected', { term: v.term, name: memberRef(chair, chair.id) });
}
