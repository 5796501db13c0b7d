// The one global the renderer uses: the door to the cluster, installed before the app starts by
// the Electron preload or, in a browser, by bridge/browser-bridge.ts.

import type { SocietyApi } from '../../main/shared/bridge.ts';

declare global {
  interface Window {
    /** Absent only when the page was opened without either door (e.g. index.html from disk). */
    raftSociety?: SocietyApi;
    /** A read-only diagnostic of vue-i18n for the end-to-end tests (i18n/index.ts). */
    readonly raftSocietyI18n?: { readonly missingKeys: () => string[] };
  }
}

export {};
