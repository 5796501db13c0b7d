// The one subscription to window.raftSociety: the hello and the event batches are handed to the
// stores (the cluster's state, the flights, the notice board). While the view is paused, batches
// wait here and are applied at once on resume, without animating what is already past.

import { watch } from 'vue';
import type { SocietyListener } from '../../../main/shared/bridge.ts';
import type { ClusterEvent, ClusterView } from '../../../main/shared/contract.ts';
import { useClusterStore } from '../stores/cluster.ts';
import { travelMs, useMessagesStore } from '../stores/messages.ts';
import { useNoticesStore, type Tone } from '../stores/notices.ts';
import { useRecordingStore } from '../stores/recording.ts';
import { useSessionStore } from '../stores/session.ts';
import { useViewStore } from '../stores/view.ts';
import { text } from '../text.ts';
import { letter, shortName } from './names.ts';

/** Held events past this many while paused: message events (animation only) are no longer kept. */
const HOLD_LIMIT = 200_000;

export function connectSociety(): () => void {
  const cluster = useClusterStore();
  const messages = useMessagesStore();
  const notices = useNoticesStore();
  const view = useViewStore();
  const recording = useRecordingStore();
  const session = useSessionStore();
  const api = window.raftSociety;
  if (api === undefined) {
    cluster.disconnected(text.app.noDoor);
    return () => undefined;
  }

  const name = (id: number): string => shortName(cluster.members.get(id), id);
  const letters = (ids: string): string =>
    ids
      .split(',')
      .map((id) => letter(cluster.members.get(Number(id)), Number(id)))
      .join(' ');

  /** A fault's description in the society's words, where we know its form. */
  function faultWords(d: string): string | null {
    const f = text.notices.faults;
    const at = (id: string | undefined): string => letter(cluster.members.get(Number(id)), Number(id));
    let m: RegExpExecArray | null;
    if ((m = /^(cut|restore) (\d+)(<->|->)(\d+)$/.exec(d)) !== null)
      return f.link(at(m[2]), at(m[4]), m[3] === '->', m[1] === 'cut');
    if ((m = /^partition (.*)$/.exec(d)) !== null) return f.partition(m[1]!.split(' | ').map(letters));
    if (d === 'heal') return f.heal;
    if (/^(crash|restart|freeze|thaw) \d+$/.test(d)) return null; // the member event says it
    if ((m = /^add (voter|learner) (\d+)$/.exec(d)) !== null) return f.joins(name(Number(m[2])), m[1] === 'voter');
    if ((m = /^remove (\d+)$/.exec(d)) !== null) return f.leaves(name(Number(m[1])));
    if ((m = /^link (\d+)(<->|->)(\d+): (.*)$/.exec(d)) !== null)
      return f.fault(at(m[1]), at(m[3]), m[2] === '->', m[4]!);
    return d;
  }

  function notice(e: ClusterEvent, post: (t: string, tone: Tone) => void): void {
    switch (e.kind) {
      case 'state': {
        const m = cluster.members.get(e.node);
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
        const was = cluster.members.get(e.node)?.status;
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

  function applyBatch(batch: readonly ClusterEvent[], animate: boolean): void {
    const travel = travelMs(cluster.settings.heartbeatMs, cluster.settings.timeScale);
    for (const e of batch) {
      const live = e.seq > cluster.helloSeq && e.seq > cluster.lastSeq;
      if (live) notice(e, (t, tone) => notices.post(t, tone, e.at));
      cluster.apply(e);
      // With reduced motion a flight does not travel: it shows at the receiver's end for a while.
      if (live && animate && e.kind === 'message') messages.add(e, view.reducedMotion ? travel * 1.5 : travel);
    }
  }

  type Held = { readonly hello: ClusterView; readonly seq: number } | { readonly events: readonly ClusterEvent[] };
  let held: Held[] = [];

  const listener: SocietyListener = {
    hello(v, seq, s) {
      session.adopt(s);
      recording.recordView(v, seq);
      if (view.paused) {
        held.push({ hello: v, seq });
        return;
      }
      messages.clear();
      cluster.hello(v, seq);
      const chair = v.leaderId === null ? null : v.nodes.find((n) => n.id === v.leaderId);
      notices.post(
        text.notices.connected(v.term, chair === null || chair === undefined ? null : name(chair.id)),
        'info',
        Date.now(),
      );
    },
    events(batch) {
      recording.record(batch);
      if (view.paused) {
        const kept = view.waiting > HOLD_LIMIT ? batch.filter((e) => e.kind !== 'message') : batch;
        held.push({ events: kept });
        view.waiting += kept.length;
        return;
      }
      applyBatch(batch, true);
    },
    disconnected(reason) {
      cluster.disconnected(reason);
    },
  };

  const stopPause = watch(
    () => view.paused,
    (paused) => {
      if (paused) return;
      const items = held;
      held = [];
      view.waiting = 0;
      for (const item of items) {
        if ('hello' in item) cluster.hello(item.hello, item.seq);
        else applyBatch(item.events, false);
      }
      refresh();
    },
  );

  // The view's links and settings, read again after faults (debounced: a partition is many cuts).
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  function refresh(): void {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      if (view.paused) return;
      void api!.execute('cluster.get', {}).then((r) => {
        if (r.status !== 200) return;
        recording.recordView(r.body as ClusterView, cluster.lastSeq);
        if (!view.paused) cluster.refreshed(r.body as ClusterView);
      });
    }, 60);
  }
  const stopRefresh = watch(() => cluster.needsRefresh, refresh);

  const unsubscribe = api.subscribe(listener);
  return () => {
    unsubscribe();
    stopPause();
    stopRefresh();
    if (refreshTimer !== null) clearTimeout(refreshTimer);
  };
}
