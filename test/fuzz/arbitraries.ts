// Hostile inputs for every boundary: garbage (any value, any text, any bytes) and near-valid
// inputs, made by mutating a valid one in a single place: a wrong type, an extra key (prototype
// names included), a negative or non-finite number, a tag that names no variant, a missing key, or
// anything at all. `invalidMutation` only makes mutations that no schema of this project accepts:
// every object schema is strict, no number may be negative or non-finite, and null is only valid
// where the caller says so (by listing the path as opaque).

import fc from 'fast-check';

export type Path = readonly (string | number)[];

/** Keys that reach an object's prototype machinery if a parser, a merge or a spread is careless. */
export const prototypeKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
] as const;

export const specialNumbers = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  -1,
  0.5,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
] as const;

/** Strings that have broken parsers: empty, NUL, BOM, lone surrogates, other scripts, paths, huge. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF{}',
    '\uD800',
    '\uDFFF\uD800',
    '💥🏠',
    'नमस्ते समिति',
    'e\u0301',
    '../../../../etc/passwd',
    '%2e%2e%2f',
    '%00',
    '<script>alert(1)</script>',
    '\f',
    '\r\n\r\n',
    'a'.repeat(70_000),
  ),
);

/** Any value a JavaScript caller could hand over, JSON or not (cycles aside). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    nastyString,
    fc.constantFrom<unknown>(...specialNumbers, true, false, null, undefined),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  ),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom<string>(...prototypeKeys), fc.string({ maxLength: 8 })), tie('value')), {
        maxLength: 5,
      })
      .map(objectFrom),
    fc.integer({ min: 100, max: 1000 }).map(deeplyNested),
  ),
})).value;

/** An object with exactly these own keys, `__proto__` included as an own key (as JSON.parse makes it). */
export function objectFrom(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

function deeplyNested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { v };
  return v;
}

/**
 * JSON text of `value`, except that what JSON cannot hold is written as an attacker would write it:
 * NaN as `NaN` (invalid JSON), ±Infinity as ±1e400 (valid JSON that parses to ±Infinity), -0 as -0,
 * a bigint as its digits. Own `__proto__` keys are written like any other key.
 */
export function jsonText(value: unknown): string {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? '1e400' : '-1e400';
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : jsonText(v))).join(',')}]`;
      return `{${Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${jsonText((value as Record<string, unknown>)[k])}`)
        .join(',')}}`;
    default:
      return 'null';
  }
}

/** Whether `text` is JSON at all. */
export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Text around a valid text: cut short, one character replaced or inserted, doubled, prefixed. */
export function mangledText(text: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, text.length) });
  const char = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom('"', '{', '}', ',', '\\', '\u0000', '\f'),
  );
  return fc.oneof(
    at.map((i) => text.slice(0, i)),
    fc.tuple(at, char).map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    fc.tuple(at, char).map(([i, c]) => text.slice(0, i) + c + text.slice(i)),
    fc.constant(text + text),
    fc.constantFrom('\uFEFF', ' \n\t', '[', ")]}'\n").map((p) => p + text),
  );
}

// ---- mutations of a valid value ------------------------------------------------------------------

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

/** Every place in `value`: its path and what is there. */
export function placesOf(value: unknown, path: Path = []): { readonly path: Path; readonly value: unknown }[] {
  const here = [{ path, value }];
  if (typeof value !== 'object' || value === null) return here;
  const children = Array.isArray(value)
    ? value.map((v, i) => placesOf(v, [...path, i]))
    : Object.keys(value).map((k) => placesOf((value as Record<string, unknown>)[k], [...path, k]));
  return here.concat(...children);
}

function clone(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(clone);
  return objectFrom(Object.keys(v).map((k) => [k, clone((v as Record<string, unknown>)[k])]));
}

/** A copy of `root` with `edit` applied to the container holding `path` (the root itself when path is empty). */
function edited(
  root: unknown,
  path: Path,
  edit: (container: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const box = { root: clone(root) } as Record<string | number, unknown>;
  let container = box;
  let key: string | number = 'root';
  for (const step of path) {
    container = container[key] as Record<string | number, unknown>;
    key = step;
  }
  edit(container, key);
  return box.root;
}

export function setAt(root: unknown, path: Path, value: unknown): unknown {
  return edited(root, path, (c, k) =>
    Object.defineProperty(c, k, { value, enumerable: true, writable: true, configurable: true }),
  );
}

export function removeAt(root: unknown, path: Path): unknown {
  return edited(root, path, (c, k) => {
    if (Array.isArray(c)) c.splice(Number(k), 1);
    else Reflect.deleteProperty(c, k);
  });
}

export interface Mutated {
  readonly value: unknown;
  /** What was done where, for the counterexample. */
  readonly what: string;
  readonly path: Path;
  /** The word a clear refusal must contain: the extra key, or the top-level field at fault. */
  readonly names: string;
}

const otherTypeValue: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.constantFrom('', '1', 'true', '[]', 'x'),
  number: fc.constantFrom(0, 1, 1.5, 42),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.constantFrom([], [1], ['x'], [[]]),
  object: fc.constantFrom({}, { a: 1 }, objectFrom([['__proto__', { polluted: true }]])),
};

const extraKey = fc.oneof(fc.constantFrom<string>(...prototypeKeys), fc.stringMatching(/^[a-zA-Z_$][\w$]{0,11}$/));

export interface MutationOptions {
  /** Paths whose contents are not checked (e.g. a command's free-form input): left alone. */
  readonly opaque?: readonly Path[];
  /** Keys whose string value selects a variant (`type`, `op`, ...). */
  readonly tags?: readonly string[];
}

function isUnder(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function describe(path: Path): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/**
 * One mutation of `valid` that no schema of this project accepts (see the top of this file): an
 * extra key in an object, a value of another JSON type (never null), a negative or non-finite
 * number, or a tag naming no variant.
 */
export function invalidMutation(valid: unknown, o: MutationOptions = {}): fc.Arbitrary<Mutated> {
  const places = placesOf(valid).filter((p) => !(o.opaque ?? []).some((q) => isUnder(p.path, q)));
  const names = (path: Path): string => (path.length === 0 ? 'input' : String(path[0]));
  const candidates: fc.Arbitrary<Mutated>[] = [];
  const objects = places.filter((p) => jsonType(p.value) === 'object');
  if (objects.length > 0)
    candidates.push(
      fc
        .tuple(fc.constantFrom(...objects), extraKey, hostileValue)
        // An undefined value would vanish on the way (JSON drops it): the key must really be there.
        .filter(([p, k, v]) => !Object.hasOwn(p.value as object, k) && v !== undefined)
        .map(([p, k, v]) => ({
          value: setAt(valid, [...p.path, k], v),
          what: `extra key ${JSON.stringify(k)} at ${describe(p.path)}`,
          path: [...p.path, k],
          names: k,
        })),
    );
  const typed = places.filter((p) => jsonType(p.value) !== 'null');
  if (typed.length > 0)
    candidates.push(
      fc.constantFrom(...typed).chain((p) =>
        fc
          .constantFrom(
            ...(['string', 'number', 'boolean', 'array', 'object'] as const).filter((t) => t !== jsonType(p.value)),
          )
          .chain((t) => otherTypeValue[t])
          .map((v) => ({
            value: setAt(valid, p.path, v),
            what: `${jsonType(v)} at ${describe(p.path)}`,
            path: p.path,
            names: names(p.path),
          })),
      ),
    );
  const numbers = places.filter((p) => typeof p.value === 'number');
  if (numbers.length > 0)
    candidates.push(
      fc.tuple(fc.constantFrom(...numbers), fc.constantFrom(-1, -1e9, -Infinity, Infinity, NaN)).map(([p, v]) => ({
        value: setAt(valid, p.path, v),
        what: `${v} at ${describe(p.path)}`,
        path: p.path,
        names: names(p.path),
      })),
    );
  const tags = places.filter((p) => typeof p.value === 'string' && (o.tags ?? []).includes(String(p.path.at(-1))));
  if (tags.length > 0)
    candidates.push(
      fc
        .tuple(fc.constantFrom(...tags), fc.constantFrom('X', '\u0000', ' ', '__proto__', 'constructor'))
        .map(([p, v]) => {
          const tag = v === '__proto__' || v === 'constructor' ? v : `${String(p.value)}${v}`;
          return {
            value: setAt(valid, p.path, tag),
            what: `tag ${JSON.stringify(tag)} at ${describe(p.path)}`,
            path: p.path,
            names: names(p.path),
          };
        }),
    );
  return fc.oneof(...candidates);
}

/** Any one mutation of `valid`, which may leave it valid: for boundaries whose oracle takes both outcomes. */
export function anyMutation(valid: unknown, o: MutationOptions = {}): fc.Arbitrary<Mutated> {
  const places = placesOf(valid);
  const nonRoot = places.filter((p) => p.path.length > 0);
  const names = (path: Path): string => (path.length === 0 ? 'input' : String(path[0]));
  return fc.oneof(
    invalidMutation(valid, o),
    fc
      .tuple(fc.constantFrom(...places), fc.oneof(hostileValue, fc.constantFrom<unknown>(...specialNumbers)))
      .map(([p, v]) => ({
        value: setAt(valid, p.path, v),
        what: `replaced ${describe(p.path)}`,
        path: p.path,
        names: names(p.path),
      })),
    ...(nonRoot.length === 0
      ? []
      : [
          fc.constantFrom(...nonRoot).map((p) => ({
            value: removeAt(valid, p.path),
            what: `removed ${describe(p.path)}`,
            path: p.path,
            names: names(p.path),
          })),
        ]),
  );
}

const sameTypeValue = (v: unknown): fc.Arbitrary<unknown> => {
  switch (jsonType(v)) {
    case 'number':
      return fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 100, 2 ** 31, 2 ** 53 - 1), fc.nat());
    case 'string':
      return nastyString;
    case 'boolean':
      return fc.constant(!(v as boolean));
    case 'array': {
      const a = v as unknown[];
      return fc.oneof(
        fc.constant([]),
        fc.nat({ max: a.length }).map((n) => a.slice(0, n)),
        fc.nat({ max: a.length }).map((n) => a.slice(n)),
        fc.constant([...a, ...a]),
        fc.constant([...a].reverse()),
      );
    }
    default:
      return fc.constant(v);
  }
};

/**
 * A change that keeps every JSON type: other whole numbers, other strings, a flipped boolean, an
 * array cut, doubled or reversed. It gets past type checks, so it tests the rules between fields
 * (and whatever is behind them).
 */
export function wellTypedMutation(valid: unknown, keep: readonly string[] = []): fc.Arbitrary<Mutated> {
  const fixed = new Set(['type', 'kind', ...keep]);
  const places = placesOf(valid).filter((p) => p.path.length > 0 && !fixed.has(String(p.path.at(-1))));
  return fc.constantFrom(...places).chain((p) =>
    sameTypeValue(p.value).map((v) => ({
      value: setAt(valid, p.path, v),
      what: `${describe(p.path)} = ${JSON.stringify(v).slice(0, 60)}`,
      path: p.path,
      names: String(p.path[0]),
    })),
  );
}

/** One to `most` well-typed changes in a row, leaving the keys in `keep` (and tags) alone. */
export function wellTypedMutations(valid: unknown, most: number, keep: readonly string[] = []): fc.Arbitrary<Mutated> {
  const chained = (v: unknown, n: number): fc.Arbitrary<Mutated> => {
    const once = wellTypedMutation(v, keep);
    return n <= 1
      ? once
      : once.chain((m) => chained(m.value, n - 1).map((next) => ({ ...next, what: `${m.what}; ${next.what}` })));
  };
  return fc.integer({ min: 1, max: most }).chain((n) => chained(valid, n));
}
