// The lesson format without a cluster: every built-in lesson loads, is translated into every
// language and names members only in ways the runner can resolve; a broken lesson is refused with
// a message that names its file, the step and what is wrong.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClusterView, MemberView } from '../../main/shared/contract.ts';
import { builtinLessons, lessonsDir } from '../../main/server/lesson-files.ts';
import { LessonError, loadLesson, parseLesson } from '../../main/shared/lessons/load.ts';
import { lessonLanguages } from '../../main/shared/lessons/schema.ts';
import { parseTarget, resolveTarget, TargetError, type TargetScope } from '../../main/shared/lessons/targets.ts';

/** A small valid lesson to break in one place at a time. */
function sample(): Record<string, unknown> {
  const words = (en: string) => ({ en, hi: `हिन्दी: ${en}` });
  return {
    format: 1,
    id: 'sample',
    title: words('Sample'),
    summary: words('A sample'),
    steps: [
      {
        narration: words('One'),
        wait: { until: { chairman: 'elected' }, what: words('a chairman') },
        remember: { ill: 'chairman', before: 'term' },
      },
      {
        narration: words('Two'),
        do: [{ command: 'node.crash', input: { id: '@ill' } }],
        wait: { until: { all: [{ chairman: { not: '@ill' } }, { term: { above: '@before' } }] }, what: words('new') },
      },
    ],
  };
}

function refused(data: unknown, pattern: RegExp): void {
  assert.throws(
    () => loadLesson(data, 'my-lesson.json'),
    (e: unknown) => {
      assert.ok(e instanceof LessonError);
      assert.match(e.message, /^my-lesson\.json: /);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

function steps(l: Record<string, unknown>): Record<string, unknown>[] {
  return l.steps as Record<string, unknown>[];
}

test('every built-in lesson loads, at least nine, with unique ids, in every language', () => {
  const all = builtinLessons();
  assert.ok(all.length >= 9);
  assert.equal(new Set(all.map((l) => l.id)).size, all.length);
  const devanagari = /[\u0900-\u097F]/;
  for (const l of all)
    for (const s of l.steps)
      for (const lang of lessonLanguages) {
        assert.ok(s.narration[lang].length > 20, `${l.id}: narration in ${lang}`);
        if (lang === 'hi') assert.match(s.narration.hi, devanagari, `${l.id}: Hindi in Devanagari`);
      }
});

test('the sample loads, and the built-in files are what the loader reads', () => {
  const l = loadLesson(sample(), 'sample.json');
  assert.equal(l.steps[1]!.do[0]!.await, true, 'defaults filled in');
  const file = join(lessonsDir, '03-monsoon-partition.json');
  assert.equal(parseLesson(readFileSync(file, 'utf8'), file).id, 'monsoon-partition');
});

test('an untranslated lesson does not load: every language is required', () => {
  const l = sample();
  steps(l)[1]!.narration = { en: 'Two' };
  refused(l, /step 2 \(narration\.hi\)/);
  const t = sample();
  t.title = { en: 'Sample', hi: '   ' };
  refused(t, /title\.hi/);
});

test('names must be remembered by an earlier step, and be the right kind of thing', () => {
  const ghost = sample();
  (steps(ghost)[1]!.do as { input: { id: string } }[])[0]!.input.id = '@ghost';
  refused(ghost, /step 2: "@ghost" is not remembered by an earlier step \(members remembered so far: @ill\)/);
  const same = sample();
  steps(same)[0]!.wait = { until: { chairman: { not: '@ill' } }, what: { en: 'x', hi: 'क' } };
  refused(same, /step 1: "@ill" is not remembered/);
  const kind = sample();
  (steps(kind)[1]!.do as { input: { id: string } }[])[0]!.input.id = '@before';
  refused(kind, /step 2: "@before" is a remembered term, not a member/);
  const term = sample();
  steps(term)[1]!.wait = { until: { term: { above: '@ill' } }, what: { en: 'x', hi: 'क' } };
  refused(term, /step 2: "@ill" is not a term remembered by an earlier step/);
});

test('targets, actions and conditions are checked against the language and the contract', () => {
  const target = sample();
  (steps(target)[1]!.do as { input: { id: string } }[])[0]!.input.id = 'the treasurer';
  refused(target, /step 2: "the treasurer" is not a target/);
  const input = sample();
  steps(input)[1]!.do = [{ command: 'link.set', input: { from: 'chairman', to: 'A' } }];
  refused(input, /step 2: link\.set: state: /);
  const unknown = sample();
  steps(unknown)[1]!.do = [{ command: 'node.explode', input: { id: 'A' } }];
  refused(unknown, /step 2 \(do\.0\.command\)/);
  const condition = sample();
  steps(condition)[1]!.wait = { until: { chairmn: 'elected' }, what: { en: 'x', hi: 'क' } };
  refused(condition, /step 2 \(wait\.until\): expected one of "chairman", "member", "term"/);
  const inner = sample();
  steps(inner)[1]!.wait = { until: { member: { who: 'A', role: 'king' } }, what: { en: 'x', hi: 'क' } };
  refused(inner, /step 2 \(wait\.until\.member\.role\)/);
  const many = sample();
  steps(many)[1]!.remember = { all: 'every member' };
  refused(many, /step 2: "every member" stands for several members where one is needed/);
  const everyone = sample();
  steps(everyone)[1]!.do = [{ command: 'node.crash', input: { id: 'everyone else' } }];
  refused(everyone, /"everyone else" may only be a group of a partition/);
  const pick = sample();
  steps(pick)[1]!.wait = { until: { member: { who: 'a follower', status: 'crashed' } }, what: { en: 'x', hi: 'क' } };
  refused(pick, /"a follower" picks a member when an action runs/);
  const freeze = sample();
  steps(freeze)[1]!.do = [{ command: 'node.pause', input: { id: '@ill' } }];
  refused(freeze, /"needs": \{ "freeze": true \}/);
  const retry = sample();
  (steps(retry)[1]!.wait as Record<string, unknown>).retryWhen = { chairman: 'elected' };
  refused(retry, /"retryWhen" needs "attempts" above 1/);
  const extra = sample();
  extra.colour = 'blue';
  refused(extra, /colour/);
});

test('a file that is not JSON is refused with its name', () => {
  assert.throws(() => parseLesson('{ "format": 1,', 'broken.json'), /^LessonError: broken\.json: not JSON: /);
});

const member = (id: number, o: Partial<MemberView> = {}): MemberView => ({
  id,
  name: `m${id}`,
  role: 'follower',
  term: 2,
  vote: null,
  leader: 2,
  commitIndex: 3,
  appliedIndex: 3,
  firstIndex: 1,
  lastIndex: 3,
  status: 'running',
  pid: 100 + id,
  address: '',
  progress: [],
  ...o,
});

test('targets resolve against the cluster as it is and what was remembered', () => {
  const view = {
    term: 2,
    leaderId: 2,
    voters: [1, 2, 3, 4],
    learners: [],
    nodes: [member(1), member(2, { role: 'leader' }), member(3, { status: 'crashed' }), member(4)],
    links: [],
  } as unknown as ClusterView;
  const scope: TargetScope = { view, member: (n) => (n === 'ill' ? 3 : undefined), remembered: new Set([1]) };
  const ids = (t: string): number[] => {
    const parsed = parseTarget(t);
    assert.notEqual(typeof parsed, 'string', t);
    return resolveTarget(parsed as Exclude<typeof parsed, string>, scope);
  };
  assert.deepEqual(ids('chairman'), [2]);
  assert.deepEqual(ids('a follower'), [4], 'running, not the chairman, not remembered');
  assert.deepEqual(ids('newest member'), [4]);
  assert.deepEqual(ids('C'), [3]);
  assert.deepEqual(ids('@ill'), [3]);
  assert.deepEqual(ids('every member'), [1, 2, 3, 4]);
  assert.deepEqual(ids('every follower'), [1, 3, 4]);
  assert.deepEqual(ids('every crashed member'), [3]);
  assert.deepEqual(ids('every follower except @ill'), [1, 4]);
  assert.deepEqual(ids('every paused member'), []);
  assert.throws(
    () => ids('E'),
    (e: unknown) => e instanceof TargetError && /no Building E/.test(e.message),
  );
  assert.throws(() => ids('@nobody'), /nothing is remembered as "nobody"/);
  assert.throws(
    () => resolveTarget({ kind: 'chairman' }, { ...scope, view: { ...view, leaderId: null } }),
    /there is no chairman right now/,
  );
  assert.equal(typeof parseTarget('every bystander'), 'string');
  assert.equal(typeof parseTarget('P'), 'string', 'fifteen buildings: A to O');
});

test('the complete example in docs/lessons.md loads', () => {
  const doc = readFileSync(new URL('../../docs/lessons.md', import.meta.url), 'utf8');
  const block = /## A complete example[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc);
  assert.ok(block !== null, 'the example is there');
  const l = parseLesson(block[1]!, 'docs/lessons.md');
  assert.equal(l.id, 'handing-over');
  assert.equal(l.steps.length, 3);
});
