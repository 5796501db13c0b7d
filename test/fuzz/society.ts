// "Changes nothing", checked on a real cluster: the society is brought to rest (a chairman every
// member follows, equal logs) and slowed down so that no election can happen while it is fuzzed;
// then anything that would show a change (the view, or an event of a kind only a command, a
// crash or a write produces) counts as one.

import type { Supervisor } from '../../main/cluster/supervisor.ts';
import type { WebServer } from '../../main/server/web.ts';
import type { ClusterEvent } from '../../main/shared/contract.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Events that only a command, a process's life or death, or a write can cause. */
const changes = new Set<ClusterEvent['kind']>(['fault', 'client', 'member', 'append', 'snapshot', 'safety', 'vote']);

/** What must stay the same: everything in the view but what moves on its own (progress, applied). */
function stableView(sup: Supervisor): string {
  const v = sup.view();
  return JSON.stringify({
    leaderId: v.leaderId,
    term: v.term,
    voters: v.voters,
    learners: v.learners,
    nodes: v.nodes.map((n) => [n.id, n.status, n.pid, n.role, n.term, n.vote, n.leader, n.commitIndex, n.lastIndex]),
    links: v.links,
    settings: v.settings,
  });
}

/** Wait until every member follows one chairman with the same log, then slow time 50-fold. */
export async function bringToRest(sup: Supervisor, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = sup.view();
    const l = v.nodes.find((n) => n.id === v.leaderId);
    const settled =
      l !== undefined &&
      v.nodes.every(
        (n) =>
          n.status === 'running' &&
          n.leader === l.id &&
          n.term === l.term &&
          n.lastIndex === l.lastIndex &&
          n.commitIndex === l.lastIndex,
      );
    if (settled) break;
    if (Date.now() > deadline) throw new Error(`the society did not come to rest: ${JSON.stringify(v.nodes)}`);
    await sleep(20);
  }
  // Heartbeats every 2.5 s, election timeouts of 7.5-15 s: no election while the fuzzers run.
  const slowed = await sup.execute('settings.set', { timeScale: 0.02 });
  if (slowed.status !== 200) throw new Error(`cannot slow the society down: ${JSON.stringify(slowed.body)}`);
}

/** A baseline of the society now; `changed()` says what differs from it, or null. */
export function baseline(sup: Supervisor): { readonly changed: () => string | null } {
  const view = stableView(sup);
  const seq = sup.events(0).at(-1)?.seq ?? 0;
  return {
    changed() {
      const done = sup.events(seq).filter((e) => changes.has(e.kind));
      if (done.length > 0) return `events: ${JSON.stringify(done.slice(0, 5))}`;
      const now = stableView(sup);
      return now === view ? null : `view was ${view}\nnow ${now}`;
    },
  };
}

export type Baseline = ReturnType<typeof baseline>;

/** A web server on a society at rest and its baseline: the doors' fuzzers share one (doors.test.ts). */
export interface WebSociety {
  readonly web: WebServer;
  readonly society: Baseline;
}
