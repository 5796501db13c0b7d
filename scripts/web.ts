// npm run web -- [--nodes N] [--port P] [--host H] [--token T] ...: the cluster behind the HTTP and
// WebSocket API (see docs/api.md), serving the UI from out/renderer (built here when missing or
// stale) unless --static says otherwise.

import { enableCompileCache } from 'node:module';
import { defaultCompileCache } from '../main/cluster/spawn.ts';

// Compiling the server's TypeScript took ~110 ms of every start (to the first leader: the budget is
// 1 s); V8 keeps the code between runs, in the cache the members use. The modules are imported
// after this, so that it applies.
enableCompileCache(defaultCompileCache);
const { main } = await import('../main/server/web.ts');
const { ensureMemberBundle } = await import('./build-member.ts');
const { ensureRendererBuild } = await import('./build-renderer.ts');

const args = process.argv.slice(2);
await ensureMemberBundle();
if (!args.some((a) => a === '--static' || a.startsWith('--static=') || a === '--help' || a === '-h'))
  await ensureRendererBuild();
process.exit(await main(args));
