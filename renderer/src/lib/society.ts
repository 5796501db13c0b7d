// The one subscription to window.raftSociety: the hello and the event batches go to the recording
// (stores/recording.ts), which shows the newest state or the moment the learner looks at. The
// notice board's words for each event are written here.

import type { SocietyListener } from '../../../main/shared/bridge.ts';
import type { ClusterEvent } from '../../../main/shared/contract.ts';
import { useClusterStore } from '../stores/cluster.ts';
import type { Tone } from '../stores/notices.ts';
import { useRecordingStore } from '../stores/recording.ts';
import { text } from '../text.ts';
import { letter, shortName } from './names.ts';
import type { MemberState, SocietyState } from './society-state.ts';
import { i18n } from '../i18n/index.ts';

export function connectSociety(): () => void {
  const cluster = useClusterStore();
  const recording = useRecordingStore();
  const api = window.raftSociety;
  if (api === undefined) {
    cluster.disconnected(text.app.noDoor);
    return () => undefined;
  }

  /** The state just before the event being described: who is who, and what they were. */
  let before: SocietyState | null = null;
  const member = (id: number): MemberState | undefined => before?.members.get(id);
  const name = (id: number): string => shortName(member(id), id);
  const letters = (ids: string): string =>
    ids
      .split(',')
      .map((id) => letter(member(Number(id)), Number(id)))
      .join(' ');

  /** A fault's description in the society's words, where we know its form. */
  function faultWords(d: string): string | null {
    const f = text.notices.faults;
    const at = (id: string | undefined): string => letter(member(Number(id)), Number(id));
    let m: RegExpExecArray | null;
    if ((m = /^(cut|restore) (\d+)(<->|->)(\d+)$/.exec(d)) !== null)
      return f.link(at(m[2]), at(m[4]), m[3] === '->', m[1] === 'cut');
    if ((m = /^partition (.*)$/.exec(d)) !== null) return f.partition(m[1]!.split(' | ').map(letters));
    if (d === 'heal') return f.heal;
    if (d === 'start' || /^(crash|restart|freeze|thaw) \d+$/.test(d)) return null; // member events say it
    if ((m = /^promote (\d+)$/.exec(d)) !== null)
      return i18n.global.t('timeline.promoted', { name: name(Number(m[1])) });
    if ((m = /^add (voter|learner) (\d+)$/.exec(d)) !== null) return f.joins(name(Number(m[2])), m[1] === 'voter');
    if ((m = /^remove (\d+)$/.exec(d)) !== null) return f.leaves(name(Number(m[1])));
    if ((m = /^link (\d+)(<->|->)(\d+): (.*)$/.exec(d)) !== null)
      return f.fault(at(m[1]), at(m[3]), m[2] === '->', m[4]!);
    return d;
  }

  function notice(e: ClusterEvent, state: SocietyState, post: (t: string, tone: Tone) => void): void {
    before = state;
    switch (e.kind) {
      case 'state': {
        const m = member(e.node);
        if (m === undefined || (m.role === e.role && m.term === e.term)) return;
        if (e.role === 'leader') post(text.notices.elected(name(e.node), e.term), 'good');
        else if (e.role === 'candidate') post(text.notices.candidate(name(e.node), e.term), 'info');
        else if (e.role === 'precandidate' && m.role !== 'precandidate')
          post(text.notices.precandidate(name(e.node)), 'info');
        return;
      }
      case 'vote':
        return post(text.notices.vote(name(e.node), name(e.candidate), e.term), 'info');
      case 'member': {
        const was = member(e.node)?.status;
        if (e.status === 'starting' || (e.status === 'running' && was === 'starting' && e.detail === undefined)) return;
        const tone: Tone = e.status === 'crashed' ? 'bad' : e.status === 'paused' ? 'warn' : 'info';
        return post(text.notices.member(name(e.node), text.status[e.status], e.detail), tone);
      }
      case 'append':
        if (e.overwrote !== null) post(text.notices.overwrote(name(e.node), e.overwrote), 'warn');
        return;
      case 'fault': {
        const words = faultWords(e.description);
        if (words !== null) post(text.notices.fault(words), 'info');
        return;
      }
      case 'client':
        if (e.status !== 200) post(text.notices.client(e.op, e.status, e.latencyMs), 'warn');
        return;
      case 'safety':
        return post(text.notices.safety(e.property, e.message), 'bad');
      default:
        return;
    }
  }

  recording.describeWith(notice);
  const listener: SocietyListener = {
    hello(v, seq) {
      cluster.connected();
      recording.hello(v, seq);
      const chair = v.nodes.find((n) => n.id === v.leaderId);
      recording.postLive(
        text.notices.connected(v.term, chair === undefined ? null : shortName(chair, chair.id)),
        'info',
        seq,
      );
    },
    events(batch) {
      recording.receive(batch);
    },
    disconnected(reason) {
      cluster.disconnected(reason);
    },
  };
  return api.subscribe(listener);
}
