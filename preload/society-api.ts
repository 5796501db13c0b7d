// The desktop door's half of SocietyApi (main/shared/bridge.ts), over Electron IPC. It is given
// only the three IPC operations it needs, never ipcRenderer itself, so nothing else of IPC can
// reach the page. Each listener is one subscription in the main process, which sends it a hello,
// the recorded events up to that hello (history, as the browser door replays them), and then the
// live events, in batches of at most one per animation frame.

import { ipcChannels, type Session, type SocietyApi, type SocietyListener } from '../main/shared/bridge.ts';
import type { CommandResult } from '../main/shared/contract.ts';
import type { StreamMessage } from '../main/electron/messages.ts';

/** The IPC the API uses: what the preload passes in from ipcRenderer. */
export interface Ipc {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  send(channel: string, payload: unknown): void;
  /** Listen on a main -> renderer channel; the listener gets the message only, not the event. */
  listen(channel: string, listener: (message: unknown) => void): void;
}

/** Call a listener's method without letting its exception stop the others. */
function safely(f: () => void): void {
  try {
    f();
  } catch (e) {
    console.error('raftSociety listener failed:', e);
  }
}

/** The desktop window is its owner's: it may do everything, and there is no one to share it with. */
const desktopSession: Session = { access: 'admin', share: null };

function isMessage(m: unknown): m is StreamMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function createSocietyApi(ipc: Ipc): SocietyApi {
  const listeners = new Map<number, SocietyListener>();
  let nextId = 1;

  ipc.listen(ipcChannels.stream, (message) => {
    if (!isMessage(message)) return;
    switch (message.type) {
      case 'hello': {
        const l = listeners.get(message.id);
        if (l !== undefined)
          safely(() => {
            l.hello(message.view, message.seq, desktopSession);
          });
        return;
      }
      case 'events': {
        const l = listeners.get(message.id);
        if (l !== undefined && message.events.length > 0)
          safely(() => {
            l.events(message.events);
          });
        return;
      }
      case 'disconnected':
        for (const l of listeners.values())
          safely(() => {
            l.disconnected?.(message.reason);
          });
        return;
    }
  });

  return {
    door: 'desktop',
    execute: async (name, input) => (await ipc.invoke(ipcChannels.execute, { name, input })) as CommandResult,
    subscribe(listener) {
      const id = nextId++;
      listeners.set(id, listener);
      ipc.send(ipcChannels.subscribe, { id });
      return () => {
        if (!listeners.delete(id)) return;
        ipc.send(ipcChannels.unsubscribe, { id });
      };
    },
  };
}
