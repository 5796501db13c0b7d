// A cluster behind the HTTP API for the benchmarks, in its own process like `npm run web` (the
// load generator must not share an event loop with the server it measures). Started by
// cluster-process.ts with its options as one JSON argument; it may have more members than the
// command line allows (the scale benchmark goes to 25). Prints {"url": ...} once serving; stops
// on SIGTERM or when its parent goes away.

import { z } from 'zod';
import { startWeb } from '../../main/server/web.ts';
import { onOrphaned } from '../../main/server/orphan.ts';

export const serveOptionsSchema = z
  .object({
    nodes: z.number().int().min(1).max(64),
    staticDir: z.string().nullable(),
    electionTimeoutMs: z.tuple([z.number().int().min(2), z.number().int().min(2)]),
    heartbeatMs: z.number().int().min(1),
  })
  .strict();
export type ServeOptions = z.infer<typeof serveOptionsSchema>;

if (import.meta.main) {
  const o = serveOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const w = await startWeb({
    ...o,
    dataDir: null,
    timeScale: 1,
    port: 0,
    host: '127.0.0.1',
    token: null,
    viewerToken: null,
    workshop: false,
  });
  process.stdout.write(`${JSON.stringify({ url: w.url })}\n`);
  const stop = (): void => void w.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  onOrphaned(stop);
}
