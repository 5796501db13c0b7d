// One fuzzer for every importer of a file a person may hand the app (a society record, a lesson,
// a saved session): plug an importer in as `parse(text) -> result` and it gets garbage, valid
// files cut short or changed in one place, and huge or deeply nested texts. Each must be refused
// with a message that says something, never with an exception; quickly; and, when the importer
// keeps state (a store it loads into), leaving that state as it was. What it accepts must be a
// file it can write back and read again unchanged, when it can write files at all.
//
// An importer that throws its own error class instead of returning a result is plugged in
// through an adapter:
//   parse: (text) => { try { return { ok: true, value: importLesson(text) }; }
//                      catch (e) { if (e instanceof LessonImportError) return { ok: false, error: e.message }; throw e; } }

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { anyMutation, jsonText, mangledText, nastyString } from './arbitraries.ts';
import { fuzz, SLOW_PARSE_MS } from './budget.ts';

export type ImportResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface Importer<T> {
  readonly name: string;
  readonly parse: (text: string) => ImportResult<T>;
  /** Real files of its kind, which it must accept. */
  readonly valid: readonly string[];
  /** Writes a value back as a file, if the app can: what is accepted must survive the round trip. */
  readonly serialize?: (value: T) => string;
  /** What an import may change (a store it loads into): a refused import must leave it equal. */
  readonly state?: () => unknown;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Texts near and far from the valid ones. */
function texts(valid: readonly string[]): fc.Arbitrary<string> {
  const sample = fc.constantFrom(...valid);
  const parsed = valid.map(json).filter((v) => v !== undefined);
  return fc.oneof(
    { weight: 3, arbitrary: sample.chain(mangledText) },
    ...(parsed.length === 0
      ? []
      : [
          {
            weight: 4,
            arbitrary: fc
              .constantFrom(...parsed)
              .chain((v) => anyMutation(v))
              .map((m) => jsonText(m.value)),
          },
        ]),
    { weight: 2, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '\uFEFF',
        'null',
        '[]',
        '{}',
        '"text"',
        '['.repeat(100_000),
        `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
        `[${'0,'.repeat(200_000)}0]`,
        'x'.repeat(3 * 1024 * 1024),
      ),
    },
  );
}

function refusedCleanly(r: { ok: false; error: unknown }): void {
  assert.equal(typeof r.error, 'string', 'the refusal is a message');
  const error = r.error as string;
  assert.ok(
    error.trim() !== '' && !/^(undefined|null)$|\[object Object\]/.test(error),
    `an unclear message: ${JSON.stringify(error)}`,
  );
}

export async function fuzzImporter<T>(importer: Importer<T>, runs = 300): Promise<void> {
  for (const text of importer.valid) {
    const r = importer.parse(text);
    assert.ok(r.ok, `${importer.name} refuses one of its own files: ${r.ok ? '' : r.error}`);
  }
  await fuzz(
    `importer: ${importer.name}`,
    fc.property(texts(importer.valid), (text) => {
      const before = importer.state?.();
      const started = performance.now();
      let r: ImportResult<T>;
      try {
        r = importer.parse(text);
      } catch (e) {
        assert.fail(`${importer.name} threw instead of refusing: ${e instanceof Error ? e.stack : String(e)}`);
      }
      assert.ok(
        performance.now() - started < SLOW_PARSE_MS,
        `${importer.name} took ${Math.round(performance.now() - started)} ms`,
      );
      if (!r.ok) {
        refusedCleanly(r);
        if (importer.state !== undefined)
          assert.deepEqual(importer.state(), before, 'a refused import changed nothing');
        return;
      }
      if (importer.serialize !== undefined) {
        const again = importer.parse(importer.serialize(r.value));
        assert.ok(again.ok, `what ${importer.name} accepted does not read back: ${again.ok ? '' : again.error}`);
        assert.deepEqual(again.value, r.value);
      }
    }),
    { runs },
  );
}

/** Registers the fuzzer of one importer as a test. */
export function importerFuzzer<T>(importer: Importer<T>, runs?: number): void {
  test(`${importer.name}: garbage and damaged files are refused with a message, quickly, changing nothing`, () =>
    fuzzImporter(importer, runs));
}
