// The renderer's message files (renderer/src/i18n/locales/<lang>/<feature>.ts) loaded in Node, as
// vue-i18n gathers them: the key prefix is the file's name. Flattened to "feature.path.key" -> text.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LocaleMessageValue } from 'vue-i18n';

export const localesDir = fileURLToPath(new URL('../../renderer/src/i18n/locales/', import.meta.url));

export type Flat = Map<string, unknown>;

/** Every leaf of `value` under `prefix`; a non-object leaf is kept as it is (the test checks it is a string). */
function flatten(prefix: string, value: unknown, into: Flat, namespaces: Set<string>): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    namespaces.add(prefix);
    for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v, into, namespaces);
  } else into.set(prefix, value);
}

export interface Locale {
  /** Feature file names, e.g. "books". */
  readonly features: string[];
  /** "books.entries.noop" -> "new chairman takes office (no-op)". */
  readonly messages: Flat;
  /** Every path that holds an object: "books", "books.entries", … */
  readonly namespaces: Set<string>;
  /** The messages as vue-i18n takes them: { books: { … }, … }. */
  readonly tree: Record<string, LocaleMessageValue>;
}

export async function loadLocale(lang: string): Promise<Locale> {
  const dir = join(localesDir, lang);
  const features = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  const messages: Flat = new Map();
  const namespaces = new Set<string>();
  const tree: Record<string, LocaleMessageValue> = {};
  for (const feature of features) {
    // As renderer/src/i18n/index.ts gathers them; what they hold is checked by the tests.
    const mod = (await import(pathToFileURL(join(dir, `${feature}.ts`)).href)) as { default: LocaleMessageValue };
    tree[feature] = mod.default;
    flatten(feature, mod.default, messages, namespaces);
  }
  return { features, messages, namespaces, tree };
}

export function languages(): string[] {
  return readdirSync(localesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** The named placeholders of a message: "{name} votes" -> ["name"] (literals like {'|'} are not). */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*\}/g)].map((m) => m[1]!).sort();
}
