// The Ready loop's order of writing and sending (Raft thesis §10.2.1): a leader's appends may leave
// before its own write, so followers write in parallel with it; everything whose meaning depends on
// this member's disk (a vote, an acknowledgement, a new term, a commit index over unwritten entries)
// leaves only after the write.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawNode } from '../../main/raft/rawnode.ts';
import type { Membership, Message, NodeId, Ready } from '../../main/raft/types.ts';
import { Replica } from '../../main/replica/replica.ts';
import { encodeCommand } from '../../main/statemachine/commands.ts';
import { SocietyState } from '../../main/statemachine/society-state.ts';
import { config, empty, lowest, voters } from '../raft/harness.ts';

/** One member whose disk writes and sends go into one journal, in the order they happen. */
function member(id: NodeId, membership: Membership) {
  const journal: string[] = [];
  const sent: Message[] = [];
  const raw = new RawNode(config(id), lowest, membership, empty);
  const storage = {
    persist: (rd: Pick<Ready, 'entries' | 'hardState' | 'snapshot'>) => {
      const wrote = [
        rd.hardState === null
          ? null
          : `term ${rd.hardState.term} vote ${rd.hardState.vote ?? '-'} commit ${rd.hardState.commit}`,
        rd.entries.length === 0 ? null : `entries ${rd.entries[0]!.index}-${rd.entries.at(-1)!.index}`,
      ].filter((x) => x !== null);
      if (wrote.length > 0) journal.push(`write ${wrote.join(', ')}`);
    },
    saveSnapshot: () => undefined,
  };
  const send = (m: Message): void => {
    sent.push(m);
    journal.push(`send ${m.type} to ${m.to}`);
  };
  const replica = new Replica(raw, new SocietyState(), storage, send);
  /** The journal since the last call. */
  const take = (): string[] => journal.splice(0);
  return { raw, replica, sent, take };
}

const set = (seq: number): string =>
  encodeCommand({ client: 'c', seq, ackedBelow: seq, op: { op: 'set', key: 'k', value: `v${seq}` } });

const acked = (from: NodeId, index: number): Message => ({
  type: 'appendResp',
  from,
  to: 1,
  term: 1,
  index,
  reject: false,
  hintIndex: 0,
  hintTerm: 0,
});

/** Node 1 elected in term 1 by node 2's vote, its no-op held by every other member; the journal emptied. */
function elected(membership: Membership) {
  const n1 = member(1, membership);
  n1.raw.campaign();
  n1.replica.drive();
  n1.raw.step({ type: 'voteResp', from: 2, to: 1, term: 1, granted: true });
  n1.replica.drive();
  for (const id of [...membership.voters, ...membership.learners]) if (id !== 1) n1.raw.step(acked(id, 1));
  n1.replica.drive();
  n1.take();
  return n1;
}

describe('Replica: what leaves before the write', () => {
  it("a leader's appends of new entries leave before its own write of them", () => {
    const n1 = elected(voters(1, 2, 3));
    n1.replica.propose('c#1', set(1), () => undefined);
    n1.replica.drive();
    assert.deepEqual(n1.take(), ['send append to 2', 'send append to 3', 'write entries 2-2']);
  });

  it('a new leader appends before writing its no-op when its term and vote are already on disk', () => {
    const n1 = member(1, voters(1, 2, 3));
    n1.raw.campaign();
    n1.replica.drive();
    assert.deepEqual(n1.take(), ['write term 1 vote 1 commit 0', 'send vote to 2', 'send vote to 3']);
    n1.raw.step({ type: 'voteResp', from: 2, to: 1, term: 1, granted: true });
    n1.replica.drive();
    assert.deepEqual(n1.take(), ['send append to 2', 'send append to 3', 'write entries 1-1']);
  });

  it('a leader whose term and vote are not yet on disk sends nothing before writing them', () => {
    // Elected within one Ready: a crash before this write would let it vote again in term 1.
    const n1 = member(1, voters(1, 2, 3));
    n1.raw.campaign();
    n1.raw.step({ type: 'voteResp', from: 2, to: 1, term: 1, granted: true });
    n1.replica.drive();
    const journal = n1.take();
    assert.equal(journal[0], 'write term 1 vote 1 commit 0, entries 1-1');
    assert.ok(journal.slice(1).every((line) => line.startsWith('send')));
  });

  it('an append whose commit index covers an entry still to be written waits for the write', () => {
    // A single voter commits its own entries at once; a learner told to apply one before the
    // leader's write could keep an entry the leader's crash takes back.
    const n1 = elected({ voters: [1], learners: [2] });
    n1.replica.propose('c#1', set(1), () => undefined);
    n1.replica.drive();
    assert.deepEqual(n1.take(), ['write term 1 vote 1 commit 2, entries 2-2', 'send append to 2']);
    const last = n1.sent.at(-1)!;
    assert.ok(last.type === 'append' && last.commit === 2);
  });

  it("a follower's acknowledgement and a voter's ballot leave only after their write", () => {
    const n2 = member(2, voters(1, 2, 3));
    n2.raw.step({ type: 'vote', from: 1, to: 2, term: 1, lastIndex: 0, lastTerm: 0, transfer: false });
    n2.replica.drive();
    assert.deepEqual(n2.take(), ['write term 1 vote 1 commit 0', 'send voteResp to 1']);
    const entries = [{ index: 1, term: 1, payload: { kind: 'noop' as const } }];
    n2.raw.step({ type: 'append', from: 1, to: 2, term: 1, prevIndex: 0, prevTerm: 0, entries, commit: 0 });
    n2.replica.drive();
    assert.deepEqual(n2.take(), ['write entries 1-1', 'send appendResp to 1']);
  });
});
