/**
 * Linearizability checker for key-value register histories.
 *
 * Algorithm: Wing & Gong's backtracking search with Lowe's memoisation, as implemented by
 * Porcupine (https://github.com/anishathalye/porcupine):
 *
 *  - P-compositionality: linearizability is a local property, so the history is partitioned by
 *    key and each key is checked as an independent register (a `string | null` value, null = absent).
 *  - Each operation contributes a call entry and a return entry; all entries are sorted by time into a
 *    doubly linked list. The search walks the list: at a call entry it tries to linearize that
 *    operation next (the model step must accept its output), "lifting" the call and its return out of
 *    the list; reaching a return entry means the operation owning it was not linearized before it
 *    returned, so the search backtracks (pops the last linearized operation and "unlifts" it).
 *  - Memoisation: a cache of (set of linearized operations, register value) pairs already explored.
 *    Reaching a pair again cannot lead anywhere new, so that branch is pruned. The set is a bitset
 *    (Uint32Array words) hashed incrementally with Zobrist hashing (XOR of a random word per operation).
 *
 * Equal timestamps: when one operation returns at time t and another is invoked at the same time t,
 * they are treated as CONCURRENT (call entries sort before return entries at equal times), so either
 * order is allowed. That is the lenient choice: it never reports a violation that depends on a clock
 * tie. It matches Porcupine.
 *
 * Unknown outcomes (HTTP 504, timeout, crash: `output === null`): the operation may have taken effect
 * at any time after its invocation, or never. As in Porcupine, its return time is +infinity and any
 * output is accepted. An unknown `get` has no effect and is dropped. An unknown `set`/`cas` gets a call
 * entry but no return entry: nothing ever has to wait for it, and the search succeeds as soon as every
 * known-outcome operation is placed, so unknown operations that were not needed "never took effect"
 * (equivalent to Porcupine placing them after everything else). An unknown `cas` succeeds (changes
 * the value) exactly when the value at its linearization point equals `expected`.
 * An operation with a return time but `output === null` is treated as unknown in the same way.
 *
 * On top of that the search uses a few reductions that are explained above `search()` (read-only
 * operations taken without branching, dominance between cache entries that used fewer unknown
 * operations, skipping unknown operations that cannot matter). They are what keeps high-concurrency
 * histories and histories with many unknown outcomes fast; the brute-force oracle test checks them.
 */

export type KvInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'set'; readonly key: string; readonly value: string }
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string };
// expected null = "key absent". Missing key reads as null.
export type KvOutput =
  | { readonly op: 'get'; readonly value: string | null }
  | { readonly op: 'set' }
  | { readonly op: 'cas'; readonly ok: boolean; readonly value: string | null }; // value: current value when !ok

export interface Operation {
  readonly client: string; // who issued it (one outstanding op per client at a time, normally)
  readonly input: KvInput;
  readonly call: number; // invocation time (any monotonic number)
  readonly ret: number | null; // response time, or null when the outcome is unknown
  readonly output: KvOutput | null; // null when outcome unknown
}

export interface CheckResult {
  readonly ok: boolean;
  readonly keysChecked: number;
  readonly opsChecked: number;
  /**
   * When not ok: the key whose history cannot be linearized and a readable explanation (the longest
   * linearizable prefix found and the operations that could not be placed). `operations` holds the
   * operations that could not be placed after that prefix (the candidates for the next slot).
   */
  readonly failure?: { readonly key: string; readonly explanation: string; readonly operations: readonly Operation[] };
  /** True when the search hit its budget without deciding (report it, don't claim ok). */
  readonly timedOut: boolean;
}

export interface CheckOptions {
  /** Search-step budget per key (one step = one visit of a list entry). Default 5,000,000. */
  readonly maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 5_000_000;

/**
 * Checks that a history of get/set/cas operations on a key-value store is linearizable.
 *
 * Keys are checked in order of first appearance; checking stops at the first key that is not
 * linearizable (that key is reported in `failure`). A key whose search exceeds `maxSteps` is reported
 * through `timedOut: true` (and `ok: false`), and checking continues with the remaining keys.
 *
 * @throws RangeError when an operation has a non-numeric/NaN call time, `ret < call`, or a known output
 *   without a return time. @throws TypeError when an output's `op` differs from its input's `op`.
 */
export function checkKvHistory(history: readonly Operation[], opts?: CheckOptions): CheckResult {
  const maxSteps = opts?.maxSteps ?? DEFAULT_MAX_STEPS;
  const byKey = new Map<string, Operation[]>();
  for (const op of history) {
    validate(op);
    // An unknown-outcome get has no effect on the register and constrains nothing: drop it.
    if (op.output === null && op.input.op === 'get') continue;
    let ops = byKey.get(op.input.key);
    if (ops === undefined) {
      ops = [];
      byKey.set(op.input.key, ops);
    }
    ops.push(op);
  }

  let keysChecked = 0;
  let opsChecked = 0;
  let timedOut = false;
  for (const [key, ops] of byKey) {
    keysChecked++;
    opsChecked += ops.length;
    const prepared = prepare(ops);
    const outcome = search(prepared, maxSteps);
    if (outcome.kind === 'timeout') {
      timedOut = true;
    } else if (outcome.kind === 'fail') {
      const stuck = stuckOperations(prepared, outcome.longest);
      return {
        ok: false,
        keysChecked,
        opsChecked,
        timedOut,
        failure: {
          key,
          explanation: explain(key, prepared, outcome.longest, stuck),
          operations: stuck.candidates.map((i) => ops[i]!),
        },
      };
    }
  }
  return { ok: !timedOut, keysChecked, opsChecked, timedOut };
}

function validate(op: Operation): void {
  const where = `operation of client ${JSON.stringify(op.client)} (${formatInput(op.input)})`;
  if (typeof op.call !== 'number' || Number.isNaN(op.call)) {
    throw new RangeError(`${where}: call time must be a number, got ${String(op.call)}`);
  }
  if (op.ret !== null) {
    if (typeof op.ret !== 'number' || Number.isNaN(op.ret)) {
      throw new RangeError(`${where}: return time must be a number or null, got ${String(op.ret)}`);
    }
    if (op.ret < op.call) {
      throw new RangeError(`${where}: returns before it is called (call ${op.call}, ret ${op.ret})`);
    }
  } else if (op.output !== null) {
    throw new RangeError(`${where}: has an output but no return time (ret is null; use output null for unknown)`);
  }
  if (op.output !== null && op.output.op !== op.input.op) {
    throw new TypeError(`${where}: output is for '${op.output.op}', input is '${op.input.op}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Preparation: operations of one key turned into integer arrays, entries sorted into list order.

const GET = 0;
const SET = 1; // known or unknown outcome: a set always takes effect when linearized
const CAS_OK = 2;
const CAS_FAIL = 3;
const CAS_UNKNOWN = 4;

interface Prepared {
  readonly ops: readonly Operation[];
  readonly n: number;
  readonly nKnown: number;
  readonly nUnknown: number;
  /** Per operation: kind and two integer arguments (value ids, 0 = null/absent). */
  readonly kind: Uint8Array;
  readonly argA: Int32Array;
  readonly argB: Int32Array;
  /** Per operation: 1 when its outcome is unknown (it has no return entry). */
  readonly unknown: Uint8Array;
  /** Per operation: 1 for a known get or failed cas (it cannot change the value). */
  readonly readOnly: Uint8Array;
  /** Per operation: its bit in the known-operations or unknown-operations bitset. */
  readonly bit: Int32Array;
  /**
   * Per unknown-outcome operation: 1 when it is never worth linearizing because no operation can observe
   * the value it writes (no known get returns it, no cas expects or reports it).
   */
  readonly useless: Uint8Array;
  /** Per unknown-outcome operation: the previously invoked unknown operation with the same effect, or -1. */
  readonly prevTwin: Int32Array;
  /** Value id -> value. */
  readonly values: readonly (string | null)[];
  /** Entries in list order (index 0 is the head sentinel). nodeOp[i] = operation; isCall[i] = 1 for calls. */
  readonly nodeOp: Int32Array;
  readonly isCall: Uint8Array;
  /** For a call node, the node of its return (-1 for an unknown-outcome operation, which never returns). */
  readonly match: Int32Array;
}

function prepare(ops: readonly Operation[]): Prepared {
  const n = ops.length;
  const kind = new Uint8Array(n);
  const argA = new Int32Array(n);
  const argB = new Int32Array(n);
  const unknown = new Uint8Array(n);
  const readOnly = new Uint8Array(n);
  const bit = new Int32Array(n);
  const values: (string | null)[] = [null];
  const ids = new Map<string, number>();
  const id = (v: string | null): number => {
    if (v === null) return 0;
    let x = ids.get(v);
    if (x === undefined) {
      x = values.length;
      values.push(v);
      ids.set(v, x);
    }
    return x;
  };

  let nKnown = 0;
  let nUnknown = 0;
  // Entry e = 2*op for its call, 2*op+1 for its return; unknown-outcome operations have no return entry.
  const entries: number[] = [];
  const time = (e: number): number => (e & 1 ? ops[e >> 1]!.ret! : ops[e >> 1]!.call);
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    const inp = op.input;
    const out = op.output;
    switch (inp.op) {
      case 'get':
        // Unknown gets were dropped, so the output is known here.
        kind[i] = GET;
        argA[i] = id(out !== null && out.op === 'get' ? out.value : null);
        break;
      case 'set':
        kind[i] = SET;
        argA[i] = id(inp.value);
        break;
      case 'cas':
        argA[i] = id(inp.expected);
        if (out === null || out.op !== 'cas') {
          kind[i] = CAS_UNKNOWN;
          argB[i] = id(inp.value);
        } else if (out.ok) {
          kind[i] = CAS_OK;
          argB[i] = id(inp.value);
        } else {
          kind[i] = CAS_FAIL;
          argB[i] = id(out.value);
        }
        break;
    }
    entries.push(2 * i);
    // An output without a return time is rejected by validate(); a return time without an output is
    // treated as unknown too (the request may still take effect after the response).
    if (out === null || op.ret === null) {
      unknown[i] = 1;
      bit[i] = nUnknown++;
    } else {
      bit[i] = nKnown++;
      readOnly[i] = kind[i] === GET || kind[i] === CAS_FAIL ? 1 : 0;
      entries.push(2 * i + 1);
    }
  }

  // Reduction 4 (see the search): unknown-outcome operations whose written value nobody can observe,
  // and "twins" (unknown-outcome operations with exactly the same effect).
  const observable = new Uint8Array(values.length);
  for (let i = 0; i < n; i++) {
    if (kind[i] === GET || kind[i] === CAS_OK || kind[i] === CAS_UNKNOWN) observable[argA[i]!] = 1;
    if (kind[i] === CAS_FAIL) observable[argB[i]!] = 1;
  }
  const useless = new Uint8Array(n);
  const prevTwin = new Int32Array(n).fill(-1);
  const lastTwin = new Map<string, number>();
  const byCall = Array.from({ length: n }, (_, i) => i).filter((i) => unknown[i] === 1);
  byCall.sort((x, y) => ops[x]!.call - ops[y]!.call || x - y); // the order of their call entries
  for (const i of byCall) {
    useless[i] = observable[kind[i] === SET ? argA[i]! : argB[i]!] === 1 ? 0 : 1;
    const twinKey = `${kind[i]} ${argA[i]} ${argB[i]}`;
    prevTwin[i] = lastTwin.get(twinKey) ?? -1;
    lastTwin.set(twinKey, i);
  }

  // Sort by time; at equal times calls come before returns (equal-time operations are concurrent);
  // then by operation index for determinism.
  entries.sort((x, y) => time(x) - time(y) || (x & 1) - (y & 1) || x - y);

  const size = entries.length + 1;
  const nodeOp = new Int32Array(size);
  const isCall = new Uint8Array(size);
  const match = new Int32Array(size).fill(-1);
  const callNode = new Int32Array(n);
  nodeOp[0] = -1;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k]!;
    const node = k + 1;
    const op = e >> 1;
    nodeOp[node] = op;
    if ((e & 1) === 0) {
      isCall[node] = 1;
      callNode[op] = node;
    } else {
      match[callNode[op]!] = node;
    }
  }
  return {
    ops,
    n,
    nKnown,
    nUnknown,
    kind,
    argA,
    argB,
    unknown,
    readOnly,
    bit,
    useless,
    prevTwin,
    values,
    nodeOp,
    isCall,
    match,
  };
}

/** Applies operation `op` to register value `state`; returns the new value id, or -1 if the output is impossible. */
function step(p: Prepared, op: number, state: number): number {
  const a = p.argA[op]!;
  switch (p.kind[op]) {
    case GET:
      return state === a ? state : -1;
    case SET:
      return a;
    case CAS_OK:
      return state === a ? p.argB[op]! : -1;
    case CAS_FAIL:
      return state !== a && state === p.argB[op]! ? state : -1;
    default: // CAS_UNKNOWN
      return state === a ? p.argB[op]! : state;
  }
}

// ---------------------------------------------------------------------------------------------
// The search.
//
// A search node is (set of linearized operations, register value). On top of Wing & Gong + Lowe's
// cache, three reductions keep the search small; each maps any successful linearization from a
// node to one the search does explore:
//
//  1. Read-only operations commute forward. A pending get (or failed cas) that is a candidate (no
//     pending operation returned before it was invoked) and matches the current value is linearized
//     right away, without branching: moving it to the front of any valid completion keeps it valid
//     (it does not change the value, and nothing pending had to precede it). Without this, every
//     subset of concurrent reads is a distinct cache entry and dead ends cost 2^concurrency.
//  2. Unknown-outcome operations are optional. They have no return entry, so nothing ever has to
//     wait for them, and the search succeeds once every known operation is linearized (the rest
//     "never took effect", which is the same as Porcupine's "linearize them at +infinity"). An unknown
//     operation that would not change the value at this point is not tried (leaving it out is as good).
//  3. Dominance in the cache: nodes with the same known operations and value but FEWER unknown
//     operations used can do everything the node with more can. The cache key hashes only the known
//     operations and the value; a node is pruned when a visited node with the same known set and value
//     used a subset of its unknown operations. Without unknowns this is exactly Lowe's cache.
//  4. Useless and twin unknown operations. An unknown operation writing a value that no operation can
//     observe is never needed (whatever follows it must overwrite it). Among unknown operations with
//     the same effect, only the earliest-invoked unused one is tried (they are interchangeable once
//     invoked), so subsets of twins are not explored one by one.

type SearchOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'timeout' }
  /** longest: operation indices of a longest linearizable prefix, in linearization order. */
  | { readonly kind: 'fail'; readonly longest: readonly number[] };

interface CacheEntry {
  readonly known: Uint32Array;
  readonly state: number;
  readonly unknown: Uint32Array;
}

/** Fixed-seed PRNG (mulberry32) so Zobrist keys, and thus the search, are deterministic. */
function zobristTable(n: number): Int32Array {
  const t = new Int32Array(n);
  let s = 0x2545f491;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) | 0;
    let z = Math.imul(s ^ (s >>> 15), s | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    t[i] = z ^ (z >>> 14);
  }
  return t;
}

function mixState(state: number): number {
  let z = Math.imul(state + 1, 0x9e3779b1);
  z ^= z >>> 16;
  return Math.imul(z, 0x85ebca6b);
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < a.length; w++) if (a[w] !== b[w]) return false;
  return true;
}

function subsetBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < a.length; w++) if ((a[w]! & ~b[w]!) !== 0) return false;
  return true;
}

function search(p: Prepared, maxSteps: number): SearchOutcome {
  const { n, nKnown, nodeOp, isCall, match, unknown, readOnly, bit, useless, prevTwin } = p;
  // With no known operation, every unknown one may simply never have taken effect.
  if (nKnown === 0) return { kind: 'ok' };

  const size = nodeOp.length;
  const next = new Int32Array(size);
  const prev = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  next[size - 1] = -1;

  // Remove a call entry and its return entry (if any; it always follows the call) from the list.
  const unlink = (x: number): void => {
    const px = prev[x]!;
    const nx = next[x]!;
    next[px] = nx;
    if (nx !== -1) prev[nx] = px;
  };
  const lift = (c: number): void => {
    unlink(c);
    const r = match[c]!;
    if (r !== -1) unlink(r);
  };
  // Undo lift(c); must be applied in exact reverse (LIFO) order. lift leaves c's and r's own
  // pointers untouched, except that r.prev may now point at c's predecessor; both are restored here.
  const relink = (x: number): void => {
    next[prev[x]!] = x;
    const nx = next[x]!;
    if (nx !== -1) prev[nx] = x;
  };
  const unlift = (c: number): void => {
    const r = match[c]!;
    if (r !== -1) relink(r);
    relink(c);
  };

  const knownBits = new Uint32Array((nKnown + 31) >>> 5);
  const unknownBits = new Uint32Array((p.nUnknown + 31) >>> 5);
  const zobrist = zobristTable(nKnown);
  let hash = 0; // Zobrist hash of knownBits
  let knownCount = 0;
  let unknownCount = 0;
  const flip = (op: number): void => {
    const b = bit[op]!;
    const bits = unknown[op] === 1 ? unknownBits : knownBits;
    bits[b >>> 5] = bits[b >>> 5]! ^ (1 << (b & 31));
    if (unknown[op] === 1) return;
    hash ^= zobrist[b]!;
  };

  const cache = new Map<number, CacheEntry[]>();
  /** Records the current bitsets with `state`; false when it (or a node that dominates it) was seen before. */
  const visit = (state: number): boolean => {
    const key = hash ^ mixState(state);
    const bucket = cache.get(key);
    const entry: CacheEntry = { known: knownBits.slice(), state, unknown: unknownBits.slice() };
    if (bucket === undefined) {
      cache.set(key, [entry]);
      return true;
    }
    for (const e of bucket) {
      if (e.state === state && subsetBits(e.unknown, unknownBits) && sameBits(e.known, knownBits)) return false;
    }
    if (unknownBits.length > 0) {
      // Drop entries this one dominates, keeping buckets small.
      let w = 0;
      for (const e of bucket) {
        if (!(e.state === state && subsetBits(unknownBits, e.unknown) && sameBits(e.known, knownBits))) bucket[w++] = e;
      }
      bucket.length = w;
    }
    bucket.push(entry);
    return true;
  };

  const stackNode = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackForced = new Uint8Array(n);
  let sp = 0;
  let state = 0; // every key starts absent
  const push = (node: number, newState: number, forced: number): void => {
    stackNode[sp] = node;
    stackState[sp] = state;
    stackForced[sp] = forced;
    sp++;
    state = newState;
    lift(node);
    if (unknown[nodeOp[node]!] === 1) unknownCount++;
    else knownCount++;
  };

  /** Reduction 4, for an unknown-outcome operation. */
  const worthTrying = (op: number): boolean => {
    if (useless[op] === 1) return false;
    const twin = prevTwin[op]!;
    if (twin === -1) return true;
    const b = bit[twin]!;
    return (unknownBits[b >>> 5]! & (1 << (b & 31))) !== 0;
  };

  let longest: number[] = [];
  let longestKnown = 0;
  let longestUnknown = 0;
  let steps = 0;

  for (;;) {
    // Arrived at a new node.
    if (knownCount === nKnown) return { kind: 'ok' };
    // Reduction 1: a candidate read-only operation that fits the current value is taken without branching.
    let entry = next[0]!;
    let backtrack = false;
    for (; entry !== -1 && isCall[entry] === 1; entry = next[entry]!) {
      steps++;
      const op = nodeOp[entry]!;
      if (readOnly[op] === 1 && step(p, op, state) === state) break;
    }
    if (entry !== -1 && isCall[entry] === 1) {
      flip(nodeOp[entry]!);
      if (visit(state)) {
        push(entry, state, 1);
        continue;
      }
      flip(nodeOp[entry]!);
      backtrack = true;
    } else {
      entry = next[0]!;
    }

    // Walk the candidates (calls before the first return entry), backtracking when none works.
    // Known-outcome candidates are tried first (pass 0), then unknown-outcome ones (pass 1), so that
    // nodes using fewer unknown operations are visited first and dominate the others in the cache.
    let pass = 0;
    for (;;) {
      if (steps > maxSteps) return { kind: 'timeout' };
      steps++;
      if (backtrack) {
        if (sp === 0) return { kind: 'fail', longest };
        // Every node of the search is at the top of the stack when it is popped, so recording here sees
        // them all: keep the one with the most known operations (then the fewest unknown ones).
        if (knownCount > longestKnown || (knownCount === longestKnown && unknownCount < longestUnknown)) {
          longest = Array.from(stackNode.subarray(0, sp), (node) => nodeOp[node]!);
          longestKnown = knownCount;
          longestUnknown = unknownCount;
        }
        sp--;
        const node = stackNode[sp]!;
        const op = nodeOp[node]!;
        state = stackState[sp]!;
        flip(op);
        if (unknown[op] === 1) unknownCount--;
        else knownCount--;
        unlift(node);
        // A forced step was the only child explored: its failure is its parent's failure.
        if (stackForced[sp] === 1) continue;
        backtrack = false;
        pass = unknown[op]!;
        entry = next[node]!;
        continue;
      }
      if (entry === -1 || isCall[entry] === 0) {
        if (pass === 0 && p.nUnknown > 0) {
          pass = 1;
          entry = next[0]!;
          continue;
        }
        // A return entry: its operation must be linearized before this point, and nothing more works.
        backtrack = true;
        continue;
      }
      const op = nodeOp[entry]!;
      if (unknown[op] !== pass) {
        entry = next[entry]!;
        continue;
      }
      // Read-only candidates that fit were forced above, so the remaining ones cannot be placed here.
      if (readOnly[op] === 0 && (unknown[op] === 0 || worthTrying(op))) {
        const newState = step(p, op, state);
        // Reduction 2: an unknown-outcome operation is only worth trying where it changes the value.
        if (newState >= 0 && (unknown[op] === 0 || newState !== state)) {
          flip(op);
          if (visit(newState)) {
            push(entry, newState, 0);
            break;
          }
          flip(op);
        }
      }
      entry = next[entry]!;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Explanation of a failure.

interface Stuck {
  /** Register value id after the longest prefix. */
  readonly state: number;
  /** Known-outcome operations that could have been linearized next (all are rejected by the register). */
  readonly candidates: readonly number[];
  /** Unknown-outcome operations that could take effect next (none of them helps). */
  readonly pendingUnknown: readonly number[];
  /** The operation with the earliest pending return: something had to take effect before it returned. */
  readonly blocker: number;
}

function stuckOperations(p: Prepared, longest: readonly number[]): Stuck {
  let state = 0;
  for (const op of longest) state = step(p, op, state);
  const done = new Uint8Array(p.n);
  for (const op of longest) done[op] = 1;
  const candidates: number[] = [];
  const pendingUnknown: number[] = [];
  let blocker = -1;
  for (let node = 1; node < p.nodeOp.length; node++) {
    const op = p.nodeOp[node]!;
    if (done[op] === 1) continue;
    if (p.isCall[node] === 0) {
      blocker = op;
      break;
    }
    (p.unknown[op] === 1 ? pendingUnknown : candidates).push(op);
  }
  return { state, candidates, pendingUnknown, blocker };
}

function formatValue(v: string | null): string {
  return v === null ? 'absent' : JSON.stringify(v);
}

function formatInput(input: KvInput): string {
  switch (input.op) {
    case 'get':
      return `get(${JSON.stringify(input.key)})`;
    case 'set':
      return `set(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
    case 'cas':
      return `cas(${JSON.stringify(input.key)}, expected ${formatValue(input.expected)}, new ${JSON.stringify(input.value)})`;
  }
}

function formatOutput(output: KvOutput | null): string {
  if (output === null) return 'outcome unknown';
  switch (output.op) {
    case 'get':
      return `returned ${formatValue(output.value)}`;
    case 'set':
      return 'ok';
    case 'cas':
      return output.ok ? 'succeeded' : `failed, current value ${formatValue(output.value)}`;
  }
}

/** One line describing an operation: client, input, output and its [call, ret] interval. */
export function formatOperation(op: Operation): string {
  const ret = op.output === null || op.ret === null ? '∞ (unknown)' : String(op.ret);
  return `client ${JSON.stringify(op.client)}: ${formatInput(op.input)} → ${formatOutput(op.output)}  [call ${op.call}, ret ${ret}]`;
}

function whyRejected(p: Prepared, op: number, state: number): string {
  const now = formatValue(p.values[state]!);
  const a = formatValue(p.values[p.argA[op]!]!);
  const b = formatValue(p.values[p.argB[op]!]!);
  switch (p.kind[op]) {
    case GET:
      return `it returned ${a}, but the value at that point is ${now}`;
    case CAS_OK:
      return `it succeeded, which needs the value to be ${a}, but the value at that point is ${now}`;
    case CAS_FAIL:
      return state === p.argA[op]
        ? `it failed, but the value at that point is ${now}, the expected value, so it would have succeeded`
        : `it failed reporting current value ${b}, but the value at that point is ${now}`;
    default:
      // Not reachable at the end of a longest prefix (such an operation would extend it).
      return 'it could take effect here, but every ordering that does so fails later';
  }
}

const MAX_LISTED = 20;

function explain(key: string, p: Prepared, longest: readonly number[], stuck: Stuck): string {
  const lines: string[] = [];
  lines.push(`Key ${JSON.stringify(key)}: its ${p.n} operations are not linearizable.`);
  lines.push(
    `Longest linearizable prefix found: ${longest.length} of ${p.n} operations` +
      (longest.length === 0 ? ' (not even the first operation can be placed).' : ', in linearization order:'),
  );
  const skipped = Math.max(0, longest.length - MAX_LISTED);
  if (skipped > 0) lines.push(`  ... (${skipped} earlier operations)`);
  for (let i = skipped; i < longest.length; i++) {
    lines.push(`  ${i + 1}. ${formatOperation(p.ops[longest[i]!]!)}`);
  }
  lines.push(`Value of ${JSON.stringify(key)} after this prefix: ${formatValue(p.values[stuck.state]!)}.`);
  if (stuck.blocker >= 0) {
    const b = p.ops[stuck.blocker]!;
    lines.push(
      `By time ${b.ret}, when [${formatOperation(b)}] returned, one of the operations invoked by then must take effect next, but none of them can:`,
    );
  } else {
    lines.push('None of the remaining operations can take effect next:');
  }
  for (const op of stuck.candidates) {
    lines.push(`  - ${formatOperation(p.ops[op]!)}: ${whyRejected(p, op, stuck.state)}.`);
  }
  if (stuck.pendingUnknown.length > 0) {
    lines.push(
      `Operations with an unknown outcome could also take effect here, but no choice of them helps (${stuck.pendingUnknown.length}):`,
    );
    for (const op of stuck.pendingUnknown.slice(0, MAX_LISTED)) lines.push(`  - ${formatOperation(p.ops[op]!)}`);
    if (stuck.pendingUnknown.length > MAX_LISTED) lines.push('  ...');
  }
  lines.push('(Other orderings were tried too; none of them gets further than this prefix.)');
  return lines.join('\n');
}
