import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkKvHistory } from './linearizability.ts';
import type { KvInput, KvOutput, Operation } from './linearizability.ts';

// ---------------------------------------------------------------------------------------------
// Small builders for hand-written histories.

function get(client: string, key: string, value: string | null, call: number, ret: number): Operation {
  return { client, input: { op: 'get', key }, call, ret, output: { op: 'get', value } };
}
function set(client: string, key: string, value: string, call: number, ret: number): Operation {
  return { client, input: { op: 'set', key, value }, call, ret, output: { op: 'set' } };
}
function cas(
  client: string,
  key: string,
  expected: string | null,
  value: string,
  result: { ok: true } | { ok: false; current: string | null },
  call: number,
  ret: number,
): Operation {
  const output: KvOutput = result.ok
    ? { op: 'cas', ok: true, value: null }
    : { op: 'cas', ok: false, value: result.current };
  return { client, input: { op: 'cas', key, expected, value }, call, ret, output };
}
/** An operation whose outcome is unknown (timeout / 504 / crash). */
function unknown(client: string, input: KvInput, call: number): Operation {
  return { client, input, call, ret: null, output: null };
}

function assertLinearizable(history: readonly Operation[]): void {
  const r = checkKvHistory(history);
  assert.equal(r.timedOut, false);
  assert.equal(r.ok, true, r.failure?.explanation);
  assert.equal(r.failure, undefined);
}
function assertNotLinearizable(
  history: readonly Operation[],
): NonNullable<ReturnType<typeof checkKvHistory>['failure']> {
  const r = checkKvHistory(history);
  assert.equal(r.timedOut, false);
  assert.equal(r.ok, false);
  assert.ok(r.failure, 'a failure must be reported');
  return r.failure;
}

// ---------------------------------------------------------------------------------------------
// Classic examples.

void describe('classic histories', () => {
  void test('empty history is linearizable', () => {
    assert.deepEqual(checkKvHistory([]), { ok: true, keysChecked: 0, opsChecked: 0, timedOut: false });
  });

  void test('sequential history that follows register semantics is linearizable', () => {
    assertLinearizable([
      get('a', 'x', null, 0, 1),
      set('a', 'x', '1', 2, 3),
      get('b', 'x', '1', 4, 5),
      set('b', 'x', '2', 6, 7),
      get('a', 'x', '2', 8, 9),
    ]);
  });

  void test('stale read after a completed write is not linearizable, and the explanation says why', () => {
    const stale = get('b', 'x', '1', 6, 7);
    const failure = assertNotLinearizable([set('a', 'x', '1', 0, 1), set('a', 'x', '2', 2, 3), stale]);
    assert.equal(failure.key, 'x');
    assert.deepEqual(failure.operations, [stale]);
    assert.match(failure.explanation, /Longest linearizable prefix found: 2 of 3 operations/);
    assert.match(failure.explanation, /client "b": get\("x"\) → returned "1"\s+\[call 6, ret 7\]/);
    assert.match(failure.explanation, /value at that point is "2"/);
  });

  void test('a read of an absent key after a write completed is stale', () => {
    const failure = assertNotLinearizable([set('a', 'x', '1', 0, 1), get('b', 'x', null, 2, 3)]);
    assert.match(failure.explanation, /returned absent, but the value at that point is "1"/);
  });

  void test('a read concurrent with a write may return either the old or the new value', () => {
    const before = set('a', 'x', 'old', 0, 1);
    const write = set('a', 'x', 'new', 2, 10);
    assertLinearizable([before, write, get('b', 'x', 'old', 3, 5)]);
    assertLinearizable([before, write, get('b', 'x', 'new', 3, 5)]);
    // ...but not a value nobody wrote.
    assertNotLinearizable([before, write, get('b', 'x', 'other', 3, 5)]);
  });

  void test('equal timestamps count as concurrent: a read invoked exactly when a write returns may miss it', () => {
    assertLinearizable([set('a', 'x', '1', 0, 5), get('b', 'x', null, 5, 6)]);
    // One tick later it is ordered after the write.
    assertNotLinearizable([set('a', 'x', '1', 0, 5), get('b', 'x', null, 6, 7)]);
  });

  void test('cas succeeds only when the value equals expected, and a failed cas reports the current value', () => {
    assertLinearizable([
      cas('a', 'x', null, '1', { ok: true }, 0, 1), // absent -> "1"
      cas('a', 'x', null, '2', { ok: false, current: '1' }, 2, 3),
      cas('a', 'x', '1', '3', { ok: true }, 4, 5),
      get('a', 'x', '3', 6, 7),
    ]);
    // Succeeding with the wrong expected value.
    assertNotLinearizable([set('a', 'x', '1', 0, 1), cas('a', 'x', '0', '2', { ok: true }, 2, 3)]);
    // Failing although the expected value was there.
    const f = assertNotLinearizable([
      set('a', 'x', '1', 0, 1),
      cas('a', 'x', '1', '2', { ok: false, current: '1' }, 2, 3),
    ]);
    assert.match(f.explanation, /it would have succeeded/);
    // Failing but reporting a wrong current value.
    assertNotLinearizable([set('a', 'x', '1', 0, 1), cas('a', 'x', '0', '2', { ok: false, current: '5' }, 2, 3)]);
    // A successful cas takes effect: a later read of the old value is stale.
    assertNotLinearizable([
      set('a', 'x', '1', 0, 1),
      cas('a', 'x', '1', '2', { ok: true }, 2, 3),
      get('b', 'x', '1', 4, 5),
    ]);
  });

  void test('unknown-outcome set that is later observed is linearizable (it took effect)', () => {
    assertLinearizable([
      set('a', 'x', '1', 0, 1),
      unknown('b', { op: 'set', key: 'x', value: '2' }, 2),
      get('c', 'x', '1', 3, 4), // not yet applied
      get('c', 'x', '2', 100, 101), // applied long after the client gave up
    ]);
  });

  void test('unknown-outcome set that is never observed is linearizable (it may never have taken effect)', () => {
    assertLinearizable([
      set('a', 'x', '1', 0, 1),
      unknown('b', { op: 'set', key: 'x', value: '2' }, 2),
      get('c', 'x', '1', 3, 4),
      get('c', 'x', '1', 100, 101),
    ]);
    // Also for an unknown successful-looking cas, and an unknown get, which is simply ignored.
    assertLinearizable([
      set('a', 'x', '1', 0, 1),
      unknown('b', { op: 'cas', key: 'x', expected: '1', value: '2' }, 2),
      unknown('d', { op: 'get', key: 'x' }, 2),
      get('c', 'x', '1', 100, 101),
    ]);
  });

  void test('unknown-outcome operations still cannot explain values they would not produce', () => {
    // The unknown cas can only install "2" if the value was "0", which it never was.
    assertNotLinearizable([
      set('a', 'x', '1', 0, 1),
      unknown('b', { op: 'cas', key: 'x', expected: '0', value: '2' }, 2),
      get('c', 'x', '2', 100, 101),
    ]);
    // An unknown set cannot take effect before it was invoked.
    assertNotLinearizable([get('c', 'x', '2', 0, 1), unknown('b', { op: 'set', key: 'x', value: '2' }, 2)]);
  });

  void test('unknown-outcome operations can build on each other', () => {
    // Only the unknown cas reads "a", which only the unknown set writes: both must have taken effect.
    assertLinearizable([
      unknown('a', { op: 'set', key: 'x', value: 'a' }, 0),
      unknown('b', { op: 'cas', key: 'x', expected: 'a', value: 'b' }, 1),
      get('c', 'x', 'b', 10, 11),
    ]);
  });

  void test('an unknown-outcome operation used on a failed path is still available on another path', () => {
    // The only linearization is set 0, cas 0→1, set 1, [unknown set 0], get 0. A search that first
    // tries set 1 before the cas must use the unknown set to make the cas work, then gets stuck at the
    // final read; when it comes back to the same point without having used the unknown set, it must not
    // treat that as already explored.
    assertLinearizable([
      unknown('u', { op: 'set', key: 'x', value: '0' }, 0),
      set('a', 'x', '0', 0, 1),
      set('a', 'x', '1', 2, 10),
      cas('b', 'x', '0', '1', { ok: true }, 2, 10),
      get('c', 'x', '0', 20, 21),
    ]);
  });

  void test('two readers that observe two writes in opposite orders are not linearizable', () => {
    const failure = assertNotLinearizable([
      set('w1', 'x', 'A', 0, 100),
      set('w2', 'x', 'B', 0, 100),
      // Reader r1 sees A then B: A was written before B...
      get('r1', 'x', 'A', 10, 20),
      get('r1', 'x', 'B', 30, 40),
      // ...reader r2 sees B then A: B was written before A. Each register has one write order.
      get('r2', 'x', 'B', 10, 20),
      get('r2', 'x', 'A', 30, 40),
    ]);
    assert.equal(failure.key, 'x');
    assert.ok(failure.operations.length > 0);
    // Either reader alone is fine.
    assertLinearizable([
      set('w1', 'x', 'A', 0, 100),
      set('w2', 'x', 'B', 0, 100),
      get('r1', 'x', 'A', 10, 20),
      get('r1', 'x', 'B', 30, 40),
    ]);
  });

  void test('keys are independent registers, and the failing key is the one reported', () => {
    // Reading "1" on y is fine because y was written "1"; the same read on z is not.
    const r = checkKvHistory([
      set('a', 'x', '1', 0, 1),
      set('a', 'y', '1', 0, 1),
      get('b', 'y', '1', 2, 3),
      get('b', 'x', '1', 2, 3),
      get('b', 'z', null, 2, 3),
    ]);
    assert.deepEqual(r, { ok: true, keysChecked: 3, opsChecked: 5, timedOut: false });
    const failure = assertNotLinearizable([
      set('a', 'x', '1', 0, 1),
      set('a', 'y', '1', 0, 1),
      get('b', 'x', '1', 2, 3),
      get('b', 'y', '1', 2, 3),
      get('b', 'z', '1', 2, 3), // nobody wrote z
    ]);
    assert.equal(failure.key, 'z');
    assert.match(failure.explanation, /not even the first operation can be placed/);
  });

  void test('invalid times are rejected', () => {
    assert.throws(() => checkKvHistory([set('a', 'x', '1', 5, 4)]), RangeError);
    assert.throws(() => checkKvHistory([{ ...set('a', 'x', '1', 0, 1), ret: null }]), RangeError);
  });

  void test('the search budget produces timedOut instead of a verdict', () => {
    const history = [set('a', 'x', '1', 0, 10), set('b', 'x', '2', 0, 10), get('c', 'x', '2', 11, 12)];
    const r = checkKvHistory(history, { maxSteps: 2 });
    assert.equal(r.timedOut, true);
    assert.equal(r.ok, false);
    assert.equal(r.failure, undefined);
    assert.equal(checkKvHistory(history).ok, true);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated histories: clients execute operations on a real sequential store. Each operation takes
// effect at a "linearization point" inside its [call, ret] interval; executing the operations in
// point order gives the outputs, so the history is linearizable by construction.

interface OpSpec {
  readonly client: number;
  readonly key: number;
  readonly kind: 'get' | 'set' | 'cas';
  readonly value: number; // index into the value pool
  readonly expected: number; // 0 = absent, else value pool index + 1
  readonly gap: number; // client think time before the call
  readonly toPoint: number; // call -> linearization point
  readonly toRet: number; // point -> return (or, for unknown outcomes, -> the client giving up)
  readonly unknown: boolean; // outcome unknown to the client
  readonly phantom: boolean; // (unknown only) the operation never took effect
  readonly late: number; // (unknown only) extra delay before it takes effect, possibly after the client gave up
}

const VALUES = ['v0', 'v1', 'v2', 'v3'];

/** Uniform 0..99 (fast-check otherwise biases numbers towards their bounds). */
const percent = fc.noBias(fc.nat({ max: 99 }));

function opSpec(opts: { clients: number; keys: number; unknownRate: number }): fc.Arbitrary<OpSpec> {
  return fc.record({
    client: fc.nat({ max: opts.clients - 1 }),
    key: fc.nat({ max: opts.keys - 1 }),
    kind: fc.constantFrom('get' as const, 'get' as const, 'set' as const, 'cas' as const),
    value: fc.nat({ max: VALUES.length - 1 }),
    expected: fc.nat({ max: VALUES.length }),
    gap: fc.nat({ max: 5 }),
    toPoint: fc.nat({ max: 10 }),
    toRet: fc.nat({ max: 10 }),
    unknown: percent.map((x) => x < opts.unknownRate * 100),
    phantom: fc.boolean(),
    late: fc.nat({ max: 60 }),
  });
}

function buildHistory(specs: readonly OpSpec[]): Operation[] {
  const clientFree = new Map<number, number>();
  const planned: { spec: OpSpec; input: KvInput; call: number; point: number; ret: number | null; index: number }[] =
    [];
  specs.forEach((spec, index) => {
    const key = `k${spec.key}`;
    const value = VALUES[spec.value]!;
    const input: KvInput =
      spec.kind === 'get'
        ? { op: 'get', key }
        : spec.kind === 'set'
          ? { op: 'set', key, value }
          : { op: 'cas', key, expected: spec.expected === 0 ? null : VALUES[spec.expected - 1]!, value };
    const call = (clientFree.get(spec.client) ?? 0) + spec.gap;
    if (spec.unknown) {
      clientFree.set(spec.client, call + spec.toPoint + spec.toRet); // the client times out and moves on
      planned.push({ spec, input, call, point: call + spec.toPoint + spec.late, ret: null, index });
    } else {
      const point = call + spec.toPoint;
      clientFree.set(spec.client, point + spec.toRet);
      planned.push({ spec, input, call, point, ret: point + spec.toRet, index });
    }
  });

  const outputs = new Map<number, KvOutput>();
  const store = new Map<string, string>();
  const byPoint = [...planned].sort((a, b) => a.point - b.point || a.index - b.index);
  for (const p of byPoint) {
    if (p.spec.unknown && p.spec.phantom) continue; // never took effect
    const current = store.get(p.input.key) ?? null;
    switch (p.input.op) {
      case 'get':
        outputs.set(p.index, { op: 'get', value: current });
        break;
      case 'set':
        store.set(p.input.key, p.input.value);
        outputs.set(p.index, { op: 'set' });
        break;
      case 'cas':
        if (current === p.input.expected) {
          store.set(p.input.key, p.input.value);
          outputs.set(p.index, { op: 'cas', ok: true, value: null });
        } else {
          outputs.set(p.index, { op: 'cas', ok: false, value: current });
        }
        break;
    }
  }
  return planned.map((p) => ({
    client: `c${p.spec.client}`,
    input: p.input,
    call: p.call,
    ret: p.ret,
    output: p.spec.unknown ? null : outputs.get(p.index)!,
  }));
}

function historyArb(opts: { clients: number; keys: number; unknownRate: number; maxOps: number }) {
  return fc.array(opSpec(opts), { minLength: 1, maxLength: opts.maxOps }).map(buildHistory);
}

/**
 * Reference oracle straight from the definition: try every total order of the operations that respects
 * real time (an operation that returned strictly before another was invoked comes first), where each
 * unknown-outcome operation may also be left out entirely, and check the outputs against a sequential
 * store. Exponential; only for tiny histories.
 */
function bruteForceLinearizable(history: readonly Operation[]): boolean {
  const n = history.length;
  const retOf = (op: Operation): number => (op.output === null || op.ret === null ? Infinity : op.ret);
  const used = new Array<boolean>(n).fill(false);
  const go = (placed: number, store: ReadonlyMap<string, string>): boolean => {
    if (placed === n) return true;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const op = history[i]!;
      let mustWait = false;
      for (let j = 0; j < n; j++) if (!used[j] && j !== i && retOf(history[j]!) < op.call) mustWait = true;
      if (mustWait) continue;
      used[i] = true;
      const cur = store.get(op.input.key) ?? null;
      let next: Map<string, string> | null = null;
      const out = op.output;
      const input = op.input;
      if (input.op === 'get') {
        if (out === null || (out.op === 'get' && out.value === cur)) next = new Map(store);
      } else if (input.op === 'set') {
        next = new Map(store).set(input.key, input.value);
      } else if (out === null) {
        next = cur === input.expected ? new Map(store).set(input.key, input.value) : new Map(store);
      } else if (out.op === 'cas') {
        if (out.ok && cur === input.expected) next = new Map(store).set(input.key, input.value);
        if (!out.ok && cur !== input.expected && out.value === cur) next = new Map(store);
      }
      const ok =
        (next !== null && go(placed + 1, next)) ||
        // An unknown-outcome operation may never have happened.
        (out === null && go(placed + 1, store));
      used[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return go(0, new Map());
}

void describe('generated histories', () => {
  void test('histories of a real register with random concurrency and unknown outcomes are linearizable', () => {
    fc.assert(
      fc.property(historyArb({ clients: 5, keys: 3, unknownRate: 0.15, maxOps: 120 }), (history) => {
        const r = checkKvHistory(history);
        assert.equal(r.timedOut, false);
        assert.equal(r.ok, true, r.failure?.explanation);
      }),
      { numRuns: 300 },
    );
  });

  void test('making one read return a value never written makes the history non-linearizable', () => {
    fc.assert(
      fc.property(historyArb({ clients: 5, keys: 3, unknownRate: 0.15, maxOps: 120 }), fc.nat(), (history, pick) => {
        const reads = history.flatMap((op, i) => (op.input.op === 'get' && op.output !== null ? [i] : []));
        fc.pre(reads.length > 0);
        const victim = reads[pick % reads.length]!;
        const original = history[victim]!;
        const mutated = history.map((op, i) =>
          i === victim ? { ...op, output: { op: 'get' as const, value: 'never-written' } } : op,
        );
        const r = checkKvHistory(mutated);
        assert.equal(r.timedOut, false);
        assert.equal(r.ok, false);
        assert.equal(r.failure?.key, original.input.key);
        assert.match(r.failure.explanation, /"never-written"/);
      }),
      { numRuns: 300 },
    );
  });

  void test('agrees with a brute-force oracle on tiny histories, linearizable or not', () => {
    // Tiny histories on one or two keys, with one random output sometimes replaced by a random output.
    const outputArb = (input: KvInput): fc.Arbitrary<KvOutput> => {
      const value = fc.constantFrom<string | null>(null, 'v0', 'v1');
      if (input.op === 'get') return value.map((v) => ({ op: 'get' as const, value: v }));
      if (input.op === 'set') return fc.constant({ op: 'set' as const });
      return fc.tuple(fc.boolean(), value).map(([ok, v]) => ({ op: 'cas' as const, ok, value: ok ? null : v }));
    };
    const mutatedArb = historyArb({ clients: 3, keys: 2, unknownRate: 0.2, maxOps: 6 }).chain((history) =>
      fc.tuple(fc.constant(history), fc.nat({ max: history.length - 1 }), fc.boolean()).chain(([h, i, mutate]) => {
        const op = h[i]!;
        if (!mutate || op.output === null) return fc.constant(h);
        return outputArb(op.input).map((output) => h.map((o, j) => (j === i ? { ...o, output } : o)));
      }),
    );
    // Entirely random operations, intervals and outputs (mostly not linearizable).
    const inputArb: fc.Arbitrary<KvInput> = fc
      .tuple(
        fc.constantFrom('get', 'set', 'cas'),
        fc.constantFrom('x', 'y'),
        fc.constantFrom<string | null>(null, 'v0', 'v1'),
        fc.constantFrom('v0', 'v1'),
      )
      .map(([op, key, expected, value]) =>
        op === 'get' ? { op, key } : op === 'set' ? { op, key, value } : { op, key, expected, value },
      );
    const randomOpArb: fc.Arbitrary<Operation> = fc
      .tuple(fc.nat({ max: 2 }), inputArb, fc.nat({ max: 10 }), fc.nat({ max: 6 }), percent)
      .chain(([client, input, call, duration, u]) =>
        u < 20
          ? fc.constant<Operation>({ client: `c${client}`, input, call, ret: null, output: null })
          : outputArb(input).map((output): Operation => ({
              client: `c${client}`,
              input,
              call,
              ret: call + duration,
              output,
            })),
      );
    const arb = fc.oneof(mutatedArb, fc.array(randomOpArb, { minLength: 1, maxLength: 6 }));
    const seen = { linearizable: 0, not: 0 };
    fc.assert(
      fc.property(arb, (history) => {
        const expected = bruteForceLinearizable(history);
        const r = checkKvHistory(history);
        assert.equal(r.timedOut, false);
        assert.equal(r.ok, expected, `oracle says ${expected}:\n${JSON.stringify(history, null, 1)}`);
        seen[expected ? 'linearizable' : 'not']++;
      }),
      { numRuns: 1000 },
    );
    // Both verdicts must actually have been exercised.
    assert.ok(seen.linearizable > 100 && seen.not > 100, JSON.stringify(seen));
  });

  void test('2,000 operations over 5 keys with 8 concurrent clients are checked in well under 2 s', () => {
    const histories = fc.sample(
      fc.array(opSpec({ clients: 8, keys: 5, unknownRate: 0.02 }), { minLength: 2000, maxLength: 2000 }),
      { numRuns: 5, seed: 42 },
    );
    for (const specs of histories) {
      const history = buildHistory(specs);
      const start = performance.now();
      const r = checkKvHistory(history);
      const ms = performance.now() - start;
      assert.equal(r.ok, true, r.failure?.explanation);
      assert.equal(r.opsChecked, history.filter((op) => op.input.op !== 'get' || op.output !== null).length);
      assert.ok(ms < 2000, `took ${ms.toFixed(1)} ms`);
    }
  });
});
