// The Inside panel's sentences: members by name and building with their Raft id, the safety
// monitor's evidence and a violation's causes, in the window's language.

import { useI18n } from 'vue-i18n';
import type { Evidence, Fact, Property } from '../../../../main/shared/contract.ts';
import { useClusterStore } from '../../stores/cluster.ts';
import { personWords } from '../../lib/member-words.ts';
import { buildingOf } from '../../lib/names.ts';

/** The message key of each property, under inside.safety.properties. */
export const propertyKeys: Record<Property, string> = {
  'Election Safety': 'electionSafety',
  'Leader Append-Only': 'leaderAppendOnly',
  'Log Matching': 'logMatching',
  'Leader Completeness': 'leaderCompleteness',
  'State Machine Safety': 'stateMachineSafety',
};

export function useInsideWords() {
  const { t, n, locale } = useI18n();
  const cluster = useClusterStore();

  /** "Priya (B)": the person and their building; a member not known by name: "member 7". */
  function member(id: number): string {
    const m = cluster.members.get(id);
    return m === undefined
      ? t('inside.member', { id: n(id, 'integer') })
      : t('inside.named', { person: personWords(m.name), building: buildingOf(m.name, id) });
  }

  function members(ids: readonly number[]): string {
    return new Intl.ListFormat(locale.value, { type: 'conjunction' }).format(ids.map(member));
  }

  function seqs(list: readonly number[]): string {
    return list.length === 0 ? '' : t('inside.events', { list: list.map((s) => `#${s}`).join(', ') }, list.length);
  }

  const int = (v: number): string => n(v, 'integer');

  function evidence(e: Evidence): string {
    switch (e.kind) {
      case 'oneLeader':
        return e.voters.length === 0
          ? t('inside.evidence.oneLeader', { term: int(e.term), leader: member(e.leader) })
          : t('inside.evidence.oneLeaderVotes', {
              term: int(e.term),
              leader: member(e.leader),
              voters: members(e.voters),
            });
      case 'appendOnly':
        return t(
          'inside.evidence.appendOnly',
          { term: int(e.term), leader: member(e.leader), from: int(e.from), to: int(e.to) },
          e.to - e.from + 1,
        );
      case 'sameEntry':
        return t('inside.evidence.sameEntry', {
          index: int(e.index),
          term: int(e.term),
          content: e.content,
          members: members(e.members),
        });
      case 'complete':
        return e.committed === 0
          ? t('inside.evidence.completeNothing', { term: int(e.term), leader: member(e.leader) })
          : t('inside.evidence.complete', {
              term: int(e.term),
              leader: member(e.leader),
              committed: int(e.committed),
            });
      case 'sameApplied':
        return t('inside.evidence.sameApplied', {
          index: int(e.index),
          term: int(e.term),
          content: e.content,
          members: members(e.members),
        });
    }
  }

  function cause(f: Fact): string {
    const who = member(f.node);
    switch (f.act) {
      case 'voted':
        return t('inside.cause.voted', { who, candidate: member(f.candidate), term: int(f.term) });
      case 'elected':
        return t('inside.cause.elected', { who, term: int(f.term) });
      case 'wrote':
        return t('inside.cause.wrote', { who, index: int(f.index), term: int(f.term), content: f.content });
      case 'overwrote':
        return t('inside.cause.overwrote', { who, index: int(f.index), term: int(f.term) });
      case 'applied':
        return t('inside.cause.applied', { who, index: int(f.index), term: int(f.term), content: f.content });
    }
  }

  return { t, n, int, member, members, seqs, evidence, cause };
}
