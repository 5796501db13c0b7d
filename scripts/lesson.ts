// npm run lesson -- <id|number|file> [--auto] [--lang hi] [--url U --token T]: a guided lesson on a
// real cluster at the terminal (see docs/lessons.md).

import { main } from '../main/server/lesson-cli.ts';
import { ensureMemberBundle } from './build-member.ts';

await ensureMemberBundle();
process.exit(await main(process.argv.slice(2)));
