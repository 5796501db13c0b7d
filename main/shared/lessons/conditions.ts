// The condition language, evaluated against the cluster as it is now (a ClusterView) and what the
// event stream showed (the Observer). A target that cannot be resolved now (no chairman yet) makes
// its condition false, not an error: the lesson is waiting for the cluster to get there.

import type { ClusterView, MemberView } from '../contract.ts';
import type { Observer } from './observer.ts';
import type { Condition } from './schema.ts';
import { isMany, resolveTarget, targetOf, TargetError, type TargetScope } from './targets.ts';

export interface ConditionScope extends TargetScope {
  readonly observer: Observer;
  /** The term remembered under a name. */
  term(name: string): number | undefined;
}

const list = <T>(x: T | readonly T[]): readonly T[] => (Array.isArray(x) ? (x as readonly T[]) : [x as T]);

function ids(text: string, scope: ConditionScope): number[] {
  return resolveTarget(targetOf(text), scope);
}

function rememberedTerm(ref: string, scope: ConditionScope): number {
  const value = scope.term(ref.replace(/^@/, ''));
  if (value === undefined) throw new TargetError(`no term is remembered as "${ref}"`);
  return value;
}

const majority = (view: ClusterView): number => Math.floor(view.voters.length / 2) + 1;

function memberHolds(c: Extract<Condition, { member: unknown }>['member'], id: number, scope: ConditionScope): boolean {
  const { view } = scope;
  const m = view.nodes.find((n) => n.id === id);
  if (c.present !== undefined && (m !== undefined) !== c.present) return false;
  if (m === undefined) return c.present === false;
  if (c.role !== undefined && !list(c.role).includes(m.role)) return false;
  if (c.status !== undefined && !list(c.status).includes(m.status)) return false;
  if (c.voter !== undefined && view.voters.includes(id) !== c.voter) return false;
  if (c.knowsChairman !== undefined && (view.leaderId !== null && m.leader === view.leaderId) !== c.knowsChairman)
    return false;
  if (c.caughtUp !== undefined && caughtUp(m, view) !== c.caughtUp) return false;
  return true;
}

function caughtUp(m: MemberView, view: ClusterView): boolean {
  const chair = view.nodes.find((n) => n.id === view.leaderId);
  return chair !== undefined && m.status === 'running' && m.appliedIndex >= chair.commitIndex;
}

/** Where member `id` holds the entry with this label (its book, or a snapshot covering it), or null. */
function locate(label: string, id: number, scope: ConditionScope): number | null {
  const own = scope.observer.indexOf(id, label);
  if (own !== null) return own;
  // Installed from a snapshot: it holds every committed entry up to the snapshot's index.
  const upTo = scope.observer.installedUpTo(id);
  for (const n of scope.view.nodes) {
    const i = scope.observer.indexOf(n.id, label);
    if (i !== null && i <= upTo && i <= n.commitIndex) return i;
  }
  return null;
}

function entryHolds(c: Extract<Condition, { entry: unknown }>['entry'], scope: ConditionScope): boolean {
  const { view } = scope;
  const running = view.nodes.filter((n) => n.status === 'running');
  const has = (n: MemberView): boolean => {
    const i = locate(c.label, n.id, scope);
    return i !== null && (c.committed !== true || n.commitIndex >= i);
  };
  if (c.committed === false) {
    const anywhere = view.nodes.some((n) => {
      const i = locate(c.label, n.id, scope);
      return i !== null && n.commitIndex >= i;
    });
    if (anywhere) return false;
  }
  if (c.on === 'none') return !running.some(has);
  if (typeof c.on === 'number') return running.filter(has).length >= c.on;
  if (c.on === 'majority') return running.filter(has).length >= majority(view);
  // Several members: those of them that run (a crashed member's book cannot be read); one: it must run.
  const on = targetOf(c.on);
  const who = resolveTarget(on, scope);
  const checked = isMany(on)
    ? running.filter((n) => who.includes(n.id))
    : who.map((id) => running.find((n) => n.id === id));
  return checked.length > 0 && checked.every((n) => n !== undefined && has(n));
}

export function holds(c: Condition, scope: ConditionScope): boolean {
  try {
    return evaluate(c, scope);
  } catch (e) {
    if (e instanceof TargetError) return false;
    throw e;
  }
}

function evaluate(c: Condition, scope: ConditionScope): boolean {
  const { view, observer } = scope;
  if ('chairman' in c) {
    const w = c.chairman;
    if (w === 'elected') return view.leaderId !== null;
    if (w === 'none') return view.leaderId === null;
    if ('is' in w) return view.leaderId !== null && ids(w.is, scope).includes(view.leaderId);
    return view.leaderId !== null && !ids(w.not, scope).includes(view.leaderId);
  }
  if ('member' in c) {
    const who = ids(c.member.who, scope);
    return who.every((id) => memberHolds(c.member, id, scope));
  }
  if ('term' in c) {
    const t = c.term;
    if ('is' in t) return view.term === rememberedTerm(t.is, scope);
    return view.term >= rememberedTerm(t.above, scope) + (t.by ?? 1);
  }
  if ('entry' in c) return entryHolds(c.entry, scope);
  if ('voters' in c) return view.voters.length === c.voters;
  if ('splitVote' in c) return observer.splitVote();
  if ('overwritten' in c) return ids(c.overwritten.on, scope).every((id) => observer.overwrote(id));
  if ('snapshot' in c) return ids(c.snapshot.on, scope).every((id) => observer.snapshotSeen(id, c.snapshot.how));
  if ('wasRole' in c)
    return ids(c.wasRole.who, scope).every(
      (id) => observer.wasRole(id, c.wasRole.role) || view.nodes.find((n) => n.id === id)?.role === c.wasRole.role,
    );
  if ('committedWithNewerTerm' in c) return observer.committedWithNewerTerm(c.committedWithNewerTerm.label);
  if ('all' in c) return c.all.every((x) => holds(x, scope));
  if ('any' in c) return c.any.some((x) => holds(x, scope));
  return !holds(c.not, scope);
}
