// The nemesis of the real cluster: at random moments, through the API, one fault from the
// simulator's vocabulary (test/sim/nemesis.ts; the partition shapes are shared, test/lib/fault-shapes.ts):
// crashes (the leader, anyone; SIGKILL) and restarts, freezes (SIGSTOP) and thaws, partitions
// (halves, the leader isolated, a bridge, a ring), one-way cuts, delay and loss, membership changes
// and leadership transfers. Crashed and frozen members come back after a while. At most a minority
// of the voters is down at once, so the cluster can usually make progress; safety must hold anyway.

import {
  bridgeLinks,
  deafLeaderLinks,
  halves,
  isolatedLeader,
  oneWayLink,
  ringLinks,
  type Link,
} from '../lib/fault-shapes.ts';
import { describe, sleep, type ApiAnswer, type RunContext, type View } from './api-client.ts';

export const faultKinds = [
  'crash leader',
  'crash',
  'crash and restart at once',
  'freeze leader',
  'freeze',
  'partition: halves',
  'partition: isolated leader',
  'partition: bridge',
  'partition: ring',
  'one-way cut',
  'deaf leader',
  'delay and loss',
  'add voter',
  'add learner',
  'promote learner',
  'remove member',
  'remove leader',
  'leader transfer',
  'heal',
] as const;
export type FaultKind = (typeof faultKinds)[number];
/** What the nemesis does: a fault, or undoing one (a crashed member restarted, a frozen one thawed). */
export type Action = FaultKind | 'restart' | 'thaw';

/** One API call the nemesis made, for the failure file. */
export interface ScheduledCall {
  /** ms since the run started. */
  readonly at: number;
  readonly action: Action;
  readonly call: string;
  readonly answer: string;
}

export interface NemesisOptions {
  /** Pause between faults, ms. */
  readonly intervalMs: readonly [number, number];
  /** How long a crashed member stays down, or a frozen one frozen, ms. */
  readonly downMs: readonly [number, number];
  /** Members at most (membership changes add up to this many). */
  readonly maxMembers: number;
}

export const defaultNemesis: NemesisOptions = { intervalMs: [300, 1500], downMs: [200, 3000], maxMembers: 7 };

/** Heal first, so partitions and cuts come and go; the rest equally often. */
const menu: readonly FaultKind[] = [...faultKinds, 'heal'];

export class Nemesis {
  readonly schedule: ScheduledCall[] = [];
  /** Per action: how often it was done, and how many of those the API refused or did not finish. */
  readonly counts = new Map<Action, { done: number; refused: number }>();
  /** API answers no fault explains (a member that did not restart, an internal error). */
  readonly unexpected: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly recovering = new Set<Promise<unknown>>();
  private readonly ctx: RunContext;
  private readonly o: NemesisOptions;

  constructor(ctx: RunContext, o: NemesisOptions) {
    this.ctx = ctx;
    this.o = o;
  }

  /** Strike at random moments for `ms`. */
  async run(ms: number): Promise<void> {
    const until = performance.now() + ms;
    for (;;) {
      await sleep(this.ctx.r.int(this.o.intervalMs[0], this.o.intervalMs[1]));
      if (performance.now() >= until) return;
      const view = await this.ctx.api.view();
      // Some faults do not apply right now (no leader, too many down): draw again.
      for (let tries = 0; tries < 5; tries++) if (await this.strike(this.ctx.r.pick(menu), view)) break;
    }
  }

  /** Stop striking, then heal: every link up, every member running. */
  async quiesce(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.recovering);
    await this.call('heal', 'POST', '/api/heal');
    for (const n of (await this.ctx.api.view()).nodes) {
      if (n.status === 'paused') await this.call('thaw', 'POST', `/api/nodes/${n.id}/resume`);
      if (n.status === 'crashed') await this.call('restart', 'POST', `/api/nodes/${n.id}/restart`);
    }
  }

  private async call(action: Action, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
    const at = performance.now() - this.ctx.t0;
    const answer = await this.ctx.api.call(method, path, body);
    this.schedule.push({
      at,
      action,
      call: `${method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`}`,
      answer: describe(answer),
    });
    // 503/504: no majority to commit a membership change in time, under faults that is expected.
    if (answer.status === null || (answer.status >= 500 && answer.status !== 503 && answer.status !== 504)) {
      this.unexpected.push(`${action}: ${method} ${path} -> ${describe(answer)}`);
    }
    return answer;
  }

  /** Count one action once, however many calls it took. */
  private count(action: Action, answers: readonly ApiAnswer[]): true {
    const c = this.counts.get(action) ?? { done: 0, refused: 0 };
    this.counts.set(action, {
      done: c.done + 1,
      refused: c.refused + (answers.every((a) => a.status === 200) ? 0 : 1),
    });
    return true;
  }

  private async one(action: Action, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<true> {
    return this.count(action, [await this.call(action, method, path, body)]);
  }

  private async cuts(action: FaultKind, links: readonly Link[], oneWay: boolean): Promise<boolean> {
    if (links.length === 0) return false;
    const answers: ApiAnswer[] = [];
    for (const [from, to] of links)
      answers.push(await this.call(action, 'POST', '/api/links', { from, to, state: 'cut', oneWay }));
    return this.count(action, answers);
  }

  /** Undo later: restart a crashed member, thaw a frozen one. */
  private later(action: 'restart' | 'thaw', id: number): void {
    const path = `/api/nodes/${id}/${action === 'restart' ? 'restart' : 'resume'}`;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        const p = this.one(action, 'POST', path).finally(() => this.recovering.delete(p));
        this.recovering.add(p);
      },
      this.ctx.r.int(this.o.downMs[0], this.o.downMs[1]),
    );
    this.timers.add(timer);
  }

  /** Apply one fault; false when it does not apply to the cluster as it is. */
  private async strike(kind: FaultKind, v: View): Promise<boolean> {
    const ids = v.nodes.map((n) => n.id);
    const running = v.nodes.filter((n) => n.status === 'running').map((n) => n.id);
    const leader = v.leaderId !== null && running.includes(v.leaderId) ? v.leaderId : null;
    const down = v.voters.filter((id) => !running.includes(id)).length;
    // Taking member `id` down must leave a majority of the voters running.
    const mayTakeDown = (id: number): boolean => !v.voters.includes(id) || down < Math.floor((v.voters.length - 1) / 2);
    const victims = running.filter(mayTakeDown);
    const others = (id: number | null): number[] => v.voters.filter((x) => x !== id && running.includes(x));
    switch (kind) {
      case 'crash leader':
      case 'crash':
      case 'crash and restart at once': {
        const id = kind === 'crash leader' ? leader : victims.length > 0 ? this.ctx.r.pick(victims) : null;
        if (id === null || !mayTakeDown(id)) return false;
        const crashed = await this.call(kind, 'POST', `/api/nodes/${id}/crash`);
        if (kind !== 'crash and restart at once') {
          this.later('restart', id);
          return this.count(kind, [crashed]);
        }
        return this.count(kind, [crashed, await this.call(kind, 'POST', `/api/nodes/${id}/restart`)]);
      }
      case 'freeze leader':
      case 'freeze': {
        const id = kind === 'freeze leader' ? leader : victims.length > 0 ? this.ctx.r.pick(victims) : null;
        if (id === null || !mayTakeDown(id)) return false;
        await this.one(kind, 'POST', `/api/nodes/${id}/pause`);
        this.later('thaw', id);
        return true;
      }
      case 'partition: halves':
        return this.one(kind, 'POST', '/api/partition', { groups: halves(this.ctx.r, ids) });
      case 'partition: isolated leader':
        return leader !== null && this.one(kind, 'POST', '/api/partition', { groups: isolatedLeader(leader, ids) });
      case 'partition: bridge':
        return this.cuts(kind, bridgeLinks(this.ctx.r, ids), false);
      case 'partition: ring':
        return this.cuts(kind, ringLinks(this.ctx.r, ids), false);
      case 'one-way cut':
        return this.cuts(kind, [oneWayLink(this.ctx.r, ids)], true);
      case 'deaf leader':
        return leader !== null && this.cuts(kind, deafLeaderLinks(leader, ids), true);
      case 'delay and loss': {
        const answers: ApiAnswer[] = [];
        for (let i = this.ctx.r.int(1, 3); i > 0; i--) {
          const [from, to] = oneWayLink(this.ctx.r, ids);
          const fault = {
            from,
            to,
            delayMs: this.ctx.r.int(0, 80),
            jitterMs: this.ctx.r.int(0, 40),
            loss: this.ctx.r.int(0, 30) / 100,
            duplicate: this.ctx.r.int(0, 5) / 100,
            oneWay: this.ctx.r.chance(0.5),
          };
          answers.push(await this.call(kind, 'POST', '/api/links/fault', fault));
        }
        return this.count(kind, answers);
      }
      case 'add voter':
      case 'add learner':
        return (
          ids.length < this.o.maxMembers && this.one(kind, 'POST', '/api/members', { learner: kind === 'add learner' })
        );
      case 'promote learner':
        return v.learners.length > 0 && this.one(kind, 'POST', `/api/members/${this.ctx.r.pick(v.learners)}/promote`);
      case 'remove member': {
        const candidates = [...v.voters, ...v.learners].filter((id) => id !== leader && ids.includes(id));
        return (
          v.voters.length > 3 &&
          candidates.length > 0 &&
          this.one(kind, 'DELETE', `/api/members/${this.ctx.r.pick(candidates)}`)
        );
      }
      case 'remove leader':
        return v.voters.length > 3 && leader !== null && this.one(kind, 'DELETE', `/api/members/${leader}`);
      case 'leader transfer':
        return (
          leader !== null &&
          others(leader).length > 0 &&
          this.one(kind, 'POST', '/api/leader', { to: this.ctx.r.pick(others(leader)) })
        );
      case 'heal':
        return this.one(kind, 'POST', '/api/heal');
    }
  }
}
