// Runs a lesson on a real cluster through any door of the contract: the window (window.raftSociety),
// the supervisor itself (`npm run lesson`), or the WebSocket API of `npm run web`. Each step runs its
// actions, then polls the cluster (cluster.get) and reads the event stream until its condition
// holds, or times out. It never pretends: a step is "reached" only when the real cluster got there.
//
// Opening a lesson notes the settings and members as found; before step 1 the society is brought
// to a known state (every link up, every member running, the lesson's settings, a chairman that
// everyone follows), and closing puts the found settings and members back. Previous and Restart
// bring the society to that known state again and replay the steps before the one shown.

import type { ClusterEvent, ClusterView, CommandName, CommandResult } from '../contract.ts';
import { holds, type ConditionScope } from './conditions.ts';
import { fillRepeat, memberFields } from './load.ts';
import { Observer } from './observer.ts';
import type { Action, Condition, Focus, Lesson, Step, Wait } from './schema.ts';
import { resolveTarget, targetOf, TargetError } from './targets.ts';

/** What the runner needs of a door: the contract's commands and the live event stream. */
export interface LessonDoor {
  execute(name: CommandName, input: unknown): Promise<CommandResult>;
  /** Events from now on, in order; returns the function that stops them. */
  subscribe(listener: (batch: readonly ClusterEvent[]) => void): () => void;
}

export type Phase = 'acting' | 'waiting' | 'reached' | 'timed-out' | 'failed';

export type Problem =
  | { readonly kind: 'timed-out'; readonly afterMs: number }
  /** A command was refused, a target could not be found, or the society lacks what the lesson needs. */
  | { readonly kind: 'failed'; readonly message: string };

export interface ResolvedFocus {
  readonly members: readonly number[];
  readonly links: readonly (readonly [number, number])[];
  readonly books: readonly number[];
  readonly entries: readonly string[];
  readonly term: boolean;
}

export interface RunnerState {
  /** The step shown (0-based); -1 while the society is being prepared for step 1. */
  readonly step: number;
  readonly phase: Phase;
  readonly attempt: number;
  readonly problem: Problem | null;
  readonly focus: ResolvedFocus;
  /** How long the step took to reach its state (actions and wait), once reached. */
  readonly tookMs: number | null;
}

export interface RunnerOptions {
  readonly onChange?: (state: RunnerState) => void;
  /** How often the cluster is read while waiting. */
  readonly pollMs?: number;
}

type Remembered = { readonly kind: 'member'; readonly id: number } | { readonly kind: 'term'; readonly value: number };

/** The society as the lesson found it, put back on close. */
interface Found {
  readonly settings: Pick<ClusterView['settings'], 'timeScale' | 'preVote' | 'checkQuorum' | 'snapshotThreshold'>;
  readonly members: readonly number[];
}

const noFocus: ResolvedFocus = { members: [], links: [], books: [], entries: [], term: false };
/** The known state every lesson starts from: everyone up, following one chairman, caught up. */
const settled: Condition = {
  all: [
    { chairman: 'elected' },
    { member: { who: 'every member', status: 'running', knowsChairman: true, caughtUp: true } },
  ],
};
const PREPARE_TIMEOUT_MS = 20_000;

class Cancelled extends Error {}
class StepFailed extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function errorOf(r: CommandResult): string {
  const body = r.body as { error?: unknown } | null;
  return typeof body?.error === 'string' ? body.error : JSON.stringify(r.body);
}

export class LessonRunner {
  readonly lesson: Lesson;
  private readonly door: LessonDoor;
  private readonly o: Required<RunnerOptions>;
  private readonly observer = new Observer();
  private readonly remembered = new Map<string, Remembered>();
  private unsubscribe: (() => void) | null = null;
  private found: Found | null = null;
  /** Bumped by every navigation: older loops notice and stop. */
  private generation = 0;
  private current: RunnerState = { step: -1, phase: 'acting', attempt: 1, problem: null, focus: noFocus, tookMs: null };

  constructor(lesson: Lesson, door: LessonDoor, options: RunnerOptions = {}) {
    this.lesson = lesson;
    this.door = door;
    this.o = { onChange: () => undefined, pollMs: 100, ...options };
  }

  get state(): RunnerState {
    return this.current;
  }

  /** The last step is shown and its state reached. */
  get finished(): boolean {
    return this.current.step === this.lesson.steps.length - 1 && this.current.phase === 'reached';
  }

  private set(patch: Partial<RunnerState>): void {
    this.current = { ...this.current, ...patch };
    this.o.onChange(this.current);
  }

  /** Prepare the society and run step 1. Resolves when it is reached (or timed out, or failed). */
  start(): Promise<void> {
    this.unsubscribe ??= this.door.subscribe((batch) => {
      for (const e of batch) this.observer.add(e);
    });
    return this.goTo(0);
  }

  /** Run the next step; only once the current one has reached its state. */
  async next(): Promise<void> {
    const { step, phase } = this.current;
    if (phase !== 'reached' || step >= this.lesson.steps.length - 1) return;
    const gen = ++this.generation;
    await this.guard(() => this.runStep(step + 1, gen));
  }

  /** Back to the previous step: the society is prepared again and the steps before it replayed. */
  previous(): Promise<void> {
    return this.goTo(Math.max(0, this.current.step - 1));
  }

  restart(): Promise<void> {
    return this.goTo(0);
  }

  /** Run the shown step again (after a timeout or a refusal), from the cluster as it is now. */
  async retry(): Promise<void> {
    const gen = ++this.generation;
    await this.guard(() => this.runStep(Math.max(0, this.current.step), gen));
  }

  /** Stop, and put the society back as found: links up, members running, settings and members as they were. */
  async close(): Promise<void> {
    ++this.generation;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.found === null) return;
    await this.tidy(this.found).catch(() => undefined);
    await this.command('settings.set', this.found.settings).catch(() => undefined);
  }

  private async goTo(target: number): Promise<void> {
    const gen = ++this.generation;
    await this.guard(async () => {
      this.set({ step: -1, phase: 'acting', attempt: 1, problem: null, focus: noFocus, tookMs: null });
      await this.prepare(gen);
      for (let i = 0; i <= target; i++) if (!(await this.runStep(i, gen))) return;
    });
  }

  /** Run a navigation; a newer one cancels it quietly, a failure is shown as the step's problem. */
  private async guard(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (e instanceof Cancelled) return;
      const message = e instanceof Error ? e.message : String(e);
      this.set({ phase: 'failed', problem: { kind: 'failed', message } });
    }
  }

  private alive(gen: number): void {
    if (gen !== this.generation) throw new Cancelled();
  }

  private async command(name: CommandName, input: unknown): Promise<CommandResult> {
    const r = await this.door.execute(name, input);
    if (r.status !== 200) throw new StepFailed(`${name} ${JSON.stringify(input)}: ${r.status} ${errorOf(r)}`);
    return r;
  }

  private async view(): Promise<ClusterView> {
    return (await this.command('cluster.get', {})).body as ClusterView;
  }

  // ---- the known state -------------------------------------------------------------------

  private async prepare(gen: number): Promise<void> {
    const view = await this.view();
    this.alive(gen);
    this.found ??= {
      settings: {
        timeScale: view.settings.timeScale,
        preVote: view.settings.preVote,
        checkQuorum: view.settings.checkQuorum,
        snapshotThreshold: view.settings.snapshotThreshold,
      },
      members: view.nodes.map((n) => n.id),
    };
    const needs = this.lesson.needs;
    const enoughVoters = (voters: number): void => {
      if (needs.members !== undefined && voters < needs.members)
        throw new StepFailed(
          `this lesson needs a society of at least ${needs.members} voting members; this one has ${voters}`,
        );
    };
    // A society that has just started lists its voters once a member reports its configuration; until
    // then they are counted after it has settled.
    if (view.voters.length > 0) enoughVoters(view.voters.length);
    if (needs.freeze === true && !view.settings.canFreeze)
      throw new StepFailed('this lesson freezes members, which this operating system cannot do (no SIGSTOP)');
    this.remembered.clear();
    await this.tidy(this.found);
    this.alive(gen);
    await this.command('settings.set', { ...this.found.settings, ...this.lesson.settings });
    const reached = await this.waitUntil(settled, { timeoutMs: PREPARE_TIMEOUT_MS, holdMs: 0 }, gen);
    if (reached !== 'reached')
      throw new StepFailed('the society did not settle (every member running and following one chairman) in time');
    enoughVoters((await this.view()).voters.length);
  }

  /** Every link up, every member running, members added since the lesson opened removed again. */
  private async tidy(found: Found): Promise<void> {
    await this.command('heal', {});
    const view = await this.view();
    for (const n of view.nodes) {
      if (n.status === 'paused') await this.command('node.resume', { id: n.id });
      if (n.status === 'crashed' || n.status === 'stopped') await this.command('node.restart', { id: n.id });
    }
    for (const n of view.nodes) if (!found.members.includes(n.id)) await this.command('member.remove', { id: n.id });
  }

  // ---- steps ---------------------------------------------------------------------------------

  /** Run step `i`: its actions, then its wait (with its attempts). True when its state is reached. */
  private async runStep(i: number, gen: number): Promise<boolean> {
    const step = this.lesson.steps[i]!;
    const began = Date.now();
    this.set({ step: i, phase: 'acting', attempt: 1, problem: null, tookMs: null, focus: noFocus });
    const { attempts } = step.wait;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      this.alive(gen);
      this.observer.mark();
      this.set({ phase: 'acting', attempt });
      for (const a of step.do) await this.act(a, gen);
      this.set({ phase: 'waiting', focus: this.resolveFocus(step.focus, await this.view()) });
      const outcome = await this.waitUntil(step.wait.until, step.wait, gen, step, attempt < attempts);
      if (outcome === 'reached') {
        const view = await this.view();
        this.remember(step, view);
        this.set({ phase: 'reached', focus: this.resolveFocus(step.focus, view), tookMs: Date.now() - began });
        return true;
      }
    }
    this.set({ phase: 'timed-out', problem: { kind: 'timed-out', afterMs: Date.now() - began } });
    return false;
  }

  private scope(view: ClusterView): ConditionScope {
    const remembered = this.remembered;
    return {
      view,
      observer: this.observer,
      remembered: new Set([...remembered.values()].flatMap((r) => (r.kind === 'member' ? [r.id] : []))),
      member: (name) => {
        const r = remembered.get(name);
        return r?.kind === 'member' ? r.id : undefined;
      },
      term: (name) => {
        const r = remembered.get(name);
        return r?.kind === 'term' ? r.value : undefined;
      },
    };
  }

  private remember(step: Step, view: ClusterView): void {
    for (const [name, what] of Object.entries(step.remember ?? {})) {
      if (what === 'term') {
        this.remembered.set(name, { kind: 'term', value: view.term });
        continue;
      }
      const [id] = resolveTarget(targetOf(what), this.scope(view));
      this.remembered.set(name, { kind: 'member', id: id! });
    }
  }

  /**
   * Poll until `until` holds (for `holdMs` without a break), the step's retryWhen holds (when it may
   * still retry), or the timeout passes. Times are cluster time: stretched by the time scale.
   */
  private async waitUntil(
    until: Condition,
    wait: Pick<Wait, 'timeoutMs' | 'holdMs'>,
    gen: number,
    step: Step | null = null,
    canRetry = false,
  ): Promise<'reached' | 'retry' | 'timeout'> {
    let view = await this.view();
    const stretch = 1 / view.settings.timeScale;
    const deadline = Date.now() + wait.timeoutMs * stretch;
    let heldSince: number | null = null;
    for (;;) {
      this.alive(gen);
      const scope = this.scope(view);
      if (holds(until, scope)) {
        heldSince ??= Date.now();
        if (Date.now() - heldSince >= wait.holdMs * stretch) return 'reached';
      } else heldSince = null;
      const retryWhen = step?.wait.retryWhen;
      if (canRetry && retryWhen !== undefined && holds(retryWhen, scope)) return 'retry';
      if (Date.now() > deadline) return 'timeout';
      await sleep(this.o.pollMs);
      view = await this.view();
      // What to look at follows the cluster: "the chairman" is whoever leads now.
      if (step !== null) this.set({ focus: this.resolveFocus(step.focus, view) });
    }
  }

  /** One action: its targets resolved now, once per member for "every ...", `repeat` times. */
  private async act(a: Action, gen: number): Promise<void> {
    for (let n = 1; n <= a.repeat; n++) {
      const view = await this.view();
      this.alive(gen);
      const input = fillRepeat(a.input, n) as Record<string, unknown>;
      for (const concrete of this.expand(input, a.command, view)) {
        if (!a.await) {
          // Sent, not awaited: the step's wait says what must happen.
          void this.door.execute(a.command, concrete).catch(() => undefined);
          continue;
        }
        await this.command(a.command, concrete);
        this.alive(gen);
      }
    }
  }

  /** The concrete inputs for one action: targets replaced by ids, one input per combination. */
  private expand(input: Record<string, unknown>, command: CommandName, view: ClusterView): Record<string, unknown>[] {
    const scope = this.scope(view);
    let inputs: Record<string, unknown>[] = [{ ...input }];
    for (const field of memberFields) {
      const v = input[field];
      if (typeof v !== 'string') continue;
      const ids = resolveTarget(targetOf(v), scope);
      inputs = inputs.flatMap((x) => ids.map((id) => ({ ...x, [field]: id })));
    }
    inputs = inputs.filter((x) => x.from === undefined || x.from !== x.to);
    if (command === 'partition' && Array.isArray(input.groups)) {
      const groups = (input.groups as unknown[][]).map((g) =>
        g.flatMap((v) =>
          v === 'everyone else' ? ['else' as const] : typeof v === 'string' ? resolveTarget(targetOf(v), scope) : [v],
        ),
      );
      const named = new Set(groups.flat().filter((v) => v !== 'else'));
      const rest = view.nodes.map((n) => n.id).filter((id) => !named.has(id));
      const filled = groups.map((g) => [...new Set(g.flatMap((v) => (v === 'else' ? rest : [v])))]);
      inputs = inputs.map((x) => ({ ...x, groups: filled }));
    }
    return inputs;
  }

  private resolveFocus(focus: Focus | undefined, view: ClusterView): ResolvedFocus {
    if (focus === undefined) return noFocus;
    const scope = this.scope(view);
    const ids = (text: string): number[] => {
      try {
        return resolveTarget(targetOf(text), scope);
      } catch (e) {
        if (e instanceof TargetError) return []; // nobody to show (yet): no chairman, say
        throw e;
      }
    };
    return {
      members: [...new Set((focus.members ?? []).flatMap(ids))],
      books: [...new Set((focus.books ?? []).flatMap(ids))],
      links: (focus.links ?? []).flatMap(([a, b]) =>
        ids(a).flatMap((x) => ids(b).flatMap((y) => (x === y ? [] : [[x, y] as const]))),
      ),
      entries: focus.entries ?? [],
      term: focus.term ?? false,
    };
  }
}
