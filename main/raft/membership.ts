// Cluster membership as plain data: who votes, who only listens, and what one change does to it.

import type { Membership, MembershipChange, NodeId } from './types.ts';

export function isVoter(m: Membership, id: NodeId): boolean {
  return m.voters.includes(id);
}

export function isMember(m: Membership, id: NodeId): boolean {
  return m.voters.includes(id) || m.learners.includes(id);
}

/** Votes needed to decide anything: a strict majority of the voters (paper §5.2). */
export function majority(m: Membership): number {
  return Math.floor(m.voters.length / 2) + 1;
}

/**
 * The membership after one change, or a sentence saying why the change is refused. One voter at a
 * time keeps every majority of the old configuration overlapping every majority of the new one
 * (dissertation §4.1), so no joint consensus is needed.
 */
export function applyChange(m: Membership, change: MembershipChange): Membership | string {
  const { node } = change;
  const without = (ids: readonly NodeId[]): NodeId[] => ids.filter((id) => id !== node);
  switch (change.kind) {
    case 'addVoter':
      if (isVoter(m, node)) return `node ${node} is already a voter`;
      return { voters: [...m.voters, node].sort((a, b) => a - b), learners: without(m.learners) };
    case 'addLearner':
      if (isMember(m, node)) return `node ${node} is already a member`;
      return { voters: m.voters, learners: [...m.learners, node].sort((a, b) => a - b) };
    case 'promoteLearner':
      if (!m.learners.includes(node)) return `node ${node} is not a learner`;
      return { voters: [...m.voters, node].sort((a, b) => a - b), learners: without(m.learners) };
    case 'remove':
      if (!isMember(m, node)) return `node ${node} is not a member`;
      if (isVoter(m, node) && m.voters.length === 1) return 'cannot remove the last voter';
      return { voters: without(m.voters), learners: without(m.learners) };
  }
}
