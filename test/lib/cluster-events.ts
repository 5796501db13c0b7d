// Events as the supervisor records them, for tests of what is derived from the stream: the fields a
// test does not care about get plain defaults.

import type { ClusterEvent, MemberView } from '../../main/shared/contract.ts';
import { defaultSettings } from '../../renderer/src/lib/society-state.ts';

export interface StateFields {
  readonly seq: number;
  readonly at: number;
  readonly node: number;
  readonly role: MemberView['role'];
  readonly term: number;
  readonly commit?: number;
  readonly last?: number;
  readonly progress?: MemberView['progress'];
  readonly voters?: readonly number[];
}

/** A member's `state` event; it applied what it committed, and its log ends there unless `last` says. */
export function stateEvent(f: StateFields): ClusterEvent {
  const commit = f.commit ?? 0;
  return {
    seq: f.seq,
    at: f.at,
    kind: 'state',
    node: f.node,
    role: f.role,
    term: f.term,
    vote: null,
    leader: f.role === 'leader' ? f.node : null,
    commit,
    applied: commit,
    first: 1,
    last: f.last ?? commit,
    progress: f.progress ?? [],
    memberAt: f.at,
    voters: f.voters ?? [1, 2, 3],
    learners: [],
  };
}

/** A `fault` event after which the links `cuts` (directed, [from, to]) are cut; settings as by default. */
export function faultEvent(
  seq: number,
  at: number,
  description: string,
  cuts: readonly [number, number][],
): ClusterEvent {
  const network = { cuts: cuts.map(([from, to]) => ({ from, to })), faults: [] };
  return { seq, at, kind: 'fault', description, after: { network, settings: defaultSettings } };
}
