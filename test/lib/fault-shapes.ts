// The shapes of network faults, shared by the simulator's nemesis (test/sim/nemesis.ts) and the
// real cluster's (test/reliability/nemesis.ts): who is cut off from whom. Pure: the caller applies
// them (to the simulated network, or through the API).

import type { Random } from '../sim/random.ts';

/** A link between two members: cut both ways, or (where named so) one way, from -> to. */
export type Link = readonly [number, number];

/** The leader alone on one side, everyone else on the other. */
export function isolatedLeader(leader: number, ids: readonly number[]): number[][] {
  return [[leader], ids.filter((id) => id !== leader)];
}

/** Two halves: a random minority (at least one member) against the rest. */
export function halves(r: Random, ids: readonly number[]): number[][] {
  const shuffled = r.shuffle(ids);
  const cut = r.int(1, Math.floor(shuffled.length / 2));
  return [shuffled.slice(0, cut), shuffled.slice(cut)];
}

/** A bridge: two halves that cannot talk, and one member both can reach (etcd's "bridge"). */
export function bridgeLinks(r: Random, ids: readonly number[]): Link[] {
  const [bridge, ...rest] = r.shuffle(ids);
  if (bridge === undefined || rest.length < 2) return [];
  const half = Math.ceil(rest.length / 2);
  return rest.slice(0, half).flatMap((x) => rest.slice(half).map((y): Link => [x, y]));
}

/** A ring: in a random order, each member reaches only its two neighbours. */
export function ringLinks(r: Random, ids: readonly number[]): Link[] {
  const ring = r.shuffle(ids);
  const n = ring.length;
  const links: Link[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (j - i !== 1 && j - i !== n - 1) links.push([ring[i]!, ring[j]!]);
  }
  return links;
}

/** One direction of one random link, from -> to. */
export function oneWayLink(r: Random, ids: readonly number[]): Link {
  const from = r.pick(ids);
  return [from, r.pick(ids.filter((id) => id !== from))];
}

/** Every member hears the leader but cannot answer it: the one-way cuts member -> leader. */
export function deafLeaderLinks(leader: number, ids: readonly number[]): Link[] {
  return ids.filter((id) => id !== leader).map((id): Link => [id, leader]);
}
