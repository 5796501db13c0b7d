// Rebuild a member's persistent state from the records of its WAL segments (already framed, CRC-checked
// and schema-validated by wal-format.ts). Pure: no I/O, so every rule can be tested on plain data.
//
// How it stays exact although old segments get deleted:
//  - The snapshot in force is named by the latest reference: a `c` record, the `s` of a `b` record,
//    or, when neither is left, the head of the oldest remaining segment. Call its index the floor.
//  - Replay starts at the latest `s` record (the log restarted there, nothing before it matters),
//    or at the start of the oldest remaining segment if no `s` record is left.
//  - Only entries above the floor are kept; entries at or below it are in the snapshot. The true
//    last index is tracked as a number, so overwrite semantics are exact above the floor.
//  - Segments are deleted only while every entry they ever held is at or below the floor, or they
//    precede the latest `s` record. So when replay starts at a segment's head, no entry above the
//    floor lived in the deleted segments: the head's `last` must be at or below the floor, which is
//    checked (a segment deleted by hand shows up here, or as a gap in the sequence numbers).
// Hard state is the latest `h` anywhere: every head repeats it, so it survives deletion.

import type { Entry, HardState } from '../../raft/types.ts';
import type { ScannedRecord, SnapshotRef } from './wal-format.ts';

export interface ReplaySegment {
  readonly file: string;
  readonly seq: number;
  readonly records: readonly ScannedRecord[];
}

export interface RecordPosition {
  readonly file: string;
  readonly offset: number;
}

export interface ReplayResult {
  readonly hardState: HardState;
  /** Where the hard state above was read (for error messages). */
  readonly hardStateAt: RecordPosition;
  /** The snapshot in force, or null; its file must hold exactly this index and term. */
  readonly snapshot: SnapshotRef | null;
  /** The record naming that snapshot. */
  readonly snapshotAt: RecordPosition;
  /** Entries after the snapshot, consecutive. */
  readonly entries: Entry[];
  readonly lastIndex: number;
  /** Highest entry or snapshot-marker index each segment ever held (0 if none), by sequence number. */
  readonly maxIndexBySeq: ReadonlyMap<number, number>;
  /** Sequence number of the segment holding the latest `s` record, or 0. */
  readonly lastMarkerSeq: number;
}

/** Thrown with the position of the record at fault; disk-storage.ts turns it into a StorageCorruptError. */
export class ReplayError extends Error {
  override name = 'ReplayError';
  readonly at: RecordPosition;

  constructor(at: RecordPosition, reason: string) {
    super(reason);
    this.at = at;
  }
}

function refIndex(ref: SnapshotRef | null): number {
  return ref?.index ?? 0;
}

function sameRef(a: SnapshotRef | null, b: SnapshotRef | null): boolean {
  return refIndex(a) === refIndex(b) && (a?.term ?? 0) === (b?.term ?? 0);
}

export function replay(segments: readonly ReplaySegment[]): ReplayResult {
  const firstSegment = segments[0];
  const firstRecord = firstSegment?.records[0];
  if (firstSegment === undefined || firstRecord === undefined) throw new Error('replay needs a non-empty segment');
  const head = firstRecord.record;
  if (head.t !== 'head')
    throw new ReplayError(at(firstSegment, firstRecord), 'a segment must start with a head record');

  // Pass 1: the latest hard state, the snapshot in force, where replay starts, and per-segment maxima.
  let hardState = head.h;
  let hardStateAt = at(firstSegment, firstRecord);
  let snapshot = head.snap;
  let snapshotAt = hardStateAt;
  let start: { segment: number; record: number } | null = null;
  let lastMarkerSeq = 0;
  const maxIndexBySeq = new Map<number, number>();
  for (const [si, segment] of segments.entries()) {
    let max = 0;
    for (const [ri, scanned] of segment.records.entries()) {
      const r = scanned.record;
      if (r.t === 'head') {
        hardState = r.h;
        hardStateAt = at(segment, scanned);
      } else if (r.t === 'b') {
        if (r.s !== null) {
          snapshot = r.s;
          snapshotAt = at(segment, scanned);
          start = { segment: si, record: ri };
          lastMarkerSeq = segment.seq;
          max = Math.max(max, r.s.index);
        }
        const last = r.e.at(-1);
        if (last !== undefined) max = Math.max(max, last.index);
        if (r.h !== null) {
          hardState = r.h;
          hardStateAt = at(segment, scanned);
        }
      } else {
        snapshot = { index: r.index, term: r.term };
        snapshotAt = at(segment, scanned);
      }
    }
    maxIndexBySeq.set(segment.seq, max);
  }
  const floor = refIndex(snapshot);

  // Pass 2: the log. `entries` holds exactly the entries in (floor, trueLast].
  let entries: Entry[] = [];
  let base: SnapshotRef | null;
  let trueLast: number;
  let from: { segment: number; record: number };
  if (start === null) {
    base = head.snap;
    trueLast = head.last;
    if (trueLast < refIndex(base)) {
      throw new ReplayError(
        at(firstSegment, firstRecord),
        `head says the log ends at ${trueLast}, before its snapshot`,
      );
    }
    if (trueLast > floor) {
      throw new ReplayError(
        at(firstSegment, firstRecord),
        `this segment continues a log that ended at ${trueLast} but no remaining segment holds entries ` +
          `${floor + 1}..${trueLast} (an older segment is missing)`,
      );
    }
    from = { segment: 0, record: 1 };
  } else {
    base = null; // set by the `s` record replay starts at
    trueLast = 0;
    from = start;
  }

  for (let si = from.segment; si < segments.length; si++) {
    const segment = segments[si]!;
    const records = segment.records;
    for (let ri = si === from.segment ? from.record : 0; ri < records.length; ri++) {
      const scanned = records[ri]!;
      const r = scanned.record;
      const here = at(segment, scanned);
      if (r.t === 'head') {
        if (r.last !== trueLast || !sameRef(r.snap, base)) {
          throw new ReplayError(
            here,
            `segment head (last ${r.last}, snapshot ${refIndex(r.snap)}) does not match the log before it ` +
              `(last ${trueLast}, snapshot ${refIndex(base)})`,
          );
        }
      } else if (r.t === 'b') {
        if (r.s !== null) {
          if (r.s.index > floor) throw new ReplayError(here, `snapshot ${r.s.index} is newer than the one in force`);
          base = r.s;
          trueLast = r.s.index;
          entries = [];
        }
        const first = r.e[0];
        if (first !== undefined) {
          r.e.forEach((e, k) => {
            if (e.index !== first.index + k) throw new ReplayError(here, `entries are not consecutive at ${e.index}`);
          });
          if (first.index <= refIndex(base) || first.index > trueLast + 1) {
            throw new ReplayError(
              here,
              `entries from ${first.index} do not follow the log (snapshot ${refIndex(base)}, last ${trueLast})`,
            );
          }
          entries.length = Math.min(entries.length, Math.max(0, first.index - 1 - floor));
          for (const e of r.e) if (e.index > floor) entries.push(e);
          trueLast = first.index + r.e.length - 1;
          if (trueLast > floor && entries[0]?.index !== floor + 1) {
            throw new ReplayError(here, `entries after snapshot ${floor} do not start at ${floor + 1}`);
          }
        }
      } else {
        if (r.index < refIndex(base) || r.index > trueLast) {
          throw new ReplayError(
            here,
            `compaction to ${r.index} is outside the log (snapshot ${refIndex(base)}, last ${trueLast})`,
          );
        }
        base = { index: r.index, term: r.term };
      }
    }
  }

  const lastIndex = Math.max(floor, trueLast);
  if (hardState.commit > lastIndex) {
    throw new ReplayError(hardStateAt, `hard state commits index ${hardState.commit} but the log ends at ${lastIndex}`);
  }
  return { hardState, hardStateAt, snapshot, snapshotAt, entries, lastIndex, maxIndexBySeq, lastMarkerSeq };
}

function at(segment: ReplaySegment, scanned: ScannedRecord): RecordPosition {
  return { file: segment.file, offset: scanned.offset };
}
