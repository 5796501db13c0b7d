// The durable storage of one Raft member, in its own data directory: a write-ahead log of CRC-checked
// records (entries, hard state, snapshot markers) in segment files, and snapshot files. The format
// is described at the top of wal-format.ts; how recovery rebuilds the state, in wal-replay.ts.
//
// Contract (the Ready contract of main/raft/types.ts): persist() returns only once everything it was
// given is fsynced, so the node may act on it (send votes and acknowledgements, apply entries). The
// one exception is etcd's: a record that only moves the commit index is written without fsync; a
// crash may take the member's commit index back, and it relearns it from the leader.
// The semantics are those of the simulator's SimStorage (test/sim/sim-storage.ts): a snapshot
// from the leader replaces the whole log, entries replace any stored entry at or after their first
// index, a local snapshot (saveSnapshot) drops the entries it covers.
//
// Crash safety:
//  - One persist() is one WAL record, fsynced before returning (but see the commit-only exception):
//    after a crash it happened entirely or not at all (and if not, the node never acted on it).
//  - Snapshots are written to a temporary file, fsynced, renamed, and the directory fsynced, before
//    the WAL record naming them is written. Old segments and snapshots are deleted only after that.
//  - On open, a torn last record of the newest segment is cut off (reported in `recovery`); any
//    other damage throws StorageCorruptError naming the file and byte offset: data is never
//    dropped silently.
//  - An I/O error while writing leaves the storage failed: every later call throws, and the member
//    must exit and reopen (after a failed fsync, the page cache can no longer be trusted).
//
// Everything is synchronous: a member handles one Ready at a time, and correctness comes first.

import fs from 'node:fs';
import { mustSync } from '../../raft/rawnode.ts';
import type { Entry, HardState, PersistedState, Snapshot } from '../../raft/types.ts';
import { DurableDir } from './durable-dir.ts';
import { StorageCorruptError } from './errors.ts';
import { encodeSnapshotFile, readSnapshotFile, writeSnapshotFile } from './snapshot-file.ts';
import {
  TEMP_SUFFIX,
  encodeWalRecord,
  parseSegmentName,
  parseSnapshotName,
  scanSegment,
  segmentName,
  snapshotName,
} from './wal-format.ts';
import type { SnapshotRef, WalRecord } from './wal-format.ts';
import { ReplayError, replay } from './wal-replay.ts';
import type { ReplaySegment } from './wal-replay.ts';

export { StorageCorruptError } from './errors.ts';

export interface StorageOptions {
  /** Start a new WAL segment once the current one has reached this size. Default 8 MiB. */
  readonly segmentBytes?: number;
  /** Snapshot files to keep, the one in force included. Default 2. */
  readonly keepSnapshots?: number;
}

export interface Recovery {
  /** The torn last record that was cut off, if the member had crashed while writing it. */
  readonly tornTail: {
    readonly file: string;
    readonly offset: number;
    readonly bytes: number;
    readonly reason: string;
  } | null;
  /** Crash leftovers deleted on open: temporary snapshot files, snapshot files the WAL never named, an empty newest segment. */
  readonly removed: readonly string[];
}

export interface StorageStats {
  readonly walBytes: number;
  readonly segments: number;
  readonly fsyncs: number;
  readonly lastIndex: number;
}

export interface PersistPart {
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly hardState: HardState | null;
}

interface Segment {
  readonly seq: number;
  readonly name: string;
  size: number;
  /** Highest entry or snapshot index ever written to it: deletable once a snapshot covers it. */
  maxIndex: number;
}

const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
const DEFAULT_KEEP_SNAPSHOTS = 2;
const INITIAL_HARD_STATE: HardState = { term: 0, vote: null, commit: 0 };

interface OpenState {
  readonly dir: DurableDir;
  readonly segmentBytes: number;
  readonly keepSnapshots: number;
  readonly recovery: Recovery;
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: Entry[];
  readonly segments: Segment[];
  readonly fd: number;
  readonly lastMarkerSeq: number;
}

export class DiskStorage {
  readonly recovery: Recovery;
  private readonly dir: DurableDir;
  private readonly segmentBytes: number;
  private readonly keepSnapshots: number;
  private hardState: HardState;
  private snapshot: Snapshot | null;
  /** Entries after the snapshot, consecutive: what is on disk, mirrored in memory. */
  private entries: Entry[];
  /** Oldest first; the last one is being appended to through `fd`. */
  private readonly segments: Segment[];
  private fd: number;
  /** The newest segment ends with a record written without fsync (see persist). */
  private unsynced = false;
  /** Segment holding the latest snapshot from the leader: every older segment is dead. */
  private lastMarkerSeq: number;
  private failure: Error | null = null;
  private closed = false;

  private constructor(s: OpenState) {
    this.dir = s.dir;
    this.segmentBytes = s.segmentBytes;
    this.keepSnapshots = s.keepSnapshots;
    this.recovery = s.recovery;
    this.hardState = s.hardState;
    this.snapshot = s.snapshot;
    this.entries = s.entries;
    this.segments = s.segments;
    this.fd = s.fd;
    this.lastMarkerSeq = s.lastMarkerSeq;
  }

  /**
   * Open (creating the directory with mode 0700 if missing) and recover. Throws StorageCorruptError
   * on anything but a torn last record, which is cut off and reported in `recovery`.
   */
  static open(dirPath: string, options: StorageOptions = {}): DiskStorage {
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const keepSnapshots = options.keepSnapshots ?? DEFAULT_KEEP_SNAPSHOTS;
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) {
      throw new RangeError(`bad segmentBytes ${segmentBytes}`);
    }
    if (!Number.isSafeInteger(keepSnapshots) || keepSnapshots < 1) {
      throw new RangeError(`bad keepSnapshots ${keepSnapshots}`);
    }
    const { dir } = DurableDir.open(dirPath);
    const names = dir.list();
    const seqs = names.flatMap((n) => nonNull(parseSegmentName(n))).sort((a, b) => a - b);
    const snapshotIndexes = names.flatMap((n) => nonNull(parseSnapshotName(n))).sort((a, b) => a - b);
    const removed = names.filter(
      (n) =>
        n.endsWith(TEMP_SUFFIX) &&
        parseSnapshotName(n.slice(0, -TEMP_SUFFIX.length)) !== null &&
        fs.lstatSync(dir.file(n)).isFile(),
    );

    for (let k = 1; k < seqs.length; k++) {
      const expected = seqs[k - 1]! + 1;
      if (seqs[k] !== expected) {
        throw new StorageCorruptError(
          dir.file(segmentName(expected)),
          0,
          `this segment is missing (segments ${seqs[k - 1]} and ${seqs[k]} exist)`,
        );
      }
    }

    // Read every segment; only the newest may end in a torn record.
    const scanned: ReplaySegment[] = [];
    const sizes = new Map<number, number>();
    let tornTail: Recovery['tornTail'] = null;
    let emptyNewest: string | null = null;
    for (const [k, seq] of seqs.entries()) {
      const name = segmentName(seq);
      const file = dir.file(name);
      const buf = fs.readFileSync(file);
      const newest = k === seqs.length - 1;
      const scan = scanSegment(buf, newest);
      if (!scan.ok) throw new StorageCorruptError(file, scan.offset, scan.reason);
      if (scan.torn !== null) {
        tornTail = { file, offset: scan.torn.offset, bytes: buf.length - scan.torn.offset, reason: scan.torn.reason };
      }
      const head = scan.records[0];
      if (head === undefined) {
        if (!newest) throw new StorageCorruptError(file, 0, 'a segment that is not the newest holds no records');
        // A crash while creating the segment, before its head record was durable: nothing else was written to it.
        emptyNewest = name;
        continue;
      }
      if (head.record.t !== 'head' || head.record.seq !== seq) {
        throw new StorageCorruptError(file, 0, `the first record is not the head of segment ${seq}`);
      }
      const stray = scan.records.find((r, i) => i > 0 && r.record.t === 'head');
      if (stray !== undefined) {
        throw new StorageCorruptError(file, stray.offset, 'a head record in the middle of a segment');
      }
      scanned.push({ file, seq, records: scan.records });
      sizes.set(seq, scan.torn === null ? buf.length : scan.torn.offset);
    }
    if (emptyNewest !== null && scanned.length === 0 && (seqs[0] !== 1 || snapshotIndexes.length > 0)) {
      throw new StorageCorruptError(
        dir.file(emptyNewest),
        0,
        'the only segment holds no records, yet this is not a new log',
      );
    }
    if (seqs.length === 0 && snapshotIndexes.length > 0) {
      throw new StorageCorruptError(
        dir.file(snapshotName(snapshotIndexes[0]!)),
        0,
        'a snapshot exists but no WAL segment',
      );
    }

    // Rebuild the state, then read the snapshot the WAL names.
    let hardState = INITIAL_HARD_STATE;
    let snapshot: Snapshot | null = null;
    let entries: Entry[] = [];
    let lastMarkerSeq = 0;
    const segments: Segment[] = [];
    if (scanned.length > 0) {
      const result = replayOrThrow(scanned);
      hardState = result.hardState;
      entries = result.entries;
      lastMarkerSeq = result.lastMarkerSeq;
      if (result.snapshot !== null) {
        const file = dir.file(snapshotName(result.snapshot.index));
        snapshot = readSnapshotFile(file, result.snapshot);
        if (snapshot === null) {
          throw new StorageCorruptError(
            result.snapshotAt.file,
            result.snapshotAt.offset,
            `this record names the snapshot ${file}, which is missing`,
          );
        }
      }
      for (const s of scanned) {
        const size = sizes.get(s.seq) ?? 0;
        segments.push({ seq: s.seq, name: segmentName(s.seq), size, maxIndex: result.maxIndexBySeq.get(s.seq) ?? 0 });
      }
    }

    // Everything checked out: now repair. Cut the torn tail, delete crash leftovers.
    const newestSegment = segments.at(-1);
    if (tornTail !== null && emptyNewest === null && newestSegment !== undefined) {
      dir.truncate(newestSegment.name, newestSegment.size);
    }
    if (emptyNewest !== null) removed.push(emptyNewest);
    const inForce = snapshot?.index ?? -1;
    for (const index of snapshotIndexes) if (index > inForce) removed.push(snapshotName(index));
    dir.remove(removed);

    let fd: number;
    if (newestSegment === undefined) {
      const created = createSegment(dir, 1, { t: 'head', seq: 1, snap: null, last: 0, h: INITIAL_HARD_STATE });
      fd = created.fd;
      segments.push(created.segment);
    } else {
      fd = fs.openSync(dir.file(newestSegment.name), 'r+');
    }
    return new DiskStorage({
      dir,
      segmentBytes,
      keepSnapshots,
      recovery: { tornTail, removed: removed.map((n) => dir.file(n)) },
      hardState,
      snapshot,
      entries,
      segments,
      fd,
      lastMarkerSeq,
    });
  }

  /** What the disk holds: the hard state, the snapshot in force (or null) and the entries after it. */
  load(): PersistedState {
    this.checkUsable();
    return { hardState: this.hardState, snapshot: this.snapshot, entries: this.entries.slice() };
  }

  /**
   * Durably write one Ready's persistent part, in order: snapshot (from the leader: it replaces the
   * whole log), entries (replacing any stored entry at or after entries[0].index), hard state. One
   * WAL record, fsynced before returning. Does nothing when all three are empty.
   */
  persist(part: PersistPart): void {
    this.checkUsable();
    const { snapshot, entries, hardState } = part;
    if (snapshot === null && entries.length === 0 && hardState === null) return;

    // Check everything before writing anything: a refused call leaves the storage as it was.
    if (snapshot !== null && snapshot.index < this.snapshotIndex()) {
      throw new RangeError(`snapshot ${snapshot.index} is older than the stored snapshot ${this.snapshotIndex()}`);
    }
    if (snapshot !== null && this.snapshot !== null && snapshot.index === this.snapshot.index) {
      // Its file would replace the one in force before the WAL record saying so is written.
      if (snapshot.term !== this.snapshot.term) {
        throw new RangeError(
          `snapshot ${snapshot.index} has term ${snapshot.term}, the stored one ${this.snapshot.term}`,
        );
      }
    }
    const baseIndex = snapshot?.index ?? this.snapshotIndex();
    const stored = snapshot === null ? this.entries.length : 0;
    let keep = stored;
    const first = entries[0];
    if (first !== undefined) {
      keep = first.index - baseIndex - 1;
      if (keep < 0 || keep > stored) {
        throw new RangeError(`entries from ${first.index} do not follow the stored log (last ${baseIndex + stored})`);
      }
      entries.forEach((e, k) => {
        if (e.index !== first.index + k) throw new RangeError(`entries are not consecutive at ${e.index}`);
      });
    }
    const newLast = baseIndex + keep + entries.length;
    const newHardState = hardState ?? this.hardState;
    if (newHardState.commit > newLast) {
      throw new RangeError(`commit index ${newHardState.commit} would be beyond the last index ${newLast}`);
    }
    const snapshotFile = snapshot === null ? null : encodeSnapshotFile(snapshot);
    const ref = snapshot === null ? null : { index: snapshot.index, term: snapshot.term };
    const record = encodeWalRecord({ t: 'b', s: ref, e: entries, h: hardState });
    const maxIndex = Math.max(snapshot?.index ?? 0, entries.at(-1)?.index ?? 0);
    const sync = mustSync(this.hardState, part);

    this.io(() => {
      if (snapshotFile !== null) writeSnapshotFile(this.dir, snapshotFile);
      this.append(record, maxIndex, sync);
    });

    if (snapshot !== null) {
      this.snapshot = snapshot;
      this.entries = [];
      this.lastMarkerSeq = this.newestSegment().seq;
    }
    if (first !== undefined) {
      this.entries.length = keep;
      for (const e of entries) this.entries.push(e);
    }
    if (hardState !== null) this.hardState = hardState;
    if (snapshot !== null) this.io(() => this.collectGarbage());
  }

  /**
   * A snapshot the node took itself (RawNode.compact): write it atomically, record it in the WAL,
   * then delete the WAL segments it makes useless and snapshots beyond keepSnapshots.
   */
  saveSnapshot(snapshot: Snapshot): void {
    this.checkUsable();
    const current = this.snapshotIndex();
    if (snapshot.index < current) {
      throw new RangeError(`snapshot ${snapshot.index} is older than the stored snapshot ${current}`);
    }
    if (snapshot.index > this.lastIndex()) {
      throw new RangeError(`snapshot ${snapshot.index} is beyond the last stored index ${this.lastIndex()}`);
    }
    const term = this.termAt(snapshot.index);
    if (term !== snapshot.term) {
      throw new RangeError(
        `snapshot ${snapshot.index} has term ${snapshot.term} but the stored entry has term ${term}`,
      );
    }
    const snapshotFile = encodeSnapshotFile(snapshot);
    const record = encodeWalRecord({ t: 'c', index: snapshot.index, term: snapshot.term });

    this.io(() => {
      writeSnapshotFile(this.dir, snapshotFile);
      this.append(record, 0);
    });

    this.entries = this.entries.slice(snapshot.index - current);
    this.snapshot = snapshot;
    this.io(() => this.collectGarbage());
  }

  stats(): StorageStats {
    return {
      walBytes: this.segments.reduce((sum, s) => sum + s.size, 0),
      segments: this.segments.length,
      fsyncs: this.dir.fsyncs,
      lastIndex: this.lastIndex(),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  // ---- internals --------------------------------------------------------------------------

  private snapshotIndex(): number {
    return this.snapshot?.index ?? 0;
  }

  private lastIndex(): number {
    return this.entries.at(-1)?.index ?? this.snapshotIndex();
  }

  private termAt(index: number): number | undefined {
    if (index === this.snapshotIndex()) return this.snapshot?.term ?? 0;
    return this.entries[index - this.snapshotIndex() - 1]?.term;
  }

  private snapshotRef(): SnapshotRef | null {
    return this.snapshot === null ? null : { index: this.snapshot.index, term: this.snapshot.term };
  }

  private newestSegment(): Segment {
    return this.segments.at(-1)!;
  }

  private checkUsable(): void {
    if (this.closed) throw new Error(`storage in ${this.dir.path} is closed`);
    if (this.failure !== null) {
      throw new Error(`storage in ${this.dir.path} failed earlier (${this.failure.message}); the member must restart`, {
        cause: this.failure,
      });
    }
  }

  /** Run I/O; if it throws, the storage is failed for good (fail-stop). */
  private io(action: () => void): void {
    try {
      action();
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error('a non-Error was thrown', { cause: e });
      throw e;
    }
  }

  /** Append one framed record to the newest segment (starting a new one if it is full), fsynced if `sync`. */
  private append(record: Buffer, maxIndex: number, sync = true): void {
    let segment = this.newestSegment();
    if (segment.size >= this.segmentBytes) segment = this.rotate();
    const before = segment.size;
    try {
      DurableDir.writeAll(this.fd, record, before);
      if (sync) this.dir.fsync(this.fd);
      this.unsynced = !sync;
    } catch (e) {
      // Best effort: do not leave half a record that a later append would bury in the middle.
      try {
        fs.ftruncateSync(this.fd, before);
      } catch {
        // The storage is failed anyway; recovery will judge what is on disk.
      }
      throw e;
    }
    segment.size += record.length;
    segment.maxIndex = Math.max(segment.maxIndex, maxIndex);
  }

  private rotate(): Segment {
    // Recovery forgives a torn record only at the end of the newest segment.
    if (this.unsynced) this.dir.fsync(this.fd);
    this.unsynced = false;
    const seq = this.newestSegment().seq + 1;
    const created = createSegment(this.dir, seq, {
      t: 'head',
      seq,
      snap: this.snapshotRef(),
      last: this.lastIndex(),
      h: this.hardState,
    });
    fs.closeSync(this.fd);
    this.fd = created.fd;
    this.segments.push(created.segment);
    return created.segment;
  }

  /**
   * Delete the oldest segments while the snapshot in force covers every entry they ever held, or a
   * later snapshot from the leader threw them away; never the newest. Then snapshot files beyond
   * keepSnapshots. Segments go oldest first, each durably, so a crash leaves consecutive segments.
   */
  private collectGarbage(): void {
    const covered = this.snapshotIndex();
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      if (oldest.maxIndex > covered && oldest.seq >= this.lastMarkerSeq) break;
      this.dir.remove([oldest.name]);
      this.segments.shift();
    }
    const older = this.dir
      .list()
      .flatMap((n) => nonNull(parseSnapshotName(n)))
      .filter((i) => i < covered)
      .sort((a, b) => b - a);
    this.dir.remove(older.slice(this.keepSnapshots - 1).map(snapshotName));
  }
}

function createSegment(
  dir: DurableDir,
  seq: number,
  head: Extract<WalRecord, { t: 'head' }>,
): { fd: number; segment: Segment } {
  const bytes = encodeWalRecord(head);
  const name = segmentName(seq);
  const fd = dir.createExclusive(name);
  try {
    DurableDir.writeAll(fd, bytes, 0);
    dir.fsync(fd);
    dir.fsyncDir();
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return { fd, segment: { seq, name, size: bytes.length, maxIndex: 0 } };
}

function replayOrThrow(segments: readonly ReplaySegment[]): ReturnType<typeof replay> {
  try {
    return replay(segments);
  } catch (e) {
    if (e instanceof ReplayError) throw new StorageCorruptError(e.at.file, e.at.offset, e.message);
    throw e;
  }
}

function nonNull(n: number | null): number[] {
  return n === null ? [] : [n];
}
