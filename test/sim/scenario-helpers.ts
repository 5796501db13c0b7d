// Small helpers for the scripted scenarios in scenarios.test.ts: step the simulated clock until
// something holds, force elections, write keys through the real client door, and look into the
// logs the members persisted.

import assert from 'node:assert/strict';
import type { Status } from '../../main/raft/rawnode.ts';
import type { Entry, NodeId, ProposeResult } from '../../main/raft/types.ts';
import { fingerprint } from '../../main/safety/monitor.ts';
import { encodeCommand, type OperationResult } from '../../main/statemachine/commands.ts';
import { calmNetwork, type LinkFault, type SimCluster, type SimNode } from './sim-cluster.ts';

/** Every message takes exactly 1 ms: scripted scenarios can then act between two hops. */
export const exactNetwork: LinkFault = { ...calmNetwork, delayMin: 1, delayMax: 1 };

/**
 * Step the world in `stepMs` increments until `predicate` holds; returns the simulated ms it took.
 * Fails the test if it does not hold within `maxMs`.
 */
export function waitFor(
  sim: SimCluster,
  predicate: () => boolean,
  maxMs: number,
  what = 'condition',
  stepMs = 10,
): number {
  const start = sim.now;
  for (;;) {
    if (predicate()) return sim.now - start;
    if (sim.now - start >= maxMs) assert.fail(`${what}: not reached within ${maxMs} ms (at ${sim.now} ms)`);
    sim.runUntil(Math.min(sim.now + stepMs, start + maxMs));
  }
}

/** Run for `ms` and fail as soon as `predicate` stops holding. */
export function holdsFor(sim: SimCluster, predicate: () => boolean, ms: number, what = 'invariant', stepMs = 10): void {
  const end = sim.now + ms;
  for (;;) {
    assert.ok(predicate(), `${what}: broken at ${sim.now} ms`);
    if (sim.now >= end) return;
    sim.runUntil(Math.min(sim.now + stepMs, end));
  }
}

export function status(sim: SimCluster, id: NodeId): Status {
  const raw = sim.node(id).raw;
  assert.ok(raw !== null, `n${id} is not running`);
  return raw.status();
}

export function term(sim: SimCluster, id: NodeId): number {
  return sim.node(id).storage.hardState.term;
}

/**
 * Make `id` start an election now (as if its timer fired) and step 1 ms at a time until it leads,
 * campaigning again (in the next term) if an attempt stalls or is lost. Returns as soon as it is
 * leader, before its first appends arrive anywhere, or false when every attempt failed.
 */
export function tryElect(sim: SimCluster, id: NodeId, attempts = 3, msPerAttempt = 40): boolean {
  const n = sim.node(id);
  for (let a = 0; a < attempts; a++) {
    assert.ok(n.raw !== null && n.state === 'up', `n${id} cannot campaign: it is ${n.state}`);
    n.raw.campaign();
    sim.drive(n);
    const deadline = sim.now + msPerAttempt;
    for (;;) {
      if (n.role === 'leader') return true;
      if (sim.now >= deadline) break;
      sim.runUntil(sim.now + 1);
    }
  }
  return false;
}

/** tryElect that must succeed; returns the new leader's term. */
export function elect(sim: SimCluster, id: NodeId, attempts = 3): number {
  assert.ok(tryElect(sim, id, attempts), `n${id} was not elected`);
  return term(sim, id);
}

/** Wait for a leader that has committed an entry of its own term (its no-op), so it takes changes. */
export function waitForLeader(sim: SimCluster, maxMs = 3000, not: NodeId | null = null): SimNode {
  let found: SimNode | null = null;
  waitFor(
    sim,
    () => {
      const l = sim.leader();
      if (l?.raw == null || l.id === not) return false;
      const s = l.raw.status();
      if (s.commitIndex !== s.lastIndex) return false;
      found = l;
      return true;
    },
    maxMs,
    not === null ? 'a leader' : `a leader other than n${not}`,
  );
  return found!;
}

/** One client write: `answer` is filled in when the member it was proposed at applies it. */
export interface Write {
  readonly key: string;
  readonly value: string;
  readonly result: ProposeResult | null;
  answer: OperationResult | null;
}

const clients = new WeakMap<SimCluster, number>();

/**
 * Propose `key := value` at member `id` through the cluster's client door. Each write is its own
 * client session (seq 1), so answers never depend on the order in which surviving writes commit.
 */
export function tryWrite(sim: SimCluster, id: NodeId, key: string, value: string): Write {
  const n = (clients.get(sim) ?? 0) + 1;
  clients.set(sim, n);
  const client = `w${n}`;
  const data = encodeCommand({ client, seq: 1, ackedBelow: 1, op: { op: 'set', key, value } });
  const w: { -readonly [K in keyof Write]: Write[K] } = { key, value, result: null, answer: null };
  w.result = sim.propose(id, `${client}#1`, data, (r) => {
    w.answer = r;
  });
  return w;
}

/** tryWrite that the member must accept (it believes it leads); returns it with its log index. */
export function write(
  sim: SimCluster,
  id: NodeId,
  key: string,
  value: string,
): Write & { readonly index: number; readonly term: number } {
  const w = tryWrite(sim, id, key, value);
  const r = w.result;
  assert.ok(r !== null && r.ok, `n${id} refused the write ${key}=${value}: ${JSON.stringify(r)}`);
  return Object.assign(w, { index: r.index, term: r.term });
}

/** Write and wait until the proposing member has applied it (hence it is committed). */
export function writeCommitted(sim: SimCluster, id: NodeId, key: string, value: string, maxMs = 2000): Write {
  const w = write(sim, id, key, value);
  waitFor(sim, () => w.answer !== null, maxMs, `commit of ${key}=${value}`);
  assert.equal(w.answer?.op, 'set');
  return w;
}

/** The entry a member persisted at `index` (undefined if absent or compacted). */
export function entryAt(n: SimNode, index: number): Entry | undefined {
  return n.storage.entries[index - n.storage.snapshotIndex - 1];
}

/** A member's persisted log from `from` on, as `term:content` strings (easy to compare and read). */
export function logOf(n: SimNode, from = n.storage.snapshotIndex + 1): string[] {
  const out: string[] = [];
  for (let i = from; i <= n.storage.lastIndex(); i++) {
    const e = entryAt(n, i);
    out.push(e === undefined ? '?' : `${e.term}:${fingerprint(e)}`);
  }
  return out;
}

/** The terms of a member's persisted log from `from` on. */
export function termsOf(n: SimNode, from = 1): number[] {
  const out: number[] = [];
  for (let i = from; i <= n.storage.lastIndex(); i++) out.push(n.storage.term(i) ?? -1);
  return out;
}

/**
 * All `ids` run, hold the same log as `leader` (entry for entry where both still have it), have
 * committed and applied all of it, and hold the same state-machine image.
 */
export function convergedTo(sim: SimCluster, leader: NodeId, ids: readonly NodeId[]): boolean {
  const l = sim.node(leader);
  if (l.raw === null) return false;
  const ls = l.raw.status();
  if (ls.commitIndex !== ls.lastIndex || l.sm.appliedIndex !== ls.commitIndex) return false;
  for (const id of ids) {
    const n = sim.node(id);
    if (n.raw === null || n.state !== 'up') return false;
    const s = n.raw.status();
    if (s.lastIndex !== ls.lastIndex || s.commitIndex !== ls.commitIndex || n.sm.appliedIndex !== ls.commitIndex)
      return false;
    const from = Math.max(n.storage.snapshotIndex, l.storage.snapshotIndex) + 1;
    if (logOf(n, from).join() !== logOf(l, from).join()) return false;
    if (n.sm.serialize() !== l.sm.serialize()) return false;
  }
  return true;
}

/**
 * Replace the current partition by `groups` (SimCluster.partition only adds cuts), keeping the
 * network's timing as it is.
 */
export function repartition(sim: SimCluster, groups: readonly (readonly NodeId[])[]): void {
  const network = sim.network;
  sim.heal();
  sim.network = network;
  sim.partition(groups);
}

/** Record every election the safety monitor is told about: term -> leader. */
export function recordElections(sim: SimCluster): Map<number, NodeId> {
  const seen = new Map<number, NodeId>();
  const monitor = sim.monitor;
  const original = monitor.leaderElected.bind(monitor);
  monitor.leaderElected = (node, t, log) => {
    seen.set(t, node);
    original(node, t, log);
  };
  return seen;
}
