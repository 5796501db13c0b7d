// Elections as the event stream shows them: who leads, and how long the society went without a
// chairman. Pure, fed one event at a time; shared by the supervisor's metrics and the window's charts.

import type { ClusterEvent } from './contract.ts';

export interface LeaderChange {
  readonly at: number;
  readonly seq: number;
  readonly leader: number;
  readonly term: number;
  /**
   * From the first member to stand (candidate or pre-candidate) since the last leader was lost, or
   * since the start, to this leader; null when nobody was seen standing (e.g. joining mid-term).
   */
  readonly electionMs: number | null;
}

export class ElectionWatch {
  /** The member leading now, as far as the events tell. */
  leader: { readonly id: number; readonly term: number } | null = null;
  private campaignSince: number | null = null;
  /** Members standing (candidate or pre-candidate) since the last leader change. */
  private readonly standing = new Set<number>();

  /** Take one event; returns the leader change it shows, if any. */
  add(e: ClusterEvent): LeaderChange | null {
    if (e.kind === 'member') {
      if (e.status !== 'running') this.stoodDown(e.node);
      if (e.status !== 'running' && this.leader?.id === e.node) this.leader = null;
      return null;
    }
    if (e.kind !== 'state') return null;
    let change: LeaderChange | null = null;
    const l = this.leader;
    if (e.role === 'leader' && (l === null || e.term > l.term || l.id !== e.node)) {
      this.leader = { id: e.node, term: e.term };
      // By the members' clocks: an election can be shorter than one telemetry batch.
      const electionMs = this.campaignSince === null ? null : e.memberAt - this.campaignSince;
      change = { at: e.at, seq: e.seq, leader: e.node, term: e.term, electionMs };
      this.campaignSince = null;
      this.standing.clear();
    } else if ((e.role === 'candidate' || e.role === 'precandidate') && (l === null || e.term >= l.term)) {
      this.campaignSince ??= e.memberAt;
      this.standing.add(e.node);
    } else {
      this.stoodDown(e.node);
    }
    if (this.leader?.id === e.node && e.role !== 'leader') this.leader = null;
    return change;
  }

  /**
   * A member no longer stands. If nobody does and a leader still leads, those candidacies were
   * false alarms (a slow heartbeat, a member cut off alone), not an election.
   */
  private stoodDown(node: number): void {
    this.standing.delete(node);
    if (this.standing.size === 0 && this.leader !== null) this.campaignSince = null;
  }
}
