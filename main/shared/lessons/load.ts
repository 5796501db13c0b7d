// Loading a lesson: JSON, then the schema, then what a schema cannot say: every name is remembered
// by an earlier step before it is used (and is the right kind of thing), every target parses,
// every action's input is one its command accepts, and a lesson that freezes says it needs to.
// Every problem names the lesson's source and the step.

import type { z } from 'zod';
import { commandInputs } from '../contract.ts';
import { lessonSchema, type Action, type Condition, type Focus, type Lesson } from './schema.ts';
import { isMany, namesIn, parseTarget, type Target } from './targets.ts';

export class LessonError extends Error {
  override readonly name = 'LessonError';
}

type Kind = 'member' | 'term';

/** Fields of a command's input that hold member ids (and so may hold targets). */
export const memberFields = ['id', 'from', 'to', 'via'] as const;

/** "{n}" in an action's strings becomes the repetition's number. */
export function fillRepeat(value: unknown, n: number): unknown {
  if (typeof value === 'string') return value.replaceAll('{n}', String(n));
  if (Array.isArray(value)) return value.map((v) => fillRepeat(v, n));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillRepeat(v, n)]));
  return value;
}

function where(path: readonly PropertyKey[]): string {
  const [first, index, ...rest] = path;
  const tail = (p: readonly PropertyKey[]): string => p.map(String).join('.');
  if (first === 'steps' && typeof index === 'number')
    return `step ${index + 1}${rest.length > 0 ? ` (${tail(rest)})` : ''}`;
  return path.length === 0 ? 'the lesson' : tail(path);
}

/** zod's issues in words; for a union, the alternative whose keys matched says what is wrong. */
function describe(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((i) => {
    const path = [...base, ...i.path];
    if (i.code === 'invalid_union') {
      const matched = i.errors.filter((alt) => !alt.some((x) => x.code === 'unrecognized_keys' && x.path.length === 0));
      if (matched.length === 1) return describe(matched[0]!, path);
      const keys = i.errors.flatMap((alt) => alt.filter((x) => x.path.length === 1).map((x) => String(x.path[0])));
      if (keys.length > 0)
        return [`${where(path)}: expected one of ${[...new Set(keys)].map((k) => `"${k}"`).join(', ')}`];
    }
    return [`${where(path)}: ${i.message}`];
  });
}

/** Checks a lesson beyond its schema, step by step, tracking what is remembered. */
class References {
  private readonly known = new Map<string, Kind>();
  private step = 0;
  private readonly problems: string[] = [];
  private readonly lesson: Lesson;

  constructor(lesson: Lesson) {
    this.lesson = lesson;
  }

  check(): string[] {
    const l = this.lesson;
    const freezes = l.steps.some((s) => s.do.some((a) => a.command === 'node.pause' || a.command === 'node.resume'));
    if (freezes && l.needs.freeze !== true)
      this.problems.push('the lesson freezes members (node.pause): say so with "needs": { "freeze": true }');
    l.steps.forEach((s, i) => {
      this.step = i + 1;
      s.do.forEach((a) => this.action(a));
      this.condition(s.wait.until);
      if (s.wait.retryWhen !== undefined) this.condition(s.wait.retryWhen);
      if (s.wait.attempts === 1 && s.wait.retryWhen !== undefined) this.fail('"retryWhen" needs "attempts" above 1');
      if (s.focus !== undefined) this.focus(s.focus);
      for (const [name, value] of Object.entries(s.remember ?? {})) {
        if (value === 'term') this.known.set(name, 'term');
        else if (this.target(value, { single: true })) this.known.set(name, 'member');
      }
    });
    return this.problems;
  }

  private fail(message: string): void {
    this.problems.push(`step ${this.step}: ${message}`);
  }

  /** Parse a target and check the names in it; false (and a problem recorded) when it is wrong. */
  private target(text: string, o: { single?: boolean; inCondition?: boolean; inGroup?: boolean } = {}): boolean {
    const t = parseTarget(text);
    if (typeof t === 'string') {
      this.fail(t);
      return false;
    }
    return this.targetOk(t, text, o);
  }

  private targetOk(
    t: Target,
    text: string,
    o: { single?: boolean; inCondition?: boolean; inGroup?: boolean },
  ): boolean {
    let ok = true;
    for (const name of namesIn(t)) {
      const kind = this.known.get(name);
      if (kind === 'member') continue;
      ok = false;
      const known = [...this.known].filter(([, k]) => k === 'member').map(([n]) => `@${n}`);
      this.fail(
        kind === 'term'
          ? `"@${name}" is a remembered term, not a member`
          : `"@${name}" is not remembered by an earlier step (members remembered so far: ${known.join(', ') || 'none'})`,
      );
    }
    if (o.single === true && isMany(t)) {
      ok = false;
      this.fail(`"${text}" stands for several members where one is needed`);
    }
    if (t.kind === 'everyone else' && o.inGroup !== true) {
      ok = false;
      this.fail('"everyone else" may only be a group of a partition');
    }
    if (t.kind === 'a follower' && o.inCondition === true) {
      ok = false;
      this.fail('"a follower" picks a member when an action runs; in a condition, remember it first and use @name');
    }
    return ok;
  }

  private action(a: Action): void {
    const input = fillRepeat(a.input, 1) as Record<string, unknown>;
    // Each target stands for a distinct made-up id, so the command's own schema can judge the rest.
    let fake = 1;
    const stand = (v: unknown, o: { single?: boolean; inGroup?: boolean }): unknown =>
      typeof v === 'string' ? (this.target(v, o), fake++) : v;
    const sample: Record<string, unknown> = { ...input };
    for (const f of memberFields) if (f in sample) sample[f] = stand(sample[f], { single: f === 'via' });
    if (a.command === 'partition' && Array.isArray(sample.groups))
      sample.groups = sample.groups.map((g: unknown) =>
        Array.isArray(g) ? g.map((v: unknown) => stand(v, { inGroup: true })) : g,
      );
    const parsed = commandInputs[a.command].safeParse(sample);
    if (!parsed.success)
      for (const i of parsed.error.issues)
        this.fail(`${a.command}: ${i.path.map(String).join('.') || 'input'}: ${i.message}`);
  }

  private termName(ref: string): void {
    const name = ref.startsWith('@') ? ref.slice(1) : null;
    if (name === null) return this.fail(`"${ref}" should name a remembered term, as "@name"`);
    if (this.known.get(name) !== 'term') this.fail(`"${ref}" is not a term remembered by an earlier step`);
  }

  private condition(c: Condition): void {
    const t = (text: string): void => void this.target(text, { inCondition: true });
    if ('chairman' in c) {
      if (typeof c.chairman === 'object') t('is' in c.chairman ? c.chairman.is : c.chairman.not);
    } else if ('member' in c) t(c.member.who);
    else if ('term' in c) this.termName('is' in c.term ? c.term.is : c.term.above);
    else if ('entry' in c) {
      if (typeof c.entry.on === 'string' && c.entry.on !== 'majority' && c.entry.on !== 'none') t(c.entry.on);
    } else if ('overwritten' in c) t(c.overwritten.on);
    else if ('snapshot' in c) t(c.snapshot.on);
    else if ('wasRole' in c) t(c.wasRole.who);
    else if ('all' in c) c.all.forEach((x) => this.condition(x));
    else if ('any' in c) c.any.forEach((x) => this.condition(x));
    else if ('not' in c) this.condition(c.not);
  }

  private focus(f: Focus): void {
    const t = (text: string): void => void this.target(text, { inCondition: true });
    f.members?.forEach(t);
    f.books?.forEach(t);
    f.links?.forEach(([a, b]) => {
      t(a);
      t(b);
    });
  }
}

/** A lesson from parsed JSON; throws LessonError naming `source`, the step and every problem. */
export function loadLesson(data: unknown, source: string): Lesson {
  const parsed = lessonSchema.safeParse(data);
  if (!parsed.success) throw new LessonError(`${source}: ${describe(parsed.error.issues).join('; ')}`);
  const problems = new References(parsed.data).check();
  if (problems.length > 0) throw new LessonError(`${source}: ${problems.join('; ')}`);
  return parsed.data;
}

/** A lesson from the text of a file. */
export function parseLesson(text: string, source: string): Lesson {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LessonError(`${source}: not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return loadLesson(data, source);
}
