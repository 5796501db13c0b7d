// Client requests, routed the way a careful client of a Raft cluster must: to the member believed
// to lead, following its hints, retrying across leader changes under one session number so a
// retried command is applied exactly once (dissertation §6.3), and honest about the outcome:
// 503 when the command certainly was not applied, 504 when it may or may not have been.

import { randomUUID } from 'node:crypto';
import type { MemberRequest, ReplyOutcome } from '../node/control-protocol.ts';
import { encodeCommand, type Operation, type OperationResult } from '../statemachine/commands.ts';
import type { CommandResult } from '../shared/contract.ts';

/** What the router needs from the supervisor. */
export interface RouterHost {
  /** The member that most recently claimed leadership with the highest term, if any runs. */
  leaderGuess(): number | null;
  runningMembers(): number[];
  /** Ask one member; null when it did not answer in time (or died meanwhile); 'unreachable' when it is not running. */
  ask(
    id: number,
    request: Exclude<MemberRequest, { t: 'inspect' }>,
    timeoutMs: number,
  ): Promise<ReplyOutcome | null | 'unreachable'>;
  /** How long a client keeps trying, and how long it waits on one member. */
  timeouts(): { operationMs: number; attemptMs: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ClientRouter {
  private readonly client = `sup-${randomUUID().slice(0, 8)}`;
  private seq = 0;
  /** Session numbers still waiting for an answer; the lowest is sent as ackedBelow. */
  private readonly outstanding = new Set<number>();
  private readonly host: RouterHost;

  constructor(host: RouterHost) {
    this.host = host;
  }

  /** Pick whom to ask next: the hint, else the believed leader, else any running member. */
  private next(hint: number | null, avoid: number | null): number | null {
    if (hint !== null && hint !== avoid) return hint;
    const guess = this.host.leaderGuess();
    if (guess !== null && guess !== avoid) return guess;
    const running = this.host.runningMembers().filter((id) => id !== avoid);
    return running[Math.floor(Math.random() * running.length)] ?? guess;
  }

  /**
   * Route a request until some member answers it for good. `settle` turns a member's answer into
   * the final result, or null to keep trying. Returns 503/504 at the deadline.
   */
  private async route(
    request: Parameters<RouterHost['ask']>[1],
    settle: (o: ReplyOutcome) => CommandResult | null,
    only: number | null = null,
  ): Promise<CommandResult> {
    const { operationMs, attemptMs } = this.host.timeouts();
    const deadline = Date.now() + operationMs;
    let maybeApplied = false;
    const unanswered = (why: string): CommandResult =>
      maybeApplied
        ? { status: 504, body: { error: `the outcome is unknown (it may still be applied): ${why}` } }
        : { status: 503, body: { error: `not applied: ${why}` } };
    // Handed to one member, once: asking again would append it again (a duplicate entry, applied once).
    if (only !== null) {
      const outcome = await this.host.ask(only, request, operationMs);
      if (outcome === 'unreachable') return unanswered(`member ${only} is not running`);
      maybeApplied = true;
      if (outcome === null) return unanswered(`member ${only} did not apply it in time`);
      const done = settle(outcome);
      if (done !== null) return done;
      if (outcome.kind !== 'refused')
        return unanswered(outcome.kind === 'failed' ? outcome.reason : `unexpected answer from member ${only}`);
      if (outcome.reason === 'invalid') return { status: 400, body: { error: outcome.detail ?? 'invalid request' } };
      maybeApplied = false; // refused: it never reached the log
      return unanswered(outcome.reason === 'notLeader' ? `member ${only} is not the chairman` : outcome.reason);
    }
    let target = this.next(null, null);
    let lastRefusal = 'no member is running';
    while (Date.now() < deadline) {
      if (target === null) {
        await sleep(20);
        target = this.next(null, null);
        continue;
      }
      const outcome = await this.host.ask(target, request, Math.min(attemptMs, deadline - Date.now()));
      if (outcome === 'unreachable') {
        target = this.next(null, target);
        await sleep(10);
        continue;
      }
      if (outcome === null) {
        // No answer in time: the member may have appended it and may still commit it.
        maybeApplied = request.t !== 'read';
        target = this.next(null, target);
        continue;
      }
      const done = settle(outcome);
      if (done !== null) return done;
      if (outcome.kind === 'refused') {
        lastRefusal = outcome.reason === 'notLeader' ? `member ${target} is not the chairman` : outcome.reason;
        if (outcome.reason === 'invalid') return { status: 400, body: { error: outcome.detail ?? 'invalid request' } };
        const hinted = outcome.leader;
        await sleep(hinted === null || hinted === target ? 25 : 0);
        target = this.next(hinted, hinted === null ? target : null);
      } else {
        lastRefusal = outcome.kind === 'failed' ? outcome.reason : lastRefusal;
        target = this.next(null, target);
      }
    }
    return maybeApplied
      ? { status: 504, body: { error: 'timed out: the outcome is unknown (it may still be applied)' } }
      : { status: 503, body: { error: `not applied: ${lastRefusal}` } };
  }

  /** set / cas / decide: committed and applied before it is answered; `only`: handed to that member alone. */
  async command(op: Operation, only: number | null = null): Promise<CommandResult> {
    const seq = ++this.seq;
    this.outstanding.add(seq);
    try {
      const command = encodeCommand({ client: this.client, seq, ackedBelow: Math.min(...this.outstanding), op });
      return await this.route(
        { t: 'propose', command },
        (o) => (o.kind === 'applied' ? resultOf(o.result) : null),
        only,
      );
    } finally {
      this.outstanding.delete(seq);
    }
  }

  /** A linearizable read through the leader's ReadIndex. */
  read(key: string): Promise<CommandResult> {
    return this.route({ t: 'read', key }, (o) =>
      o.kind === 'value' ? { status: 200, body: { value: o.value } } : null,
    );
  }

  /** A membership change or transfer at the leader: returns the log index it was accepted at. */
  async leaderRequest(
    request: Extract<Parameters<RouterHost['ask']>[1], { t: 'membership' | 'transfer' }>,
  ): Promise<CommandResult> {
    return this.route(request, (o) =>
      o.kind === 'accepted' ? { status: 202, body: { index: o.index, term: o.term } } : null,
    );
  }
}

function resultOf(r: OperationResult): CommandResult {
  switch (r.op) {
    case 'set':
      return { status: 200, body: { index: r.index } };
    case 'cas':
      return r.ok
        ? { status: 200, body: { ok: true, index: r.index } }
        : { status: 409, body: { ok: false, value: r.value } };
    case 'decide':
      return { status: 200, body: { number: r.number, index: r.index } };
    case 'rejected':
      return { status: 400, body: { error: r.error } };
  }
}
