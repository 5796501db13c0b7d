// `npm run demo`: the Harmony Heights story told by the real Raft engine
// in the deterministic simulator. Three building representatives elect a chairman, record
// decisions in the minutes book, survive the monsoon partition (Building C cut off), and catch up.
// Every line is read off the engine's state, nothing is scripted text about outcomes.

import { setTimeout as sleep } from 'node:timers/promises';
import { encodeCommand } from '../main/statemachine/commands.ts';
import type { NodeId } from '../main/raft/types.ts';
import { optionReader } from '../test/lib/cli-options.ts';
import { SimCluster } from '../test/sim/sim-cluster.ts';

const { parse, int } = optionReader('npm run demo', 'usage: npm run demo -- [--fast] [--seed S]');
const { values } = parse({ fast: { type: 'boolean', default: false }, seed: { type: 'string', default: '2019' } });
const seed = int('seed', values.seed, 0, 2 ** 31 - 1);
const pause = (ms: number): Promise<void> => (values.fast ? Promise.resolve() : sleep(ms));

const members = new Map<NodeId, string>([
  [1, 'Rajesh (Building A)'],
  [2, 'Priya (Building B)'],
  [3, 'Mohan (Building C)'],
]);
const who = (id: NodeId | null | undefined): string => (id == null ? 'nobody' : (members.get(id) ?? `member ${id}`));
const sim = new SimCluster({ seed, nodes: 3 });
let seq = 0;

function say(line: string): void {
  console.log(`${String(sim.now).padStart(6)} ms  ${line}`);
}

function roll(): void {
  for (const n of sim.nodes.values()) {
    const s = n.raw?.status();
    const line = s
      ? `${s.role.padEnd(12)} term ${s.term}  voted for ${who(s.vote)}  minutes ${s.commitIndex}/${s.lastIndex} committed`
      : 'offline';
    console.log(`           ${who(n.id).padEnd(22)} ${line}`);
  }
}

async function chapter(title: string): Promise<void> {
  console.log(`\n== ${title}`);
  await pause(600);
}

/** Run until `done` holds or `limit` ms of society time pass; returns whether it held. */
function waitFor(done: () => boolean, limit: number): boolean {
  const until = sim.now + limit;
  while (sim.now < until) {
    if (done()) return true;
    sim.runUntil(sim.now + 10);
  }
  return done();
}

function decide(text: string, at: NodeId): void {
  const res = sim.propose(
    at,
    `demo#${seq + 1}`,
    encodeCommand({ client: 'demo', seq: ++seq, ackedBelow: seq, op: { op: 'decide', text } }),
    (r) => {
      if (r.op === 'decide') say(`minutes book, decision ${r.number} (log index ${r.index}) committed: "${text}"`);
    },
  );
  if (res === null || !res.ok)
    say(`${who(at)} cannot record "${text}": ${res === null ? 'offline' : `not the chairman (${res.reason})`}`);
  else say(`${who(at)}, chairman, proposes "${text}" as log entry ${res.index} of term ${res.term}`);
}

async function main(): Promise<void> {
  console.log('Harmony Heights, Andheri: three building representatives, one chairman, one minutes book.');
  console.log(`The Raft engine below is the real one; the network and clock are simulated (seed ${seed}).`);

  await chapter('1. The election: whoever hears nothing for a random 150-300 ms stands as candidate');
  waitFor(() => sim.leader() !== null, 3000);
  const first = sim.leader()!;
  say(`${who(first.id)} is elected chairman in term ${first.raw!.status().term} with a majority of ballots`);
  roll();

  await chapter('2. Decisions go into the minutes book once a majority has written them');
  decide('Approve painting contract for Rs 2 lakhs', first.id);
  decide('Water tank cleaning every quarter', first.id);
  waitFor(() => first.sm.decisions().length === 2, 2000);
  roll();

  await chapter('3. The monsoon: Building C loses its connection (the seed story)');
  const c: NodeId = 3;
  sim.partition([[c], [1, 2]]);
  say(`${who(c)} is cut off; Buildings A and B still reach each other`);
  if (first.id === c) {
    say(`the chairman is the one cut off: A and B, a majority, elect a new chairman`);
    waitFor(
      () =>
        sim.leader() !== null && sim.leader()!.id !== c && sim.leader()!.raw!.status().term > first.raw!.status().term,
      3000,
    );
  }
  const chair =
    sim.leader()!.id === c ? [...sim.nodes.values()].find((n) => n.id !== c && n.role === 'leader')! : sim.leader()!;
  decide('Repair the lift in Building A', chair.id);
  waitFor(() => chair.sm.decisions().length === 3, 2000);
  sim.runUntil(sim.now + 1500);
  const isolated = sim.node(c).raw!.status();
  say(
    `${who(c)} alone cannot decide anything: ${isolated.role}, term ${isolated.term}, ${isolated.commitIndex} entries committed`,
  );
  roll();

  await chapter('4. The chairman falls ill (crash); the remaining majority elects a new one');
  sim.heal();
  waitFor(() => sim.node(c).sm.decisions().length === 3 && sim.leader()?.id === chair.id, 3000);
  say(`${who(c)} is back and has caught up: ${sim.node(c).sm.decisions().length} decisions in its minutes book`);
  sim.crash(chair.id);
  say(`${who(chair.id)} crashes`);
  waitFor(() => sim.leader() !== null && sim.leader()!.id !== chair.id, 3000);
  const second = sim.leader()!;
  say(`${who(second.id)} becomes chairman in term ${second.raw!.status().term}; no decision is lost:`);
  for (const d of second.sm.decisions()) say(`  ${d.number}. ${d.text}`);
  decide('Install solar panels on the terrace', second.id);
  waitFor(() => second.sm.decisions().length === 4, 2000);

  await chapter('5. The old chairman recovers from its disk and catches up');
  sim.restart(chair.id);
  waitFor(() => sim.node(chair.id).sm.decisions().length === 4, 3000);
  roll();
  console.log(
    `\nSafety checks on every event: ${sim.monitor.violations.length === 0 ? 'all five Raft properties held' : sim.monitor.violations.map((v) => v.message).join('; ')}.`,
  );
  console.log('More: npm run sim -- --seeds 1000 (thousands of randomized fault schedules), docs/raft.md.');
}

await main();
