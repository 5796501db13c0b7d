// npm run web -- [--nodes N] [--port P] [--host H] [--token T] ...: the cluster behind the HTTP and
// WebSocket API (see docs/api.md).

import { main } from '../main/server/web.ts';
import { ensureMemberBundle } from './build-member.ts';

await ensureMemberBundle();
process.exit(await main(process.argv.slice(2)));
