// The end of a reliability run: every member of the configuration running and applying the same
// log, and what each of them holds (its applied index and state digest, GET /api/members/:id/state).

import { memberStateSchema, type ApiClient, type MemberState, type View } from './api-client.ts';

/** How long the cluster has to converge after healing. */
const CONVERGE_MS = 30_000;

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
export async function converge(api: ApiClient): Promise<{ states: MemberState[]; problem: string | null }> {
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
