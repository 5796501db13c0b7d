// ReadIndex bookkeeping on the leader (dissertation §6.4). A read is remembered with the commit
// index at the moment it arrived; it may be answered once a majority has confirmed, by answering a
// heartbeat sent after the read arrived, that this node was still the leader. Each read gets a
// context number; heartbeats carry the newest one, and an answer for context c vouches for every
// read whose context is <= c.

import { majority } from './membership.ts';
import type { Membership, NodeId, ReadState } from './types.ts';

interface PendingRead {
  readonly requestId: string;
  readonly context: number;
  /** The commit index to wait for; null until the leader has committed an entry of its own term. */
  index: number | null;
  readonly acks: Set<NodeId>;
}

export class ReadTracker {
  private pending: PendingRead[] = [];
  private lastIssued = 0;

  /** The context a heartbeat sent now should carry (0 = no read waiting). */
  lastContext(): number {
    return this.pending.length === 0 ? 0 : this.lastIssued;
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Remember a read. `index` is null while the leader has not yet committed an entry of its term:
   * until then it cannot know the true commit index (paper §8).
   */
  add(requestId: string, self: NodeId, index: number | null): number {
    const context = ++this.lastIssued;
    this.pending.push({ requestId, context, index, acks: new Set([self]) });
    return context;
  }

  /** The leader committed its first entry of the term: waiting reads now know their index. Returns whether any did. */
  termCommitted(committed: number): boolean {
    let changed = false;
    for (const r of this.pending) {
      if (r.index === null) {
        r.index = committed;
        changed = true;
      }
    }
    return changed;
  }

  /** `from` answered a heartbeat carrying `context`: returns the reads that are now safe. */
  ack(from: NodeId, context: number, membership: Membership): ReadState[] {
    const needed = majority(membership);
    for (const r of this.pending) {
      if (r.context > context) break;
      if (membership.voters.includes(from)) r.acks.add(from);
    }
    return this.releaseConfirmed(needed, membership);
  }

  /** A leader that is the only voter needs no confirmation. */
  releaseAll(membership: Membership): ReadState[] {
    return this.releaseConfirmed(majority(membership), membership);
  }

  private releaseConfirmed(needed: number, membership: Membership): ReadState[] {
    // A confirmed read also confirms every older one: leadership held at a later moment held before.
    let last = -1;
    this.pending.forEach((r, i) => {
      const votes = [...r.acks].filter((id) => membership.voters.includes(id)).length;
      if (votes >= needed && r.index !== null) last = i;
    });
    if (last < 0) return [];
    // Release the confirmed prefix; a read still waiting for its index (none today: they all learn
    // it at once) stays pending rather than vanishing.
    const released: ReadState[] = [];
    const waiting: PendingRead[] = [];
    for (const r of this.pending.slice(0, last + 1)) {
      if (r.index === null) waiting.push(r);
      else released.push({ requestId: r.requestId, index: r.index });
    }
    this.pending = [...waiting, ...this.pending.slice(last + 1)];
    return released;
  }

  /** Leadership lost: every waiting read fails (the client retries elsewhere). */
  dropAll(): string[] {
    const ids = this.pending.map((r) => r.requestId);
    this.pending = [];
    return ids;
  }
}
