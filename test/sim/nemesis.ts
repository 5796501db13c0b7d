// Fault models, as in the MIT 6.5840 Raft lab and etcd's robustness tests. Each model is a menu of
// faults the nemesis draws from at random moments; "mixed" draws from all of them.

import type { NodeId } from '../../main/raft/types.ts';
import { bridgeLinks, deafLeaderLinks, halves, isolatedLeader, oneWayLink, ringLinks } from '../lib/fault-shapes.ts';
import type { LinkFault, SimCluster } from './sim-cluster.ts';

export const faultModels = [
  'unreliable',
  'reorder',
  'figure8',
  'churn',
  'partitions',
  'freeze',
  'snapshot',
  'membership',
  'mixed',
] as const;
export type FaultModel = (typeof faultModels)[number];

/** 6.5840's unreliable network: 0-27 ms delay and 10% of requests and replies dropped. */
export const unreliableNetwork: LinkFault = {
  loss: 0.1,
  duplicate: 0.02,
  delayMin: 0,
  delayMax: 27,
  longDelay: 0,
  longDelayMin: 0,
  longDelayMax: 0,
};
/** 6.5840's long reordering: some messages arrive 200-2200 ms late, after many later ones. */
export const reorderingNetwork: LinkFault = {
  ...unreliableNetwork,
  longDelay: 0.08,
  longDelayMin: 200,
  longDelayMax: 2200,
};

type Fault = (sim: SimCluster, ctl: NemesisControl) => void;

/** What the nemesis needs besides the cluster: spare ids for new members, and a fault log. */
export interface NemesisControl {
  nextSpareId: () => NodeId;
  readonly applied: Map<string, number>;
}

const live = (sim: SimCluster): NodeId[] => sim.ids().filter((id) => sim.node(id).state !== 'removed');
const leaderOr = (sim: SimCluster): NodeId => sim.leader()?.id ?? sim.rng.pick(live(sim));

const crashLeader: Fault = (sim) => sim.crash(leaderOr(sim));
const crashAny: Fault = (sim) => sim.crash(sim.rng.pick(live(sim)));
/** The leader dies during its next write, after its appends of those entries have left (thesis §10.2.1). */
const crashLeaderWriting: Fault = (sim) => {
  const l = sim.leader();
  if (l !== null) l.crashDuringWrite = true;
};
const restartOne: Fault = (sim) => {
  const down = live(sim).filter((id) => sim.node(id).state === 'down');
  if (down.length > 0) sim.restart(sim.rng.pick(down));
};
/** A crash and an immediate restart, often in the middle of an election. */
const bounce = (sim: SimCluster, _ctl: NemesisControl, id = sim.rng.pick(live(sim))): void => {
  sim.crash(id);
  sim.at(sim.rng.int(1, 40), () => sim.restart(id));
};
const restartAll: Fault = (sim) => live(sim).forEach((id) => sim.restart(id));
const freezeLeader: Fault = (sim) => sim.pause(leaderOr(sim));
const freezeAny: Fault = (sim) => sim.pause(sim.rng.pick(live(sim)));
const thawAll: Fault = (sim) => live(sim).forEach((id) => sim.resume(id));
const heal: Fault = (sim) => sim.heal();

const isolateLeader: Fault = (sim) => sim.partition(isolatedLeader(leaderOr(sim), live(sim)));
const splitMinorityMajority: Fault = (sim) => sim.partition(halves(sim.rng, live(sim)));
const bridge: Fault = (sim) => bridgeLinks(sim.rng, live(sim)).forEach(([x, y]) => sim.cut(x, y));
const ring: Fault = (sim) => ringLinks(sim.rng, live(sim)).forEach(([x, y]) => sim.cut(x, y));
const oneWayCut: Fault = (sim) => {
  const [from, to] = oneWayLink(sim.rng, live(sim));
  sim.cut(from, to, true);
};
/** Members that hear their leader but cannot answer it: the classic one-way partition. */
const leaderDeaf: Fault = (sim) =>
  deafLeaderLinks(leaderOr(sim), live(sim)).forEach(([from, to]) => sim.cut(from, to, true));

const lagBehind: Fault = (sim) => {
  const followers = live(sim).filter((id) => id !== sim.leader()?.id);
  if (followers.length === 0) return;
  const f = sim.rng.pick(followers);
  for (const id of live(sim)) if (id !== f) sim.cut(id, f);
  sim.at(sim.rng.int(1000, 4000), () => sim.heal());
};

const unreliable: Fault = (sim) => {
  sim.network = unreliableNetwork;
};
const reorder: Fault = (sim) => {
  sim.network = reorderingNetwork;
};
const flakyLink: Fault = (sim) => {
  const ids = live(sim);
  const a = sim.rng.pick(ids);
  const b = sim.rng.pick(ids.filter((id) => id !== a));
  sim.setLinkFault(a, b, { ...unreliableNetwork, loss: 0.4, delayMax: 60 });
};

/**
 * Spawn a process and propose it as a member. Like the supervisor, stop the process again if the
 * change is refused or lost with its leader: a process that believes it is a voter while the
 * cluster does not would time out and campaign forever (dissertation §4.2.3).
 */
const addMember: Fault = (sim, ctl) => {
  const l = sim.leader();
  if (l?.raw == null || live(sim).length >= 7) return;
  const id = ctl.nextSpareId();
  sim.addProcess(id);
  const res = l.raw.proposeMembership({ kind: sim.rng.chance(0.5) ? 'addLearner' : 'addVoter', node: id });
  sim.drive(l);
  if (!res.ok) return sim.retire(id);
  const settle = (): void => {
    if (sim.node(id).state === 'removed') return;
    const s = sim.leader()?.raw?.status();
    if (s !== undefined) {
      const member = s.membership.voters.includes(id) || s.membership.learners.includes(id);
      if (member && s.commitIndex >= res.index) return;
      if (!member && s.term > res.term) return sim.retire(id);
    }
    sim.at(200, settle);
  };
  sim.at(200, settle);
};
const promoteLearner: Fault = (sim) => {
  const l = sim.leader();
  const learner = l?.raw?.status().membership.learners[0];
  if (l?.raw == null || learner === undefined) return;
  l.raw.proposeMembership({ kind: 'promoteLearner', node: learner });
  sim.drive(l);
};
/** Remove a voter (the leader itself half the time), then stop its process once that commits. */
const removeMember: Fault = (sim) => {
  const l = sim.leader();
  if (l?.raw == null) return;
  const m = l.raw.status().membership;
  if (m.voters.length <= 3) return;
  const target = sim.rng.chance(0.5) ? l.id : sim.rng.pick([...m.voters, ...m.learners]);
  const res = l.raw.proposeMembership({ kind: 'remove', node: target });
  sim.drive(l);
  if (!res.ok) return;
  // Like the supervisor: stop the process only once its removal is committed, however long that
  // takes (a removed member left running would campaign and disrupt without PreVote/CheckQuorum).
  const retireWhenCommitted = (): void => {
    const status = sim.leader()?.raw?.status();
    const gone = status !== undefined && status.commitIndex >= res.index && !status.membership.voters.includes(target);
    if (gone && !status.membership.learners.includes(target)) sim.retire(target);
    else if (!gone && sim.node(target).state !== 'removed') sim.at(200, retireWhenCommitted);
  };
  sim.at(200, retireWhenCommitted);
};
const transfer: Fault = (sim) => {
  const l = sim.leader();
  if (l?.raw == null) return;
  const voters = l.raw.status().membership.voters.filter((id) => id !== l.id);
  if (voters.length === 0) return;
  l.raw.transferLeadership(sim.rng.pick(voters));
  sim.drive(l);
};
const togglePreVote: Fault = (sim) => sim.setPreVote(!sim.preVote);
const toggleCheckQuorum: Fault = (sim) => sim.setCheckQuorum(!sim.checkQuorum);

const menus: Record<Exclude<FaultModel, 'mixed'>, readonly Fault[]> = {
  unreliable: [unreliable, flakyLink, heal],
  reorder: [reorder],
  figure8: [crashLeader, crashLeaderWriting, restartOne, restartOne, restartAll, bounce, bounce],
  churn: [crashAny, crashAny, crashLeaderWriting, restartOne, restartOne, restartAll, bounce, bounce, bounce],
  partitions: [isolateLeader, splitMinorityMajority, bridge, ring, oneWayCut, leaderDeaf, flakyLink, heal, heal],
  freeze: [freezeLeader, freezeAny, thawAll, thawAll],
  snapshot: [lagBehind, crashAny, restartOne, restartOne],
  membership: [addMember, promoteLearner, removeMember, transfer, crashLeader, restartOne],
};

export function faultsOf(model: FaultModel): readonly Fault[] {
  if (model !== 'mixed') return menus[model];
  return [...Object.values(menus).flat(), togglePreVote, toggleCheckQuorum];
}

/** Schedule random faults from `model` until `until`; figure8 also runs on an unreliable network. */
export function startNemesis(sim: SimCluster, model: FaultModel, until: number, ctl: NemesisControl): void {
  const menu = faultsOf(model);
  // Crash-heavy models strike often, so faults land inside elections, not only between them.
  const fast = model === 'figure8' || model === 'churn';
  if (model === 'figure8' || model === 'membership') sim.network = unreliableNetwork;
  if (model === 'membership' || model === 'mixed') {
    // A new leader asked for a membership change at once, before its first entry commits: the
    // window of the single-server change bug (raft-dev 2015).
    sim.afterElected = () => {
      if (sim.now < until && sim.rng.chance(0.3)) sim.at(0, () => sim.rng.pick([addMember, removeMember])(sim, ctl));
    };
  }
  if (fast) {
    // Power lost right after a vote was made durable: the restarted member must still remember it.
    sim.afterVote = (voter) => {
      if (sim.now < until && sim.rng.chance(0.15)) sim.at(sim.rng.int(0, 3), () => bounce(sim, ctl, voter));
    };
  }
  if (model === 'reorder' || model === 'unreliable') (model === 'reorder' ? reorder : unreliable)(sim, ctl);
  const strike = (): void => {
    if (sim.now >= until) return;
    const fault = sim.rng.pick(menu);
    ctl.applied.set(fault.name, (ctl.applied.get(fault.name) ?? 0) + 1);
    fault(sim, ctl);
    sim.at(sim.rng.int(50, fast ? 400 : 1500), strike);
  };
  sim.at(sim.rng.int(300, 1500), strike);
}
