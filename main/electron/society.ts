// The desktop's society: five founding members in the user's data folder, run by the app's own
// process. The window reaches it only through the IPC door (ipc.ts); no web server is started, so
// the desktop app listens on no network port at all (checked in test/electron/desktop-network.test.ts).

import { join } from 'node:path';
import { Supervisor } from '../cluster/supervisor.ts';

export function desktopSociety(userData: string, memberEntry: string): { supervisor: Supervisor; dataDir: string } {
  const dataDir = join(userData, 'society');
  return { supervisor: new Supervisor({ nodes: 5, dataDir, memberEntry }), dataDir };
}
