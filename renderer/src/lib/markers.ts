// The moments worth finding again on the timeline: elections (and who won), crashes, restarts,
// freezes, changes to the network, the configuration and the settings, safety violations. Found
// while the events are applied to the newest state, from the event and the state just before it.

import type { ClusterEvent, Network, SettingsView } from '../../../main/shared/contract.ts';
import { configurationOf, type Configuration, type SocietyState } from './society-state.ts';

export type Marker = { readonly seq: number; readonly at: number } & (
  | { readonly kind: 'election'; readonly node: number; readonly name: string; readonly term: number }
  | { readonly kind: 'crash' | 'restart' | 'freeze' | 'thaw'; readonly node: number; readonly name: string }
  /** Cut and misbehaving directed links after the change. */
  | { readonly kind: 'network'; readonly cut: number; readonly faulty: number }
  | { readonly kind: 'heal' }
  | { readonly kind: 'membership'; readonly voters: readonly number[]; readonly learners: readonly number[] }
  | { readonly kind: 'settings'; readonly settings: SettingsView }
  | { readonly kind: 'safety'; readonly property: string; readonly message: string }
);
export type MarkerKind = Marker['kind'];

type Body = Marker extends infer M ? (M extends Marker ? Omit<M, 'seq' | 'at'> : never) : never;

const sameNetwork = (a: Network, b: Network): boolean => JSON.stringify(a) === JSON.stringify(b);
const sameSettings = (a: SettingsView, b: SettingsView): boolean =>
  a.timeScale === b.timeScale && a.preVote === b.preVote && a.checkQuorum === b.checkQuorum;
const configKey = (c: Configuration): string =>
  `${[...c.voters].sort((x, y) => x - y).join(',')}|${[...c.learners].sort((x, y) => x - y).join(',')}`;

/** The marker `e` makes, judged against the state before it (elections, processes, faults). */
function markerBefore(e: ClusterEvent, s: SocietyState): Body | null {
  switch (e.kind) {
    case 'state': {
      const m = s.members.get(e.node);
      // A killed member's last report is not an election (applyEvent ignores it too).
      if (m === undefined || m.status === 'crashed' || e.role !== 'leader') return null;
      if (m.role === 'leader' && m.term === e.term) return null;
      return { kind: 'election', node: m.id, name: m.name, term: e.term };
    }
    case 'member': {
      const was = s.members.get(e.node)?.status;
      const who = { node: e.node, name: e.name };
      if (e.status === 'crashed' && was !== 'crashed') return { kind: 'crash', ...who };
      if (e.status === 'starting' && was === 'crashed') return { kind: 'restart', ...who };
      if (e.status === 'paused' && was !== 'paused') return { kind: 'freeze', ...who };
      if (e.status === 'running' && was === 'paused') return { kind: 'thaw', ...who };
      return null;
    }
    case 'fault': {
      const { network, settings } = e.after;
      if (!sameNetwork(network, s.network)) {
        if (network.cuts.length === 0 && network.faults.length === 0) return { kind: 'heal' };
        return { kind: 'network', cut: network.cuts.length, faulty: network.faults.length };
      }
      return sameSettings(settings, s.settings) ? null : { kind: 'settings', settings };
    }
    case 'safety':
      return { kind: 'safety', property: e.property, message: e.message };
    default:
      return null;
  }
}

/**
 * Apply `e` to `s` with `apply`, and return the markers it makes. The configuration is compared
 * before and after (it changes when a member reports a new one, or the chairman changes); the
 * first configuration a society learns is not a change.
 */
export function applyMarking(
  s: SocietyState,
  e: ClusterEvent,
  apply: (s: SocietyState, e: ClusterEvent) => void,
): Marker[] {
  const body = markerBefore(e, s);
  const watchConfig = e.kind === 'state' || e.kind === 'member';
  const before = watchConfig ? configurationOf(s.members.values()) : null;
  apply(s, e);
  const found: Marker[] = body === null ? [] : [{ ...body, seq: e.seq, at: e.at }];
  if (before !== null && before.voters.length > 0) {
    const after = configurationOf(s.members.values());
    if (after.voters.length > 0 && configKey(after) !== configKey(before))
      found.push({ kind: 'membership', voters: after.voters, learners: after.learners, seq: e.seq, at: e.at });
  }
  return found;
}
