// npm run web -- [--nodes N] [--port P] [--host H] [--token T] ...: the cluster behind the HTTP and
// WebSocket API (see docs/api.md), serving the UI from out/renderer (built here when missing or
// stale) unless --static says otherwise.

import { main } from '../main/server/web.ts';
import { ensureMemberBundle } from './build-member.ts';
import { ensureRendererBuild } from './build-renderer.ts';

const args = process.argv.slice(2);
await ensureMemberBundle();
if (!args.some((a) => a === '--static' || a.startsWith('--static=') || a === '--help' || a === '-h'))
  await ensureRendererBuild();
process.exit(await main(args));
