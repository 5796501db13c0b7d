// The request mix of the client workloads, simulated (test/sim/workload.ts) and real
// (test/reliability/kv-clients.ts): reads and writes on a few keys, compare-and-sets, a few
// decisions. Every written value is unique (`<client>.<n>`), so a read names the write it saw.

import type { Random } from '../sim/random.ts';
import type { KvInput } from './linearizability.ts';

export type ClientRequest = KvInput | { readonly op: 'decide'; readonly text: string };

/**
 * The `n`th request of `client` on keys k1..k`keys`; `expected` chooses what a compare-and-set
 * expects (null: the key is absent).
 */
export function chooseRequest(
  r: Random,
  client: string,
  n: number,
  keys: number,
  expected: (key: string) => string | null,
): ClientRequest {
  const key = `k${r.int(1, keys)}`;
  const roll = r.int(1, 100);
  if (roll <= 8) return { op: 'decide', text: `${client} proposes motion ${n}` };
  if (roll <= 40) return { op: 'get', key };
  if (roll <= 75) return { op: 'set', key, value: `${client}.${n}` };
  return { op: 'cas', key, expected: expected(key), value: `${client}.${n}` };
}
