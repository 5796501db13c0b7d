// Symbolic targets: how a lesson names members without knowing their ids in advance. Resolved at
// run time against the cluster as it is then, and the names remembered by earlier steps.
//
//   chairman                      the member leading now
//   a follower                    a running follower not yet remembered (the lowest id)
//   newest member                 the member with the highest id
//   A ... O                       a building letter (member 1 is Building A)
//   @name                         the member remembered as name
//   every member | every follower | every crashed member | every paused member
//                                 several at once (an action runs once for each), optionally
//                                 "... except @a, @b"
//   everyone else                 in a partition's groups: every member not in another group

import type { ClusterView } from '../contract.ts';

/** A target that cannot be resolved now: the step fails with this message. */
export class TargetError extends Error {}

export type Target =
  | { readonly kind: 'chairman' }
  | { readonly kind: 'a follower' }
  | { readonly kind: 'newest member' }
  | { readonly kind: 'building'; readonly id: number }
  | { readonly kind: 'name'; readonly name: string }
  | {
      readonly kind: 'every';
      readonly which: 'member' | 'follower' | 'crashed member' | 'paused member';
      readonly except: readonly string[];
    }
  | { readonly kind: 'everyone else' };

const NAME = '[a-z][a-zA-Z0-9-]{0,39}';
const everyPattern = new RegExp(
  `^every (member|follower|crashed member|paused member)(?: except (@${NAME}(?:, @${NAME})*))?$`,
);

/** The target a string stands for, or why it stands for none. */
export function parseTarget(text: string): Target | string {
  if (text === 'chairman' || text === 'a follower' || text === 'newest member' || text === 'everyone else')
    return { kind: text };
  if (/^[A-O]$/.test(text)) return { kind: 'building', id: text.charCodeAt(0) - 64 };
  if (new RegExp(`^@${NAME}$`).test(text)) return { kind: 'name', name: text.slice(1) };
  const every = everyPattern.exec(text);
  if (every !== null)
    return {
      kind: 'every',
      which: every[1] as 'member' | 'follower' | 'crashed member' | 'paused member',
      except: every[2] === undefined ? [] : every[2].split(', ').map((n) => n.slice(1)),
    };
  return `"${text}" is not a target: use chairman, a follower, newest member, a building letter A-O, @name, every member / follower / crashed member / paused member (optionally "except @name"), or everyone else`;
}

/** The target of a string from a lesson that loaded (so it parses); TargetError otherwise. */
export function targetOf(text: string): Target {
  const t = parseTarget(text);
  if (typeof t === 'string') throw new TargetError(t);
  return t;
}

export function targetProblem(text: string): string | null {
  const t = parseTarget(text);
  return typeof t === 'string' ? t : null;
}

/** The names a target refers to (to check they were remembered before). */
export function namesIn(t: Target): readonly string[] {
  return t.kind === 'name' ? [t.name] : t.kind === 'every' ? t.except : [];
}

export const isMany = (t: Target): boolean => t.kind === 'every' || t.kind === 'everyone else';

export interface TargetScope {
  readonly view: ClusterView;
  /** The member remembered under a name (undefined: not a member name). */
  member(name: string): number | undefined;
  /** Members remembered under any name ("a follower" picks someone else). */
  readonly remembered: ReadonlySet<number>;
}

/** The member ids a target stands for now. "everyone else" is resolved by the partition, not here. */
export function resolveTarget(t: Target, scope: TargetScope): number[] {
  const { view } = scope;
  const ids = view.nodes.map((n) => n.id);
  switch (t.kind) {
    case 'chairman':
      if (view.leaderId === null) throw new TargetError('there is no chairman right now');
      return [view.leaderId];
    case 'a follower': {
      const f = view.nodes.find(
        (n) => n.status === 'running' && n.role === 'follower' && n.id !== view.leaderId && !scope.remembered.has(n.id),
      );
      if (f === undefined) throw new TargetError('no running follower is left to choose');
      return [f.id];
    }
    case 'newest member':
      return [Math.max(...ids)];
    case 'building':
      if (!ids.includes(t.id))
        throw new TargetError(
          `there is no Building ${String.fromCharCode(64 + t.id)} (member ${t.id}) in this society`,
        );
      return [t.id];
    case 'name': {
      const id = scope.member(t.name);
      if (id === undefined) throw new TargetError(`nothing is remembered as "${t.name}"`);
      return [id];
    }
    case 'every': {
      const except = new Set(t.except.map((n) => scope.member(n)));
      return view.nodes
        .filter((n) => {
          if (except.has(n.id)) return false;
          switch (t.which) {
            case 'member':
              return true;
            case 'follower':
              return n.id !== view.leaderId;
            case 'crashed member':
              return n.status === 'crashed';
            case 'paused member':
              return n.status === 'paused';
          }
        })
        .map((n) => n.id);
    }
    case 'everyone else':
      throw new TargetError('"everyone else" only makes sense in a partition\'s groups');
  }
}
