// Guided lessons in the window: the catalogue (the built-in lessons, bundled from resources/lessons/
// at build time, and any lesson file opened here), the lesson being taught and its step, and what
// the hall should pick out for the learner. The lesson itself runs in main/shared/lessons' runner,
// through the same door as every other command; it learns what happened from the recording of the
// one event stream this window receives.

import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CommandName, CommandResult } from '../../../main/shared/contract.ts';
import { LessonError, loadLesson, parseLesson } from '../../../main/shared/lessons/load.ts';
import {
  LessonRunner,
  type LessonDoor,
  type Phase,
  type Problem,
  type ResolvedFocus,
  type RunnerState,
} from '../../../main/shared/lessons/runner.ts';
import type { Lesson } from '../../../main/shared/lessons/schema.ts';
import { useRecordingStore } from './recording.ts';

export interface CatalogueEntry {
  readonly lesson: Lesson;
  /** 1, 2, ... for the built-in lessons; null for a lesson opened from a file. */
  readonly number: number | null;
  /** Where it came from: a built-in file name, or the opened file's name. */
  readonly source: string;
}

const bundled = import.meta.glob<unknown>('../../../resources/lessons/*.json', { eager: true, import: 'default' });

/** The built-in lessons in file-name order; one that does not load is reported, not shown. */
function builtIn(): { entries: CatalogueEntry[]; problems: string[] } {
  const entries: CatalogueEntry[] = [];
  const problems: string[] = [];
  for (const path of Object.keys(bundled).sort()) {
    const source = path.replace(/^.*\//, '');
    try {
      entries.push({ lesson: loadLesson(bundled[path], source), number: entries.length + 1, source });
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { entries, problems };
}

const idle: RunnerState = {
  step: -1,
  phase: 'acting',
  attempt: 1,
  problem: null,
  focus: { members: [], links: [], books: [], entries: [], term: false },
  tookMs: null,
};

/** The runner's door: the window's own (window.raftSociety) and the recording of its event stream. */
function windowDoor(recording: ReturnType<typeof useRecordingStore>): LessonDoor {
  return {
    execute(name: CommandName, input: unknown): Promise<CommandResult> {
      const api = window.raftSociety;
      if (api === undefined) return Promise.resolve({ status: 503, body: { error: 'not connected to a cluster' } });
      // The input comes from a lesson that loaded, and the door validates it again like any other.
      return (api.execute as (n: CommandName, i: unknown) => Promise<CommandResult>)(name, input);
    },
    subscribe: (listener) =>
      recording.$onAction(({ name, args, after }) => {
        if (name === 'receive') after(() => listener(args[0]));
      }),
  };
}

export const useLessonsStore = defineStore('lessons', () => {
  const recording = useRecordingStore();
  const initial = builtIn();
  const catalogue = ref<CatalogueEntry[]>(initial.entries);
  /** Built-in lessons that did not load (a broken build), said in the chooser. */
  const problems = ref<string[]>(initial.problems);
  const chooserOpen = ref(false);
  /** Why the last lesson file could not be opened; nothing else changed. */
  const fileError = ref<string | null>(null);

  const active = shallowRef<CatalogueEntry | null>(null);
  /** The runner's state as it last said it. */
  const progress = shallowRef<RunnerState>(idle);
  const step = computed(() => progress.value.step);
  const state = computed<Phase>(() => progress.value.phase);
  const attempt = computed(() => progress.value.attempt);
  const problem = computed<Problem | null>(() => progress.value.problem);
  const tookMs = computed(() => progress.value.tookMs);
  const focus = computed<ResolvedFocus>(() => progress.value.focus);
  let runner: LessonRunner | null = null;
  /** The last lesson's close (putting the society back): the next lesson starts after it. */
  let closing: Promise<void> = Promise.resolve();

  const lesson = computed(() => active.value?.lesson ?? null);
  const current = computed(() => (step.value < 0 ? null : (lesson.value?.steps[step.value] ?? null)));
  const finished = computed(
    () => lesson.value !== null && step.value === lesson.value.steps.length - 1 && state.value === 'reached',
  );

  /** Teach this lesson from its first step (closing any other first). */
  async function start(entry: CatalogueEntry): Promise<void> {
    await close();
    await closing;
    chooserOpen.value = false;
    active.value = entry;
    const r = new LessonRunner(entry.lesson, windowDoor(recording), {
      onChange: (s) => {
        if (runner === r) progress.value = s;
      },
    });
    runner = r;
    await r.start();
  }

  async function open(id: string): Promise<void> {
    const entry = catalogue.value.find((c) => c.lesson.id === id);
    if (entry !== undefined) await start(entry);
  }

  /** Open an instructor's lesson file: validated like the built-in ones; a bad one changes nothing. */
  async function openFile(file: File): Promise<void> {
    let lesson: Lesson;
    try {
      lesson = parseLesson(await file.text(), file.name);
    } catch (e) {
      fileError.value = e instanceof LessonError ? e.message : `${file.name}: ${String(e)}`;
      return;
    }
    fileError.value = null;
    const entry: CatalogueEntry = { lesson, number: null, source: file.name };
    // Listed after the built-in ones; a file opened again replaces its earlier version.
    catalogue.value = [...catalogue.value.filter((c) => c.number !== null || c.lesson.id !== lesson.id), entry];
    await start(entry);
  }

  const next = (): Promise<void> => runner?.next() ?? Promise.resolve();
  const previous = (): Promise<void> => runner?.previous() ?? Promise.resolve();
  const restart = (): Promise<void> => runner?.restart() ?? Promise.resolve();
  const retry = (): Promise<void> => runner?.retry() ?? Promise.resolve();

  /** Leave the lesson; the society is put back as the lesson found it. */
  async function close(): Promise<void> {
    const r = runner;
    runner = null;
    active.value = null;
    progress.value = idle;
    if (r !== null) closing = r.close();
    await closing;
  }

  return {
    catalogue,
    problems,
    chooserOpen,
    fileError,
    active,
    lesson,
    step,
    current,
    state,
    attempt,
    problem,
    tookMs,
    focus,
    finished,
    start,
    open,
    openFile,
    next,
    previous,
    restart,
    retry,
    close,
  };
});
