// The lesson runner's logic without a cluster: a small scripted society answers the contract's
// commands, so each rule (targets resolved now, fan-out, waiting, holding, retrying, timing out,
// failing, replaying on Previous, restoring on close) can be checked exactly. The built-in lessons
// themselves run on real clusters in test/scripts/lesson-cli.test.ts and test/e2e/lessons.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEvent, ClusterView, CommandResult, MemberView } from '../../main/shared/contract.ts';
import { loadLesson } from '../../main/shared/lessons/load.ts';
import { LessonRunner, type LessonDoor, type RunnerState } from '../../main/shared/lessons/runner.ts';

const words = (en: string) => ({ en, hi: `हिन्दी ${en}` });

/** A society of five in memory: commands change it the obvious way; elections happen when told. */
class Scripted implements LessonDoor {
  readonly calls: { name: string; input: unknown }[] = [];
  readonly listeners = new Set<(b: readonly ClusterEvent[]) => void>();
  leaderId: number | null = 1;
  term = 1;
  settings = { timeScale: 1, preVote: true, checkQuorum: true, snapshotThreshold: 1000 };
  status = new Map<number, MemberView['status']>([1, 2, 3, 4, 5].map((id) => [id, 'running']));
  /** Called after a chairman is crashed: the test decides what the society does. */
  onChairmanCrash: () => void = () => undefined;
  refuse: string | null = null;
  /** False: no member has reported its configuration yet (a society that has just started). */
  votersReported = true;

  view(): ClusterView {
    return {
      term: this.term,
      leaderId: this.leaderId,
      voters: this.votersReported ? [1, 2, 3, 4, 5] : [],
      learners: [],
      nodes: [...this.status].map(([id, status]) => ({
        id,
        name: `m${id}`,
        role: id === this.leaderId ? 'leader' : 'follower',
        term: this.term,
        vote: null,
        leader: this.leaderId,
        commitIndex: 1,
        appliedIndex: 1,
        firstIndex: 1,
        lastIndex: 1,
        status,
        pid: 1,
        address: '',
        progress: [],
      })),
      links: [],
      settings: { ...this.settings, electionTimeoutMs: [150, 300], heartbeatMs: 50, canFreeze: true },
      safety: { properties: [], violations: [] },
    };
  }

  elect(id: number): void {
    this.term++;
    this.leaderId = id;
  }

  execute(name: string, input: unknown): Promise<CommandResult> {
    if (name !== 'cluster.get') this.calls.push({ name, input });
    if (name === this.refuse) return Promise.resolve({ status: 409, body: { error: 'not now' } });
    const id = (input as { id?: number }).id;
    switch (name) {
      case 'cluster.get':
        return Promise.resolve({ status: 200, body: this.view() });
      case 'settings.set':
        Object.assign(this.settings, input);
        this.votersReported = true;
        break;
      case 'node.crash':
        this.status.set(id!, 'crashed');
        if (id === this.leaderId) {
          this.leaderId = null;
          this.onChairmanCrash();
        }
        break;
      case 'node.restart':
        this.status.set(id!, 'running');
        break;
    }
    return Promise.resolve({ status: 200, body: { ok: true } });
  }

  subscribe(listener: (b: readonly ClusterEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  actions(): string[] {
    return this.calls.map((c) => `${c.name} ${JSON.stringify(c.input)}`);
  }
}

function lesson(steps: unknown[], settings: Record<string, unknown> = {}) {
  return loadLesson({ format: 1, id: 't', title: words('T'), summary: words('S'), settings, steps }, 't.json');
}

const chairStep = {
  narration: words('chair'),
  wait: { until: { chairman: 'elected' }, what: words('a chairman') },
  remember: { ill: 'chairman', before: 'term' },
};

test('prepares a known state, resolves targets when acting, and waits for the real state', async () => {
  const s = new Scripted();
  s.status.set(4, 'crashed');
  s.settings.timeScale = 0.5;
  s.onChairmanCrash = () => setTimeout(() => s.elect(3), 60);
  const phases: string[] = [];
  const r = new LessonRunner(
    lesson(
      [
        chairStep,
        {
          narration: words('crash'),
          do: [
            { command: 'node.crash', input: { id: '@ill' } },
            { command: 'link.set', input: { from: 'every follower except @ill', to: 'C', state: 'cut' } },
            { command: 'partition', input: { groups: [['A', 'B'], ['everyone else']] } },
          ],
          wait: { until: { all: [{ chairman: { not: '@ill' } }, { term: { above: '@before' } }] }, what: words('new') },
        },
      ],
      { preVote: false },
    ),
    s,
    { pollMs: 5, onChange: (st: RunnerState) => phases.push(`${st.step}:${st.phase}`) },
  );
  await r.start();
  assert.deepEqual(s.actions().slice(0, 3), [
    'heal {}',
    'node.restart {"id":4}',
    'settings.set {"timeScale":0.5,"preVote":false,"checkQuorum":true,"snapshotThreshold":1000}',
  ]);
  assert.equal(r.state.phase, 'reached');
  s.calls.length = 0;
  await r.next();
  assert.ok(r.finished);
  assert.deepEqual(s.actions(), [
    'node.crash {"id":1}',
    // every follower but the remembered one (and not C itself: a link joins two members)
    'link.set {"from":2,"to":3,"state":"cut"}',
    'link.set {"from":4,"to":3,"state":"cut"}',
    'link.set {"from":5,"to":3,"state":"cut"}',
    'partition {"groups":[[1,2],[3,4,5]]}',
  ]);
  assert.ok(phases.includes('1:acting') && phases.includes('1:waiting') && phases.at(-1) === '1:reached');
  assert.ok(r.state.tookMs! >= 50, 'reached only once the society elected someone');
});

test('a wait that never holds times out, after its attempts, re-running the actions each time', async () => {
  const s = new Scripted();
  s.onChairmanCrash = () => setTimeout(() => s.elect(2), 10);
  const r = new LessonRunner(
    lesson([
      {
        narration: words('try'),
        do: [
          { command: 'node.restart', input: { id: 'every crashed member' } },
          { command: 'node.crash', input: { id: 'chairman' } },
        ],
        wait: {
          until: { splitVote: true },
          what: words('a split vote'),
          timeoutMs: 300,
          attempts: 3,
          retryWhen: { chairman: 'elected' },
        },
      },
    ]),
    s,
    { pollMs: 5 },
  );
  const started = Date.now();
  await r.start();
  assert.equal(r.state.phase, 'timed-out');
  assert.equal(r.state.attempt, 3);
  assert.equal(r.state.problem?.kind, 'timed-out');
  const crashes = s.calls.filter((c) => c.name === 'node.crash').map((c) => (c.input as { id: number }).id);
  assert.deepEqual(crashes, [1, 2, 2], 'each attempt crashed whoever chaired then');
  assert.ok(Date.now() - started < 900, 'retryWhen ended the first two attempts early');
});

test('holdMs needs the condition to hold without a break; timeouts stretch with slow motion', async () => {
  const s = new Scripted();
  const flicker: { timer: ReturnType<typeof setInterval> | null } = { timer: null };
  let steady = false;
  const r = new LessonRunner(
    lesson([
      {
        narration: words('hold'),
        wait: { until: { chairman: 'elected' }, what: words('steady'), timeoutMs: 200, holdMs: 100 },
      },
    ]),
    s,
    {
      pollMs: 5,
      // Once the society is prepared and the step waits, the chairman comes and goes every 40 ms.
      onChange: (st) => {
        if (st.step === 0 && st.phase === 'waiting' && flicker.timer === null && !steady)
          flicker.timer = setInterval(() => (s.leaderId = s.leaderId === null ? 1 : null), 40);
      },
    },
  );
  await r.start();
  if (flicker.timer !== null) clearInterval(flicker.timer);
  assert.equal(r.state.phase, 'timed-out', 'never steady for 100 ms');
  s.leaderId = 1;
  s.settings.timeScale = 0.25;
  steady = true;
  const before = Date.now();
  await r.retry();
  assert.equal(r.state.phase, 'reached');
  assert.ok(Date.now() - before >= 400, 'holdMs 100 at a quarter speed is 400 ms');
});

test('a refused command fails the step and says which; Previous replays; close restores what it found', async () => {
  const s = new Scripted();
  s.onChairmanCrash = () => setTimeout(() => s.elect([...s.status].find(([, st]) => st === 'running')![0]), 5);
  const r = new LessonRunner(
    lesson(
      [
        chairStep,
        {
          narration: words('crash'),
          do: [{ command: 'node.crash', input: { id: '@ill' } }],
          wait: { until: { chairman: { not: '@ill' } }, what: words('new') },
        },
        {
          narration: words('decide'),
          do: [{ command: 'decide', input: { text: 'Paint it {n}' }, repeat: 2 }],
          wait: { until: { chairman: 'elected' }, what: words('still') },
        },
      ],
      { checkQuorum: false },
    ),
    s,
    { pollMs: 5 },
  );
  await r.start();
  await r.next();
  s.refuse = 'decide';
  await r.next();
  assert.equal(r.state.step, 2);
  assert.equal(r.state.phase, 'failed');
  assert.deepEqual(r.state.problem, { kind: 'failed', message: 'decide {"text":"Paint it 1"}: 409 not now' });
  await r.next();
  assert.equal(r.state.step, 2, 'Next waits for the step to be reached');
  s.refuse = null;
  s.calls.length = 0;
  await r.previous();
  assert.equal(r.state.step, 1);
  assert.equal(r.state.phase, 'reached');
  assert.deepEqual(
    s.actions().filter((a) => !a.startsWith('settings')),
    ['heal {}', 'node.restart {"id":1}', 'node.crash {"id":2}'],
    'prepared again (the crashed one restarted) and steps 1-2 replayed: the chairman now is member 2',
  );
  await r.next();
  assert.ok(r.finished);
  assert.deepEqual(
    s.calls.filter((c) => c.name === 'decide').map((c) => c.input),
    [{ text: 'Paint it 1' }, { text: 'Paint it 2' }],
  );
  s.calls.length = 0;
  await r.close();
  assert.deepEqual(s.actions(), [
    'heal {}',
    'node.restart {"id":2}',
    'settings.set {"timeScale":1,"preVote":true,"checkQuorum":true,"snapshotThreshold":1000}',
  ]);
  assert.equal(s.listeners.size, 0, 'unsubscribed');
});

test('a lesson that needs more members than the society has refuses to start, changing nothing', async () => {
  const s = new Scripted();
  const r = new LessonRunner(
    loadLesson(
      { format: 1, id: 'big', title: words('T'), summary: words('S'), needs: { members: 7 }, steps: [chairStep] },
      'big.json',
    ),
    s,
  );
  await r.start();
  assert.equal(r.state.phase, 'failed');
  assert.match(
    r.state.problem?.kind === 'failed' ? r.state.problem.message : '',
    /at least 7 voting members; this one has 5/,
  );
  assert.deepEqual(s.calls, []);
});

test('a society whose voters are not reported yet is counted once it has settled, not refused as empty', async () => {
  const needs = (members: number, s: Scripted): LessonRunner =>
    new LessonRunner(
      loadLesson(
        { format: 1, id: 'n', title: words('T'), summary: words('S'), needs: { members }, steps: [chairStep] },
        'n.json',
      ),
      s,
    );
  const fresh = new Scripted();
  fresh.votersReported = false;
  const fits = needs(5, fresh);
  await fits.start();
  assert.equal(fits.state.phase, 'reached', JSON.stringify(fits.state.problem));

  const small = new Scripted();
  small.votersReported = false;
  const tooBig = needs(7, small);
  await tooBig.start();
  assert.match(
    tooBig.state.problem?.kind === 'failed' ? tooBig.state.problem.message : '',
    /at least 7 voting members; this one has 5/,
  );
});
