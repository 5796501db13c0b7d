// The lesson format (docs/lessons.md): a lesson is data, not code. Steps act on the real cluster
// through the contract's commands, naming members symbolically ("chairman", "@ill", "C"), and then
// wait for a condition on the real cluster, written in a small condition language. Every text is
// given in every language the app speaks, so an untranslated lesson does not load.

import { z } from 'zod';
import { commandInputs, type CommandName, type MemberView } from '../contract.ts';
import { targetProblem } from './targets.ts';

export const LESSON_FORMAT = 1;

/** The languages every lesson text must be written in (the window's languages). */
export const lessonLanguages = ['en', 'hi'] as const;
export type LessonLanguage = (typeof lessonLanguages)[number];

const words = z
  .object(
    Object.fromEntries(lessonLanguages.map((l) => [l, z.string().trim().min(1).max(4000)])) as Record<
      LessonLanguage,
      z.ZodString
    >,
  )
  .strict();
export type Words = Readonly<Record<LessonLanguage, string>>;

/** A name given with `remember` and used as "@name". */
export const nameSchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9-]{0,39}$/, 'a name is a lower-case letter then letters, digits or "-" (at most 40)');

const target = z.string().superRefine((t, ctx) => {
  const problem = targetProblem(t);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

const roles = [
  'follower',
  'precandidate',
  'candidate',
  'leader',
  'learner',
] as const satisfies readonly MemberView['role'][];
const statuses = ['starting', 'running', 'crashed', 'paused', 'stopped'] as const;
const oneOrMany = <T extends z.ZodType>(s: T) => z.union([s, z.array(s).min(1)]);

/** Commands a step may run: every command of the contract except reading the view. */
const actionNames = Object.keys(commandInputs).filter((n) => n !== 'cluster.get') as [
  Exclude<CommandName, 'cluster.get'>,
  ...Exclude<CommandName, 'cluster.get'>[],
];

export const actionSchema = z
  .object({
    command: z.enum(actionNames),
    /** The command's input; member ids may be targets ("chairman", "@ill", "every follower", "C"). */
    input: z.record(z.string(), z.unknown()).default({}),
    /** false: send it and go on without waiting for its answer (the step's wait says what must happen). */
    await: z.boolean().default(true),
    /** Run it this many times, one after another; "{n}" in its strings counts 1, 2, 3... */
    repeat: z.number().int().min(1).max(200).default(1),
  })
  .strict();
export type Action = z.infer<typeof actionSchema>;

export type Condition =
  | { readonly chairman: 'elected' | 'none' | { readonly is: string } | { readonly not: string } }
  | {
      readonly member: {
        readonly who: string;
        readonly role?: MemberView['role'] | readonly MemberView['role'][] | undefined;
        readonly status?: MemberView['status'] | readonly MemberView['status'][] | undefined;
        readonly voter?: boolean | undefined;
        readonly present?: boolean | undefined;
        readonly knowsChairman?: boolean | undefined;
        readonly caughtUp?: boolean | undefined;
      };
    }
  | { readonly term: { readonly above: string; readonly by?: number | undefined } | { readonly is: string } }
  | {
      readonly entry: {
        readonly label: string;
        readonly on: string | number;
        readonly committed?: boolean | undefined;
      };
    }
  | { readonly voters: number }
  | { readonly splitVote: true }
  | { readonly overwritten: { readonly on: string } }
  | { readonly snapshot: { readonly how: 'taken' | 'installed'; readonly on: string } }
  | { readonly wasRole: { readonly who: string; readonly role: MemberView['role'] } }
  | { readonly committedWithNewerTerm: { readonly label: string } }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

const label = z.string().min(1).max(600);

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z
      .object({
        chairman: z.union([
          z.enum(['elected', 'none']),
          z.object({ is: target }).strict(),
          z.object({ not: target }).strict(),
        ]),
      })
      .strict(),
    z
      .object({
        member: z
          .object({
            who: target,
            role: oneOrMany(z.enum(roles)).optional(),
            status: oneOrMany(z.enum(statuses)).optional(),
            voter: z.boolean().optional(),
            present: z.boolean().optional(),
            knowsChairman: z.boolean().optional(),
            caughtUp: z.boolean().optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        term: z.union([
          z.object({ above: z.string(), by: z.number().int().min(1).max(1000).optional() }).strict(),
          z.object({ is: z.string() }).strict(),
        ]),
      })
      .strict(),
    z
      .object({
        entry: z
          .object({
            label,
            on: z.union([z.number().int().min(1).max(15), z.enum(['majority', 'none']), target]),
            committed: z.boolean().optional(),
          })
          .strict(),
      })
      .strict(),
    z.object({ voters: z.number().int().min(1).max(15) }).strict(),
    z.object({ splitVote: z.literal(true) }).strict(),
    z.object({ overwritten: z.object({ on: target }).strict() }).strict(),
    z.object({ snapshot: z.object({ how: z.enum(['taken', 'installed']), on: target }).strict() }).strict(),
    z.object({ wasRole: z.object({ who: target, role: z.enum(roles) }).strict() }).strict(),
    z.object({ committedWithNewerTerm: z.object({ label }).strict() }).strict(),
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

export const waitSchema = z
  .object({
    /** The condition that says the cluster is where the narration says. */
    until: conditionSchema,
    /** What the learner should see happen, shown while waiting and in the timeout message. */
    what: words,
    /** In cluster time: divided by the time scale, so slow motion waits longer. */
    timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /** The condition must hold this long without a break (e.g. "the term stays put for 3 s"). */
    holdMs: z.number().int().min(0).max(60_000).default(0),
    /** Try this many times: on a timeout (or `retryWhen`), the step's actions run again. */
    attempts: z.number().int().min(1).max(20).default(1),
    /** End an attempt early when this holds first (e.g. a chairman was elected without a split vote). */
    retryWhen: conditionSchema.optional(),
    /** Said when the last attempt times out, instead of the generic message. */
    onTimeout: words.optional(),
  })
  .strict();
export type Wait = z.infer<typeof waitSchema>;

export const focusSchema = z
  .object({
    members: z.array(target).max(15).optional(),
    links: z
      .array(z.tuple([target, target]))
      .max(30)
      .optional(),
    books: z.array(target).max(15).optional(),
    /** Entries (by label) to pick out in the minutes books. */
    entries: z.array(label).max(10).optional(),
    term: z.boolean().optional(),
  })
  .strict();
export type Focus = z.infer<typeof focusSchema>;

/** What a name can stand for: a member (a target that names one member) or the cluster's term. */
export const rememberValue = z.union([z.literal('term'), target]);

export const stepSchema = z
  .object({
    narration: words,
    do: z.array(actionSchema).max(30).default([]),
    wait: waitSchema,
    /** Names for later steps, taken once this step's state is reached: { "ill": "chairman" }. */
    remember: z.record(nameSchema, rememberValue).optional(),
    focus: focusSchema.optional(),
  })
  .strict();
export type Step = z.infer<typeof stepSchema>;

export const lessonSchema = z
  .object({
    format: z.literal(LESSON_FORMAT),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an id is lower-case letters, digits and "-"'),
    title: words,
    summary: words,
    /** What the lesson needs of the society; it refuses to start without it. */
    needs: z
      .object({
        members: z.number().int().min(1).max(15).optional(),
        freeze: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /** Settings for the lesson, over those found when it was opened (which are restored on close). */
    settings: z
      .object({
        timeScale: z.number().min(0.01).max(1).optional(),
        preVote: z.boolean().optional(),
        checkQuorum: z.boolean().optional(),
        snapshotThreshold: z.number().int().min(2).max(1_000_000).optional(),
      })
      .strict()
      .default({}),
    steps: z.array(stepSchema).min(1).max(40),
  })
  .strict();
export type Lesson = z.infer<typeof lessonSchema>;
