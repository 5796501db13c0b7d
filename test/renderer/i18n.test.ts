// The window's words: every language has every key English has, with the same placeholders, none
// empty, each a message vue-i18n can compile; every key the renderer's code names exists; and no
// component template writes words of its own instead of asking vue-i18n.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NodeTypes, type TemplateChildNode } from '@vue/compiler-core';
import { createI18n } from 'vue-i18n';
// vue/compiler-sfc parses templates into @vue/compiler-core's AST (a dependency of vue's own).
import { parse } from 'vue/compiler-sfc';
import { languages, loadLocale, placeholders, type Locale } from './locales.ts';

const srcDir = fileURLToPath(new URL('../../renderer/src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return path.includes(join('i18n', 'locales')) ? [] : sourceFiles(path);
    return /\.(ts|vue)$/.test(d.name) ? [path] : [];
  });
}

const langs = languages();
const loaded = new Map<string, Locale>();
for (const lang of langs) loaded.set(lang, await loadLocale(lang));
const en = loaded.get('en')!;

test('English and Hindi are both there, each in its own folder', () => {
  assert.deepEqual(langs, ['en', 'hi']);
  assert.ok(en.messages.size > 100, `English has ${en.messages.size} messages`);
});

for (const lang of langs.filter((l) => l !== 'en')) {
  const other = loaded.get(lang)!;

  test(`${lang} has the same feature files and exactly the same keys as en`, () => {
    assert.deepEqual(other.features, en.features);
    const missing = [...en.messages.keys()].filter((k) => !other.messages.has(k));
    const extra = [...other.messages.keys()].filter((k) => !en.messages.has(k));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });

  test(`${lang} uses the same {placeholders} as en in every message`, () => {
    const differ: string[] = [];
    for (const [key, message] of en.messages) {
      const theirs = other.messages.get(key);
      if (typeof message !== 'string' || typeof theirs !== 'string') continue;
      const a = placeholders(message).join(',');
      const b = placeholders(theirs).join(',');
      if (a !== b) differ.push(`${key}: en {${a}} ${lang} {${b}}`);
    }
    assert.deepEqual(differ, []);
  });
}

for (const lang of langs) {
  const locale = loaded.get(lang)!;

  test(`every ${lang} message is a non-empty string`, () => {
    const bad = [...locale.messages].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    assert.deepEqual(bad, []);
  });

  test(`every ${lang} message compiles in vue-i18n and shows each of its placeholders`, () => {
    // A stray "|" splits a message into plural forms, a stray "@" or "{" does not compile: both are
    // caught by rendering every message, each of its plural forms (" | ") chosen by its count, with a
    // marker for each placeholder: every form must show its own.
    const i18n = createI18n({ legacy: false, locale: lang, messages: { [lang]: locale.tree }, missingWarn: false });
    const broken: string[] = [];
    for (const [key, message] of locale.messages) {
      if (typeof message !== 'string') continue;
      const params = Object.fromEntries(placeholders(message).map((n) => [n, `⟦${n}⟧`]));
      const forms = message.split(' | ');
      // vue-i18n's choice: two forms are 1 and more, three are 0, 1 and more.
      const counts = forms.length === 1 ? [null] : forms.length === 2 ? [1, 2] : [0, 1, 2];
      forms.forEach((form, i) => {
        const names = placeholders(form);
        try {
          const count = counts[i];
          const said =
            count === null || count === undefined ? i18n.global.t(key, params) : i18n.global.t(key, params, count);
          const lost = names.filter((n) => !said.includes(`⟦${n}⟧`));
          if (lost.length > 0 || /[{}]/.test(said)) broken.push(`${key}: ${JSON.stringify(said)}`);
        } catch (e) {
          broken.push(`${key}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      });
    }
    assert.deepEqual(broken, []);
  });
}

test('every message key the renderer names exists in English', () => {
  const features = new Set(en.features);
  const unknown: string[] = [];
  let named = 0;
  for (const file of sourceFiles(srcDir)) {
    const code = readFileSync(file, 'utf8');
    const where = relative(srcDir, file);
    // t('books.title'), $t(…), te(…), say(…), words(…): a key that must be a message.
    for (const m of code.matchAll(/(?<!\w)(?:\$t|t|te|say|words)\(\s*(['"])([^'"]+)\1/g)) {
      named++;
      if (!en.messages.has(m[2]!)) unknown.push(`${where}: ${m[2]}`);
    }
    // t(`members.status.${s}`): its fixed part must be a group of messages.
    for (const m of code.matchAll(/(?<!\w)(?:\$t|t|te|say|words)\(\s*`([^`$]*)\$\{/g)) {
      named++;
      const prefix = m[1]!.replace(/\.$/, '');
      if (!en.namespaces.has(prefix)) unknown.push(`${where}: ${m[1]}\${…}`);
    }
    // Keys written as data elsewhere ('books.entries.addVoter' in a table).
    for (const m of code.matchAll(/'([a-z][\w-]*)\.([\w.]+)'/g)) {
      if (!features.has(m[1]!)) continue;
      const key = `${m[1]}.${m[2]}`;
      if (!en.messages.has(key) && !en.namespaces.has(key)) unknown.push(`${where}: ${key}`);
    }
  }
  assert.ok(named > 100, `the renderer names ${named} keys`);
  assert.deepEqual([...new Set(unknown)], []);
});

/** Attributes people read: a fixed value in them is words that vue-i18n never sees. */
const readAttributes = new Set(['title', 'aria-label', 'aria-description', 'placeholder', 'alt', 'label']);

test('no component template writes words itself: text and read attributes come from vue-i18n', () => {
  const written: string[] = [];
  const visit = (node: TemplateChildNode, file: string): void => {
    if (node.type === NodeTypes.TEXT && /\p{L}/u.test(node.content))
      written.push(`${file}:${node.loc.start.line}: ${JSON.stringify(node.content.trim())}`);
    if (node.type !== NodeTypes.ELEMENT) return;
    for (const p of node.props)
      if (p.type === NodeTypes.ATTRIBUTE && readAttributes.has(p.name) && /\p{L}/u.test(p.value?.content ?? ''))
        written.push(`${file}:${p.loc.start.line}: ${p.name}="${p.value?.content}"`);
    for (const child of node.children) visit(child, file);
  };
  let templates = 0;
  for (const file of sourceFiles(srcDir).filter((f) => f.endsWith('.vue'))) {
    const { descriptor } = parse(readFileSync(file, 'utf8'), { filename: file });
    if (descriptor.template?.ast === undefined) continue;
    templates++;
    for (const child of descriptor.template.ast.children) visit(child, relative(srcDir, file));
  }
  assert.ok(templates > 10, `${templates} templates read`);
  assert.deepEqual(written, []);
});
