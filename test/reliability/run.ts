// One nemesis run on the real cluster: a society of real member processes behind the real HTTP API
// (startWeb on 127.0.0.1), clients and the nemesis both talking to it over HTTP; then heal, bring
// every member back, wait until they all applied the same log, and judge (verdict.ts).

import { startWeb } from '../../main/server/web.ts';
import { Random } from '../sim/random.ts';
import { defaults as webDefaults } from '../server/helpers.ts';
import { ApiClient, CONTROL_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './api-client.ts';
import { converge } from './convergence.ts';
import { KvClients } from './kv-clients.ts';
import { defaultNemesis, Nemesis } from './nemesis.ts';
import { judge, type RunReport } from './verdict.ts';
import { z } from 'zod';

export interface NemesisRunOptions {
  readonly seed: number;
  readonly seconds: number;
  readonly nodes: number;
  readonly clients: number;
  readonly keys: number;
  /** Where a failing run writes its file; null: nowhere. */
  readonly outDir: string | null;
}

const violationsSchema = z.object({ violations: z.array(z.object({ property: z.string(), message: z.string() })) });

export async function runNemesis(o: NemesisRunOptions): Promise<RunReport> {
  const r = new Random(o.seed);
  const web = await startWeb({ ...webDefaults, nodes: o.nodes });
  try {
    const api = new ApiClient(web.url, CONTROL_TIMEOUT_MS);
    // Every heartbeat as an event would cost the supervisor more than the run itself.
    await api.expect(z.unknown(), 'POST', '/api/settings', { messageTelemetry: false });
    if ((await api.waitForView((v) => v.leaderId !== null, 10_000)) === null)
      throw new Error('no chairman was elected');
    const t0 = performance.now();
    const clients = new KvClients(
      { api: new ApiClient(web.url, REQUEST_TIMEOUT_MS), r: r.fork(), t0 },
      { clients: o.clients, keys: o.keys, thinkMs: [0, 20] },
    );
    const nemesis = new Nemesis({ api, r: r.fork(), t0 }, defaultNemesis);
    clients.start();
    await nemesis.run(o.seconds * 1000);
    await clients.stop();
    await nemesis.quiesce();
    const durationMs = performance.now() - t0;
    const { states, problem } = await converge(api);
    const { violations } = await api.expect(violationsSchema, 'GET', '/api/safety');
    return await judge(
      {
        options: o,
        durationMs,
        history: clients.history,
        requests: clients.log,
        outcomes: clients.counts,
        schedule: nemesis.schedule,
        faults: nemesis.counts,
        nemesisUnexpected: nemesis.unexpected,
        states,
        convergence: problem,
        violations,
        events: () => api.events(),
      },
      o.outDir,
    );
  } finally {
    await web.close();
  }
}
