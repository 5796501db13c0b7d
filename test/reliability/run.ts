// One nemesis run on the real cluster: a society of real member processes behind the real HTTP API
// (startWeb on 127.0.0.1), clients and the nemesis both talking to it over HTTP; then heal, bring
// every member back, wait until they all applied the same log, and judge (verdict.ts).

import { startWeb } from '../../main/server/web.ts';
import { Random } from '../sim/random.ts';
import { defaults as webDefaults } from '../server/helpers.ts';
import { ApiClient, memberStateSchema, type MemberState, type View } from './api-client.ts';
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

/** How long the cluster has to converge after healing. */
const CONVERGE_MS = 30_000;
/** A request without an answer after this long is an unknown outcome (the API gives up after 5 s). */
const REQUEST_TIMEOUT_MS = 10_000;

const violationsSchema = z.object({ violations: z.array(z.object({ property: z.string(), message: z.string() })) });

export async function runNemesis(o: NemesisRunOptions): Promise<RunReport> {
  const r = new Random(o.seed);
  const web = await startWeb({ ...webDefaults, nodes: o.nodes });
  try {
    const api = new ApiClient(web.url, REQUEST_TIMEOUT_MS);
    // Every heartbeat as an event would cost the supervisor more than the run itself.
    await api.expect(z.unknown(), 'POST', '/api/settings', { messageTelemetry: false });
    if ((await api.waitForView((v) => v.leaderId !== null, 10_000)) === null)
      throw new Error('no chairman was elected');
    const t0 = performance.now();
    const clients = new KvClients(api, r.fork(), { clients: o.clients, keys: o.keys, thinkMs: [0, 20] }, t0);
    const nemesis = new Nemesis(api, r.fork(), defaultNemesis, t0);
    clients.start();
    await nemesis.run(o.seconds * 1000);
    await clients.stop();
    await nemesis.quiesce();
    const durationMs = performance.now() - t0;
    const { states, problem } = await converge(api);
    const { violations } = await api.expect(violationsSchema, 'GET', '/api/safety');
    return judge(
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
      },
      o.outDir,
    );
  } finally {
    await web.close();
  }
}

/** Members of the leader's configuration that run and applied everything it committed. */
function settled(v: View): boolean {
  if (v.leaderId === null) return false;
  const leader = v.nodes.find((n) => n.id === v.leaderId)!;
  const members = [...v.voters, ...v.learners];
  return (
    members.every((id) => v.nodes.some((n) => n.id === id && n.status === 'running')) &&
    v.nodes.every((n) => members.includes(n.id) && n.appliedIndex === leader.commitIndex)
  );
}

/**
 * Wait until every member applied the same log, then ask each what it holds. A member can apply one
 * more entry between two answers (a new chairman's no-op), so this asks again until the answers
 * agree on the index or the time is up.
 */
async function converge(api: ApiClient): Promise<{ states: MemberState[]; problem: string | null }> {
  const deadline = performance.now() + CONVERGE_MS;
  let v: View | null = null;
  let states: MemberState[] = [];
  while (performance.now() < deadline) {
    v = await api.waitForView(settled, deadline - performance.now());
    if (v === null) break;
    states = await Promise.all(v.nodes.map((n) => api.expect(memberStateSchema, 'GET', `/api/members/${n.id}/state`)));
    if (new Set(states.map((s) => s.applied)).size === 1) return { states, problem: null };
  }
  const last = v ?? (await api.view());
  return {
    states,
    problem:
      `the members did not converge within ${CONVERGE_MS / 1000} s: chairman ${last.leaderId ?? 'none'}, ` +
      `voters ${last.voters.join(',')}, learners ${last.learners.join(',') || 'none'}; ` +
      last.nodes
        .map((n) => `member ${n.id} ${n.status} ${n.role} commit ${n.commitIndex} applied ${n.appliedIndex}`)
        .join('; '),
  };
}
