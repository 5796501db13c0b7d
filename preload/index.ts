// The sandboxed preload (compiled to one CommonJS file, out/preload/index.cjs): installs the one
// API the renderer may use, `window.raftSociety` (SocietyApi), through contextBridge. The page
// gets that object and nothing else: not ipcRenderer, not Node.

import { contextBridge, ipcRenderer } from 'electron';
import { createSocietyApi } from './society-api.ts';

const api = createSocietyApi({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  send: (channel, payload) => {
    ipcRenderer.send(channel, payload);
  },
  listen: (channel, listener) => {
    ipcRenderer.on(channel, (_event, message: unknown) => {
      listener(message);
    });
  },
});

contextBridge.exposeInMainWorld('raftSociety', api);
