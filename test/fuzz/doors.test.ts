// The fuzzers of the doors into the society: the HTTP API and the WebSocket of `npm run web`, and
// the desktop's IPC handlers. They share one real society (a web server on a 3-member cluster,
// brought to rest), so each checks against the same baseline that nothing ever changed.

import { after, before, describe } from 'node:test';
import { startWeb } from '../../main/server/web.ts';
import { ensureMemberBundle } from '../../scripts/build-member.ts';
import { defaults } from '../server/helpers.ts';
import { httpFuzzers } from './http-api.ts';
import { ipcFuzzers } from './ipc.ts';
import { baseline, bringToRest, type WebSociety } from './society.ts';
import { websocketFuzzers } from './websocket.ts';

describe('the doors of a real society', () => {
  let shared: WebSociety;
  before(async () => {
    await ensureMemberBundle();
    const web = await startWeb({ ...defaults });
    await bringToRest(web.supervisor);
    shared = { web, society: baseline(web.supervisor) };
  });
  after(() => shared.web.close());

  httpFuzzers(() => shared);
  websocketFuzzers(() => shared);
  ipcFuzzers(() => shared);
});
