// The vocabulary of the Raft engine: log entries, messages, persisted state and the Ready batch.
// Plain data only, so every value can cross a socket or be written to disk as JSON.

export type NodeId = number;

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

/** Voters decide elections and commits; learners only receive the log (Raft dissertation §4.2.1). */
export interface Membership {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/**
 * One change at a time (dissertation §4.1): a configuration entry adds or removes one voter, or
 * adds or promotes one learner, so any two majorities of consecutive configurations overlap.
 */
export type MembershipChange =
  | { readonly kind: 'addVoter'; readonly node: NodeId }
  | { readonly kind: 'addLearner'; readonly node: NodeId }
  | { readonly kind: 'promoteLearner'; readonly node: NodeId }
  | { readonly kind: 'remove'; readonly node: NodeId };

export type EntryPayload =
  /** Appended by every new leader so it can commit entries of earlier terms (paper §5.4.2). */
  | { readonly kind: 'noop' }
  /** An opaque command for the replicated state machine. */
  | { readonly kind: 'command'; readonly data: string }
  /** The membership that takes effect as soon as the entry is in a log (dissertation §4.1). */
  | { readonly kind: 'membership'; readonly change: MembershipChange; readonly membership: Membership };

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly payload: EntryPayload;
}

/** What must survive a crash besides the log: paper Figure 2 "persistent state on all servers". */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
  readonly commit: number;
}

export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly membership: Membership;
  /** The state machine's image at `index`, produced and read by the application. */
  readonly data: string;
}

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

export type Message =
  | (Envelope & {
      readonly type: 'vote' | 'prevote';
      readonly lastIndex: number;
      readonly lastTerm: number;
      /** Set by a leadership transfer: the voter ignores its leader lease (dissertation §3.10). */
      readonly transfer: boolean;
    })
  | (Envelope & { readonly type: 'voteResp' | 'prevoteResp'; readonly granted: boolean })
  | (Envelope & {
      readonly type: 'append';
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry[];
      readonly commit: number;
    })
  | (Envelope & {
      readonly type: 'appendResp';
      /** On success the last index now known to match; on rejection the prevIndex that failed. */
      readonly index: number;
      readonly reject: boolean;
      /** Conflict hint on rejection (etcd's fast backtracking): a candidate index and its term. */
      readonly hintIndex: number;
      readonly hintTerm: number;
    })
  | (Envelope & { readonly type: 'heartbeat'; readonly commit: number; readonly readContext: number })
  | (Envelope & { readonly type: 'heartbeatResp'; readonly readContext: number })
  | (Envelope & { readonly type: 'snapshot'; readonly snapshot: Snapshot })
  | (Envelope & { readonly type: 'timeoutNow' });

export type MessageType = Message['type'];

/** A linearizable read may be served once the state machine has applied `index` (paper §6.4). */
export interface ReadState {
  readonly requestId: string;
  readonly index: number;
}

export interface SoftState {
  readonly role: Role;
  readonly leader: NodeId | null;
}

/**
 * Everything the outside world must do after driving the engine, in this order (etcd's contract):
 * persist durably `snapshot` (it replaces the whole log), then `entries`, then `hardState` (its
 * commit index may point into those entries), or all three atomically; then send `messages`; then
 * install `snapshot` into the state machine and apply `committed`; then call `advance()`.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  /** Entries to write; any stored entry at or after `entries[0].index` must be replaced. */
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
  readonly committed: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  /** Reads this node can no longer answer (it lost leadership): fail them so the client retries. */
  readonly droppedReads: readonly string[];
}

export interface RaftConfig {
  readonly id: NodeId;
  /** Election timeout is drawn uniformly from [electionTicksMin, electionTicksMax] on every reset. */
  readonly electionTicksMin: number;
  readonly electionTicksMax: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Bound on append messages in flight to one follower while replicating (pipelining). */
  readonly maxInflight: number;
  /** Bound on entries carried by one append message (batching). */
  readonly maxEntriesPerAppend: number;
  /**
   * Bound on the payload bytes of one append message (etcd's MaxSizePerMsg): a transport refuses
   * frames beyond its limit, and a refused batch would be resent forever. One entry always goes.
   */
  readonly maxAppendBytes: number;
  /** Take a snapshot once this many applied entries follow the last one. */
  readonly snapshotThreshold: number;
}

/** Randomness is injected so a seed replays a run exactly: returns an integer in [min, max]. */
export type RandomInt = (min: number, max: number) => number;

/** What a node has on disk when it (re)starts. */
export interface PersistedState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
}

export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | {
      readonly ok: false;
      readonly reason: 'notLeader' | 'transferring' | 'membershipPending' | 'invalid';
      readonly leader: NodeId | null;
      readonly detail?: string;
    };
