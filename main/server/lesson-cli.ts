// `npm run lesson -- <id|number|file> [--auto] [--lang hi] [--url U --token T] [--nodes N]`: a guided
// lesson at the terminal. It starts its own real cluster (as `npm run cluster` does), or drives a
// running `npm run web` through its WebSocket API, and prints each step's narration, then waits
// until the cluster really reaches the state the step describes. Interactive: Enter = next,
// p = previous, r = restart, t = try the step again, q = quit. With --auto it goes on by itself and
// exits 0 once the last step is reached, 1 if a step timed out or failed.

import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { LessonError } from '../shared/lessons/load.ts';
import { LessonRunner, type LessonDoor, type RunnerState } from '../shared/lessons/runner.ts';
import { lessonLanguages, type Lesson, type LessonLanguage } from '../shared/lessons/schema.ts';
import { builtinLessons, findLesson } from './lesson-files.ts';
import { connectDoor, supervisorDoor } from './lesson-doors.ts';
import { MAX_NODES } from './options.ts';
import { makeSupervisor } from './web.ts';

export const lessonUsage = [
  'usage: npm run lesson -- <lesson> [options]',
  '  <lesson>            a built-in lesson by number or id, or a lesson file (JSON, see docs/lessons.md)',
  '  --auto              go on to the next step by itself; exit 0 when the lesson is done, 1 if a step fails',
  `  --lang L            narration language: ${lessonLanguages.join(', ')} (default en)`,
  '  --url U             drive a running `npm run web` at U (e.g. http://127.0.0.1:8080) instead of',
  '                      starting a cluster of its own',
  '  --token T           the token of that server (or env RAFT_SOCIETY_TOKEN)',
  `  --nodes N           members of its own cluster, 1-${MAX_NODES} (default 5)`,
  '  --list              list the built-in lessons',
  'keys (without --auto): Enter next, p previous, r restart, t try the step again, q quit',
].join('\n');

interface LessonArgs {
  readonly ref: string | null;
  readonly auto: boolean;
  readonly lang: LessonLanguage;
  readonly url: string | null;
  readonly token: string | null;
  readonly nodes: number;
  readonly list: boolean;
  readonly help: boolean;
}

export class LessonUsageError extends Error {}

export function parseLessonArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LessonArgs {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        auto: { type: 'boolean' },
        lang: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        nodes: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new LessonUsageError(e instanceof Error ? e.message.replace(/\. To specify.*$/s, '') : String(e));
  }
  const o = v.values;
  const lang = o.lang ?? 'en';
  if (!(lessonLanguages as readonly string[]).includes(lang))
    throw new LessonUsageError(`--lang must be one of ${lessonLanguages.join(', ')}, got "${lang}"`);
  const nodes = o.nodes === undefined ? 5 : Number(o.nodes);
  if (!/^\d+$/.test(o.nodes ?? '5') || nodes < 1 || nodes > MAX_NODES)
    throw new LessonUsageError(`--nodes must be a whole number from 1 to ${MAX_NODES}, got "${o.nodes}"`);
  if (o.url !== undefined && !/^https?:\/\/[^/]+/.test(o.url))
    throw new LessonUsageError(`--url must be http://host:port, got "${o.url}"`);
  if (v.positionals.length > 1) throw new LessonUsageError(`one lesson at a time, got ${v.positionals.join(' ')}`);
  const help = o.help === true;
  const list = o.list === true;
  const ref = v.positionals[0] ?? null;
  if (ref === null && !help && !list) throw new LessonUsageError('which lesson? (--list shows them)');
  return {
    ref,
    auto: o.auto === true,
    lang: lang as LessonLanguage,
    url: o.url ?? null,
    token: o.token ?? env.RAFT_SOCIETY_TOKEN ?? null,
    nodes,
    list,
    help,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Prints the runner's progress: each step's narration once, then how its wait went. */
class Narrator {
  private shown = -2;
  private lastPhase = '';
  private readonly lesson: Lesson;
  private readonly lang: LessonLanguage;
  private readonly out: (line: string) => void;

  constructor(lesson: Lesson, lang: LessonLanguage, out: (line: string) => void) {
    this.lesson = lesson;
    this.lang = lang;
    this.out = out;
  }

  update(s: RunnerState): void {
    const steps = this.lesson.steps;
    if (s.step !== this.shown) {
      this.shown = s.step;
      this.lastPhase = '';
      if (s.step < 0) this.out('\n(preparing the society: every link up, every member running, a chairman)');
      else this.out(`\n-- step ${s.step + 1} of ${steps.length} --\n${steps[s.step]!.narration[this.lang]}`);
    }
    const phase = `${s.phase}#${s.attempt}`;
    if (phase === this.lastPhase) return;
    this.lastPhase = phase;
    if (s.step < 0) {
      // Preparing has no wait of its own to narrate, only why it could not be done.
      if (s.problem?.kind === 'failed') this.out(`   failed: ${s.problem.message}`);
      return;
    }
    const step = steps[s.step]!;
    switch (s.phase) {
      case 'waiting':
        this.out(`   ... waiting: ${step.wait.what[this.lang]}${s.attempt > 1 ? ` (try ${s.attempt})` : ''}`);
        return;
      case 'reached':
        this.out(`   ok: reached in ${seconds(s.tookMs ?? 0)}`);
        return;
      case 'timed-out':
        this.out(
          `   timed out after ${seconds(s.problem?.kind === 'timed-out' ? s.problem.afterMs : 0)}: ${step.wait.onTimeout?.[this.lang] ?? step.wait.what[this.lang]}`,
        );
        return;
      case 'failed':
        this.out(`   failed: ${s.problem?.kind === 'failed' ? s.problem.message : ''}`);
        return;
      default:
        return;
    }
  }
}

export interface LessonIo {
  readonly input: Readable;
  readonly output: Writable;
}

/** Run one lesson through `door` until it is done (auto) or the user quits. True if every step was reached. */
export async function runLesson(
  lesson: Lesson,
  door: LessonDoor,
  o: { auto: boolean; lang: LessonLanguage },
  io: LessonIo,
): Promise<boolean> {
  const out = (line: string): void => void io.output.write(`${line}\n`);
  out(`${lesson.title[o.lang]}\n${lesson.summary[o.lang]}`);
  const narrator = new Narrator(lesson, o.lang, out);
  const runner = new LessonRunner(lesson, door, { onChange: (s) => narrator.update(s) });
  try {
    await runner.start();
    if (o.auto) {
      while (runner.state.phase === 'reached' && !runner.finished) await runner.next();
    } else {
      const rl = createInterface({ input: io.input, terminal: false });
      out('(Enter: next, p: previous, r: restart, t: try again, q: quit)');
      for await (const line of rl) {
        const key = line.trim().toLowerCase();
        if (key === 'q') break;
        if (key === '') {
          if (runner.finished) break;
          await runner.next();
        } else if (key === 'p') await runner.previous();
        else if (key === 'r') await runner.restart();
        else if (key === 't') await runner.retry();
        else out('(Enter: next, p: previous, r: restart, t: try again, q: quit)');
        if (runner.finished) out('\nThe lesson is done. Enter or q to leave.');
      }
      rl.close();
    }
    const done = runner.finished;
    out(done ? '\nlesson complete' : '\nlesson not completed');
    return done;
  } finally {
    await runner.close();
  }
}

/** The command line: the exit code. */
export async function main(
  argv: readonly string[],
  io: LessonIo = { input: process.stdin, output: process.stdout },
): Promise<number> {
  let args: LessonArgs;
  let lesson: Lesson;
  try {
    args = parseLessonArgs(argv);
    if (args.help) {
      io.output.write(`${lessonUsage}\n`);
      return 0;
    }
    if (args.list) {
      builtinLessons().forEach((l, i) => io.output.write(`${i + 1}  ${l.id}  ${l.title[args.lang]}\n`));
      return 0;
    }
    lesson = findLesson(args.ref!);
  } catch (e) {
    if (!(e instanceof LessonUsageError || e instanceof LessonError)) throw e;
    process.stderr.write(
      `npm run lesson: ${e.message}\n${e instanceof LessonUsageError ? '(run with --help for the options)\n' : ''}`,
    );
    return 2;
  }
  try {
    if (args.url !== null) {
      const door = await connectDoor(args.url, args.token);
      try {
        return (await runLesson(lesson, door, args, io)) ? 0 : 1;
      } finally {
        door.close();
      }
    }
    const { supervisor, dataDir } = makeSupervisor({
      nodes: args.nodes,
      dataDir: null,
      electionTimeoutMs: [150, 300],
      heartbeatMs: 50,
      timeScale: 1,
    });
    try {
      io.output.write(`starting a society of ${args.nodes} (real member processes, data in ${dataDir})\n`);
      await supervisor.start();
      return (await runLesson(lesson, supervisorDoor(supervisor), args, io)) ? 0 : 1;
    } finally {
      await supervisor.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  } catch (e) {
    process.stderr.write(`npm run lesson: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
