// One schedule: a seeded run of a cluster under client load and a fault model, then heal and
// quiesce, then the end-of-run checks (a leader again, every member's state identical, the client
// history linearizable). Any safety violation during the run stops it at the event that caused it.

import { checkKvHistory, type CheckResult } from '../lib/linearizability.ts';
import { faultModels, startNemesis, type FaultModel, type NemesisControl } from './nemesis.ts';
import { Random } from './random.ts';
import { SimCluster, SimulationFailure, type SimOptions } from './sim-cluster.ts';
import { Workload } from './workload.ts';

export interface ScheduleOptions {
  readonly seed: number;
  readonly nodes?: number;
  readonly seconds?: number;
  readonly model?: FaultModel;
  readonly forgetVote?: boolean;
  readonly trace?: boolean;
}

export interface ScheduleResult {
  readonly seed: number;
  readonly model: FaultModel;
  readonly settings: string;
  /** Null when every check passed. */
  readonly failure: string | null;
  readonly linearizability: CheckResult | null;
  readonly operations: number;
  readonly elections: number;
  readonly messages: number;
  readonly faults: ReadonlyMap<string, number>;
  readonly trace: readonly string[];
}

/** Heal-and-quiesce time after the faults stop: long enough for elections and catch-up. */
const QUIESCE_MS = 8000;

export function runSchedule(o: ScheduleOptions): ScheduleResult {
  const r = new Random(o.seed ^ 0x5eed);
  const model = o.model ?? faultModels[o.seed % faultModels.length]!;
  // The paper's ranges in 10 ms ticks: 150-300 ms (usual), 150-200 ms, and 150-160 ms (split votes).
  const [electionTicksMin, electionTicksMax] = r.pick([
    [15, 30],
    [15, 30],
    [15, 20],
    [15, 16],
  ] as const);
  const options: Partial<SimOptions> = {
    seed: o.seed,
    electionTicksMin,
    electionTicksMax,
    nodes: o.nodes ?? 5,
    preVote: r.chance(0.5),
    checkQuorum: r.chance(0.5),
    snapshotThreshold: model === 'snapshot' ? 16 : r.pick([16, 64, 256]),
    maxInflight: r.pick([1, 4, 16]),
    maxEntriesPerAppend: r.pick([1, 8, 64]),
    maxAppendBytes: r.pick([200, 4096, 65536]),
    forgetVote: o.forgetVote ?? false,
    trace: o.trace ?? false,
  };
  const sim = new SimCluster(options);
  const settings = `${sim.opts.nodes} nodes, ${model}, election ${electionTicksMin * sim.opts.tickMs}-${electionTicksMax * sim.opts.tickMs} ms, PreVote ${sim.opts.preVote ? 'on' : 'off'}, CheckQuorum ${sim.opts.checkQuorum ? 'on' : 'off'}, snapshot every ${sim.opts.snapshotThreshold}, inflight ${sim.opts.maxInflight}, batch ${sim.opts.maxEntriesPerAppend}`;
  const faultsUntil = (o.seconds ?? 30) * 1000;
  let spare = sim.opts.nodes;
  const ctl: NemesisControl = { nextSpareId: () => ++spare, applied: new Map() };
  const workload = new Workload(sim);
  workload.start();
  startNemesis(sim, model, faultsUntil, ctl);

  let failure: string | null;
  let linearizability: CheckResult | null = null;
  try {
    sim.runUntil(faultsUntil);
    workload.stop();
    sim.heal();
    for (const id of sim.ids()) {
      sim.node(id).crashDuringWrite = false;
      sim.resume(id);
      sim.restart(id);
    }
    sim.runUntil(faultsUntil + QUIESCE_MS);
    failure =
      checkConverged(sim) ??
      (workload.stats.rejected.length > 0 ? `state machine refused: ${workload.stats.rejected.join('; ')}` : null);
    if (failure === null) {
      linearizability = checkKvHistory(workload.history);
      if (!linearizability.ok)
        failure = `not linearizable: ${linearizability.failure?.explanation ?? 'search budget exhausted'}`;
    }
  } catch (e) {
    if (!(e instanceof SimulationFailure)) throw e;
    failure = e.message;
  }
  if (failure !== null) sim.log(`VIOLATION: ${failure}`);
  return {
    seed: o.seed,
    model,
    settings,
    failure,
    linearizability,
    operations: workload.history.length,
    elections: sim.counts.elections,
    messages: sim.counts.sent,
    faults: ctl.applied,
    trace: sim.trace ?? [],
  };
}

/** After healing: one leader, and every member of its configuration applied the same state. */
function checkConverged(sim: SimCluster): string | null {
  const leader = sim.leader();
  if (leader?.raw == null) return `liveness: no leader ${QUIESCE_MS} ms after healing`;
  const status = leader.raw.status();
  const members = [...status.membership.voters, ...status.membership.learners];
  const image = leader.sm.serialize();
  for (const id of members) {
    const n = sim.node(id);
    if (n.raw === null) return `liveness: member n${id} is not running after healing`;
    if (n.sm.appliedIndex !== status.commitIndex) {
      return `liveness: n${id} applied ${n.sm.appliedIndex}, leader n${leader.id} committed ${status.commitIndex} (${QUIESCE_MS} ms after healing)`;
    }
    if (n.sm.serialize() !== image)
      return `State Machine Safety: n${id} and leader n${leader.id} applied index ${status.commitIndex} yet hold different states`;
  }
  return null;
}
