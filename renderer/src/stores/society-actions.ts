// The common things done to the society, each once, for the buttons and the presenter's hotkeys
// alike: every one goes through the commands store (window.raftSociety.execute), with the same
// running-key as its button so the button shows it busy whoever started it. Each returns what it
// did to whom (for the hotkey's announcement), or null when there was nothing to do.

import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { Settings } from './cluster.ts';
import { useClusterStore, type Member } from './cluster.ts';
import { useCommandsStore } from './commands.ts';

/** The time scales offered, fastest first (1 = real time). */
export const SPEEDS = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01] as const;

/** The speed in SPEEDS nearest to `scale`. */
export function nearestSpeed(scale: number): number {
  return SPEEDS.reduce<number>((best, s) => (Math.abs(s - scale) < Math.abs(best - scale) ? s : best), SPEEDS[0]);
}

export type Switch = keyof Pick<Settings, 'preVote' | 'checkQuorum'>;

export const useSocietyActions = defineStore('society-actions', () => {
  const cluster = useClusterStore();
  const commands = useCommandsStore();

  const ids = computed(() => cluster.memberList.map((m) => m.id));
  const splitAt = computed(() => Math.floor(ids.value.length / 2));
  /** The monsoon of the story: Building C (member 3) cut off, A and B (and the rest) together. */
  const monsoonTarget = computed(() => (ids.value.includes(3) ? 3 : (ids.value.at(-1) ?? null)));

  const alive = (m: Member): boolean => m.status === 'running' || m.status === 'paused' || m.status === 'starting';

  function crashChairman(): Member | null {
    const chair = cluster.leader;
    if (chair !== null) void commands.run('node.crash', { id: chair.id }, `node:${chair.id}`);
    return chair;
  }

  /** Start every crashed member again. */
  function restartCrashed(): Member[] {
    const down = cluster.memberList.filter((m) => !alive(m));
    for (const m of down) void commands.run('node.restart', { id: m.id }, `node:${m.id}`);
    return down;
  }

  /** Thaw every frozen member; if none is frozen, freeze the chairman. */
  function freezeOrThaw(): { readonly thawed: Member[] } | { readonly froze: Member } | null {
    const frozen = cluster.memberList.filter((m) => m.status === 'paused');
    if (frozen.length > 0) {
      for (const m of frozen) void commands.run('node.resume', { id: m.id }, `node:${m.id}`);
      return { thawed: frozen };
    }
    const chair = cluster.leader;
    if (chair === null) return null;
    void commands.run('node.pause', { id: chair.id }, `node:${chair.id}`);
    return { froze: chair };
  }

  /** Cut every connection of member `id`. */
  function isolate(id: number): Member | null {
    const m = cluster.members.get(id);
    if (m === undefined || ids.value.length < 2) return null;
    void commands.run('partition', { groups: [[id], ids.value.filter((x) => x !== id)] }, 'partition');
    return m;
  }

  function split(): void {
    const list = ids.value;
    void commands.run('partition', { groups: [list.slice(0, splitAt.value), list.slice(splitAt.value)] }, 'partition');
  }

  function monsoon(): Member | null {
    return monsoonTarget.value === null ? null : isolate(monsoonTarget.value);
  }

  function heal(): void {
    void commands.run('heal', {});
  }

  function linkCut(a: number, b: number): boolean {
    return cluster.link(a, b)?.state === 'cut' || cluster.link(b, a)?.state === 'cut';
  }

  /** Sever a connection both ways, or restore it if either way is severed; 'cut' or 'up' as it will be. */
  function toggleLink(a: number, b: number): 'cut' | 'up' | null {
    if (a === b || !cluster.members.has(a) || !cluster.members.has(b)) return null;
    const state = linkCut(a, b) ? 'up' : 'cut';
    void commands.run('link.set', { from: a, to: b, state, oneWay: false }, `link:${Math.min(a, b)}-${Math.max(a, b)}`);
    return state;
  }

  function propose(words: string): ReturnType<typeof commands.run> {
    return commands.run('decide', { text: words });
  }

  function addMember(learner: boolean): void {
    void commands.run('member.add', { learner });
  }

  /** Flip PreVote or CheckQuorum; the new value. */
  function toggleSwitch(setting: Switch): boolean {
    const on = !cluster.settings[setting];
    void commands.run('settings.set', { [setting]: on }, setting);
    return on;
  }

  function setSpeed(timeScale: number): void {
    void commands.run('settings.set', { timeScale }, 'speed');
  }

  /** One step faster (+1) or slower (-1) along SPEEDS; the new scale, or null at the end. */
  function stepSpeed(direction: 1 | -1): number | null {
    const at = SPEEDS.indexOf(nearestSpeed(cluster.settings.timeScale) as (typeof SPEEDS)[number]);
    const next = SPEEDS[at - direction];
    if (next === undefined) return null;
    setSpeed(next);
    return next;
  }

  return {
    ids,
    splitAt,
    monsoonTarget,
    crashChairman,
    restartCrashed,
    freezeOrThaw,
    isolate,
    split,
    monsoon,
    heal,
    linkCut,
    toggleLink,
    propose,
    addMember,
    toggleSwitch,
    setSpeed,
    stepSpeed,
  };
});
