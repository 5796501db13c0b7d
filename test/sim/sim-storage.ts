// What a simulated member keeps across a crash: exactly what the Ready contract told it to persist,
// except a commit index the member wrote without fsync (DiskStorage's rule), which a crash may lose.

import { mustSync } from '../../main/raft/rawnode.ts';
import type { Entry, HardState, PersistedState, Ready, Snapshot } from '../../main/raft/types.ts';
import type { LogView } from '../../main/safety/monitor.ts';

export class SimStorage implements LogView {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: Snapshot | null = null;
  /** Entries after the snapshot, consecutive. */
  entries: Entry[] = [];
  /** The commit index as of the last fsync; a crash takes hardState.commit back to it. */
  private syncedCommit = 0;

  get snapshotIndex(): number {
    return this.snapshot?.index ?? 0;
  }

  lastIndex(): number {
    return this.entries.at(-1)?.index ?? this.snapshotIndex;
  }

  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshot?.term ?? 0;
    return this.entries[index - this.snapshotIndex - 1]?.term;
  }

  /** Write a Ready durably; returns the first index it overwrote, if it replaced any entry. */
  persist(rd: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): number | null {
    let overwrote: number | null = null;
    if (rd.snapshot !== null) {
      // A snapshot from the leader replaces the whole log (paper Figure 13).
      if (this.entries.length > 0) overwrote = this.entries[0]!.index;
      this.snapshot = rd.snapshot;
      this.entries = [];
    }
    const first = rd.entries[0];
    if (first !== undefined) {
      const keep = first.index - this.snapshotIndex - 1;
      if (keep < 0 || keep > this.entries.length) {
        throw new RangeError(`entries from ${first.index} do not follow the stored log (last ${this.lastIndex()})`);
      }
      if (keep < this.entries.length) overwrote ??= first.index;
      this.entries.length = keep;
      this.entries.push(...rd.entries);
    }
    const sync = mustSync(this.hardState, rd);
    if (rd.hardState !== null) this.hardState = rd.hardState;
    if (sync) this.syncedCommit = this.hardState.commit;
    return overwrote;
  }

  /** A snapshot taken locally: keep it and drop the entries it covers. */
  saveSnapshot(snapshot: Snapshot): void {
    this.entries = this.entries.slice(snapshot.index - this.snapshotIndex);
    this.snapshot = snapshot;
    this.syncedCommit = this.hardState.commit;
  }

  /** The machine crashed: what was written without fsync is gone. Returns the commit index lost, if any. */
  loseUnsynced(): { from: number; to: number } | null {
    const from = this.hardState.commit;
    if (from === this.syncedCommit) return null;
    this.hardState = { ...this.hardState, commit: this.syncedCommit };
    return { from, to: this.syncedCommit };
  }

  load(forgetVote: boolean): PersistedState {
    // The planted bug (tests only): a storage that loses the vote it was asked to persist.
    const hardState = forgetVote ? { ...this.hardState, vote: null } : this.hardState;
    return { hardState, snapshot: this.snapshot, entries: this.entries };
  }
}
