// The one subscription to window.raftSociety: the hello and the event batches go to the recording
// (stores/recording.ts), which shows the newest state or the moment the learner looks at, and
// writes the notice board's words for each event (lib/event-words.ts).

import type { SocietyListener } from '../../../main/shared/bridge.ts';
import { useClusterStore } from '../stores/cluster.ts';
import { useRecordingStore } from '../stores/recording.ts';
import { useSessionStore } from '../stores/session.ts';
import { lostWords } from './connection-words.ts';
import { joinedNotice } from './event-words.ts';
import { words } from './words.ts';

export function connectSociety(): () => void {
  const cluster = useClusterStore();
  const recording = useRecordingStore();
  const session = useSessionStore();
  const api = window.raftSociety;
  if (api === undefined) {
    cluster.disconnected(words('app.noDoor'));
    return () => undefined;
  }

  const listener: SocietyListener = {
    hello(v, seq, s) {
      session.adopt(s);
      cluster.connected();
      recording.hello(v, seq);
      recording.postLive(joinedNotice(v), 'info', seq);
    },
    events(batch) {
      recording.receive(batch);
    },
    disconnected(reason) {
      cluster.disconnected(lostWords(reason));
    },
  };
  return api.subscribe(listener);
}
