// npm run cluster -- [--nodes N] ...: the cluster at a terminal prompt, for workshops without a GUI
// (type help; commands can be piped in, one per line).

import { main } from '../main/server/repl.ts';
import { ensureMemberBundle } from './build-member.ts';

await ensureMemberBundle();
process.exit(await main(process.argv.slice(2)));
