// The on-disk format of one member's data directory, and the code that frames, checks and parses
// records. Nothing here touches the file system; disk-storage.ts does the I/O.
//
// FILES
//   wal-<16 hex digits: segment sequence number, from 1>.log   write-ahead log segments, mode 0600
//   snap-<16 hex digits: snapshot index>.snap                   snapshots, mode 0600
//   *.tmp                                                       half-written snapshots (deleted on open)
//
// FRAME (every WAL record, and the whole content of a snapshot file)
//   u32 little-endian  payload length in bytes (> 0)
//   u32 little-endian  CRC-32 (zlib.crc32, the IEEE polynomial) of the payload
//   payload            UTF-8 JSON
//
// WAL RECORDS (the JSON payload; every record is validated with zod when read back)
//   {"t":"head","seq":N,"snap":{"index":I,"term":T}|null,"last":L,"h":HardState}
//       The first record of every segment: its own sequence number, the snapshot in force, the
//       last log index and the hard state at the moment the segment was created. Thanks to it a
//       segment can be read without the ones before it, so those can be deleted after compaction.
//   {"t":"b","s":{"index":I,"term":T}|null,"e":[Entry...],"h":HardState|null}
//       One persist() call, atomically (one frame: if it is torn, none of it happened, and the node
//       acknowledged none of it because it only acts once persist() has returned). Applied in order:
//       `s`: a snapshot from the leader (file snap-I.snap, written before this record) replaces the
//            whole log: the log restarts after index I;
//       `e`: consecutive entries; any entry at or after e[0].index is replaced (append-only file,
//            logical truncation);
//       `h`: the new hard state (term, vote, commit).
//   {"t":"c","index":I,"term":T}
//       The node compacted its log: snap-I.snap (written and fsynced before this record) holds
//       everything up to and including I.
//
// The WAL is the single source of truth: the snapshot in force is the one named by its latest
// head/`s`/`c` record. A snapshot file the WAL does not name yet is a leftover from a crash between
// writing the file and writing its record (never acknowledged): it is deleted on open.
//
// SEGMENTS. Records are appended to the newest segment; before a record is appended to a segment
// that has reached segmentBytes, a new segment is started with a head record. Segment numbers are
// consecutive. After a compaction (or a snapshot from the leader) the oldest segments are deleted
// while every entry they ever held is covered by the snapshot in force, or they are older than the
// segment holding the latest `s` record (which threw away everything before it). The newest
// segment is never deleted. See wal-replay.ts for why this keeps recovery exact.
//
// TORN TAIL VS CORRUPTION. A crash can only tear the end of the newest segment: every record is
// fsynced before the next is written, except one that only moves the commit index, which waits for
// the next fsync (one is forced before a new segment is started). A bad frame is a torn tail when
// it is in the newest segment, no valid frame can be found at any later offset, AND it looks like
// an interrupted write: the file ends inside it (a short header, or a length running past the end
// while the bytes that are there do not form a whole record), or part of it was never written (a
// zero length with only zeros after it; a CRC mismatch with a whole disk sector of zeros in the
// payload, or a zero last byte, where a written JSON payload has its '}'). The file is then cut
// back to the last good record. Anything else is corruption, and the member refuses to start: a bad
// frame in an older segment, a bad frame followed by a valid record, a record whose CRC is right
// but whose content fails validation, and a last record that was written whole and then damaged (a
// flipped byte): it was fsynced, so the member may have acted on it (voted, acknowledged entries),
// and dropping it could break a promise the member made.

import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { Entry, HardState, Snapshot } from '../../raft/types.ts';
import { entrySchema, hardStateSchema, snapshotSchema } from '../raft-schemas.ts';

export const FRAME_HEADER_BYTES = 8;
const MAX_PAYLOAD_BYTES = 0xffff_ffff;
const OPEN_BRACE = 0x7b;

export interface SnapshotRef {
  readonly index: number;
  readonly term: number;
}

export type WalRecord =
  | {
      readonly t: 'head';
      readonly seq: number;
      readonly snap: SnapshotRef | null;
      readonly last: number;
      readonly h: HardState;
    }
  | { readonly t: 'b'; readonly s: SnapshotRef | null; readonly e: readonly Entry[]; readonly h: HardState | null }
  | { readonly t: 'c'; readonly index: number; readonly term: number };

const nonNegativeInt = z.number().int().nonnegative();
const snapshotRefSchema = z.object({ index: nonNegativeInt, term: nonNegativeInt }).strict();

export const walRecordSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('head'),
      seq: nonNegativeInt.min(1),
      snap: snapshotRefSchema.nullable(),
      last: nonNegativeInt,
      h: hardStateSchema,
    })
    .strict(),
  z
    .object({
      t: z.literal('b'),
      s: snapshotRefSchema.nullable(),
      e: z.array(entrySchema),
      h: hardStateSchema.nullable(),
    })
    .strict(),
  z.object({ t: z.literal('c'), index: nonNegativeInt, term: nonNegativeInt }).strict(),
]) satisfies z.ZodType<WalRecord>;

// ---- frames ---------------------------------------------------------------------------------

export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`cannot frame a payload of ${payload.length} bytes`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export type FrameRead =
  | { readonly ok: true; readonly payload: Buffer; readonly end: number }
  | { readonly ok: false; readonly reason: string };

/** The frame starting at `offset`, or why there is no intact frame there. */
export function readFrame(buf: Buffer, offset: number): FrameRead {
  const remaining = buf.length - offset;
  if (remaining < FRAME_HEADER_BYTES) {
    return { ok: false, reason: `only ${remaining} bytes remain, less than a record header` };
  }
  const length = buf.readUInt32LE(offset);
  if (length === 0) return { ok: false, reason: 'zero-length record' };
  const end = offset + FRAME_HEADER_BYTES + length;
  if (end > buf.length) {
    return {
      ok: false,
      reason: `a record of ${length} bytes runs past the end of the file (${remaining - FRAME_HEADER_BYTES} bytes remain)`,
    };
  }
  const payload = buf.subarray(offset + FRAME_HEADER_BYTES, end);
  const stored = buf.readUInt32LE(offset + 4);
  const computed = crc32(payload);
  if (stored !== computed) {
    return { ok: false, reason: `CRC mismatch (stored ${hex32(stored)}, computed ${hex32(computed)})` };
  }
  return { ok: true, payload, end };
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

// ---- payloads -------------------------------------------------------------------------------

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return 'invalid';
  const path = first.path.length > 0 ? first.path.join('.') : '(root)';
  return `${path}: ${first.message}`;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function parseWalRecord(payload: Buffer): Parsed<WalRecord> {
  const json = parseJson(payload);
  if (!json.ok) return json;
  const result = walRecordSchema.safeParse(json.value);
  if (!result.success) return { ok: false, reason: `not a valid WAL record (${describeIssues(result.error)})` };
  return { ok: true, value: result.data };
}

export function parseSnapshot(payload: Buffer): Parsed<Snapshot> {
  const json = parseJson(payload);
  if (!json.ok) return json;
  const result = snapshotSchema.safeParse(json.value);
  if (!result.success) return { ok: false, reason: `not a valid snapshot (${describeIssues(result.error)})` };
  return { ok: true, value: result.data };
}

/** Validate before writing: never put on disk what recovery would refuse to read back. */
export function encodeWalRecord(record: WalRecord): Buffer {
  const result = walRecordSchema.safeParse(record);
  if (!result.success) throw new RangeError(`refusing to write an invalid WAL record: ${describeIssues(result.error)}`);
  return encodeFrame(Buffer.from(JSON.stringify(result.data), 'utf8'));
}

export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const result = snapshotSchema.safeParse(snapshot);
  if (!result.success) throw new RangeError(`refusing to write an invalid snapshot: ${describeIssues(result.error)}`);
  return encodeFrame(Buffer.from(JSON.stringify(result.data), 'utf8'));
}

// ---- scanning a segment ---------------------------------------------------------------------

export interface ScannedRecord {
  readonly offset: number;
  readonly record: WalRecord;
}

export type SegmentScan =
  | {
      readonly ok: true;
      readonly records: readonly ScannedRecord[];
      /** A bad frame at the end with nothing valid after it: where the good part ends, and why. */
      readonly torn: { readonly offset: number; readonly reason: string } | null;
    }
  | { readonly ok: false; readonly offset: number; readonly reason: string };

/**
 * Read every record of one segment. `newest` says whether it is the newest segment, the only one
 * a crash may have left with a torn last record.
 */
export function scanSegment(buf: Buffer, newest: boolean): SegmentScan {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const frame = readFrame(buf, offset);
    if (frame.ok) {
      const parsed = parseWalRecord(frame.payload);
      // The CRC is right, so the record was written whole: bad content is not a torn write.
      if (!parsed.ok) return { ok: false, offset, reason: parsed.reason };
      records.push({ offset, record: parsed.value });
      offset = frame.end;
      continue;
    }
    if (!newest) return { ok: false, offset, reason: `${frame.reason}, in a segment that is not the newest` };
    const next = findValidRecord(buf, offset + 1);
    if (next !== null) {
      return { ok: false, offset, reason: `${frame.reason}, yet a valid record follows at byte ${next}` };
    }
    const damage = damageNotTear(buf, offset);
    if (damage !== null) return { ok: false, offset, reason: `${frame.reason}; ${damage}` };
    return { ok: true, records, torn: { offset, reason: frame.reason } };
  }
  return { ok: true, records, torn: null };
}

/** A disk writes whole sectors: after a power loss each one holds all of its new bytes or none. */
const SECTOR_BYTES = 512;

/**
 * Why the bad frame at `offset`, the last thing in the file, cannot be a write a crash interrupted,
 * or null when it can be one (see TORN TAIL VS CORRUPTION above).
 */
function damageNotTear(buf: Buffer, offset: number): string | null {
  if (buf.length - offset < FRAME_HEADER_BYTES) return null;
  const length = buf.readUInt32LE(offset);
  const start = offset + FRAME_HEADER_BYTES;
  if (length === 0) {
    return buf.subarray(start).every((b) => b === 0) ? null : 'written data follows a zero length field';
  }
  const end = start + length;
  if (end > buf.length) {
    const intact = crc32(buf.subarray(start)) === buf.readUInt32LE(offset + 4);
    return intact ? 'the bytes after the header are a whole record: its length field is damaged' : null;
  }
  if (buf[end - 1] === 0 || hasZeroSector(buf, start, end)) return null;
  return 'the whole record is there, so it was written and then damaged, not torn by a crash';
}

/** Whether a whole sector (by file offset) inside [start, end) holds only zeros. */
function hasZeroSector(buf: Buffer, start: number, end: number): boolean {
  for (let s = Math.ceil(start / SECTOR_BYTES) * SECTOR_BYTES; s + SECTOR_BYTES <= end; s += SECTOR_BYTES) {
    if (buf.subarray(s, s + SECTOR_BYTES).every((b) => b === 0)) return true;
  }
  return false;
}

/**
 * The first offset at or after `from` where a whole, valid WAL record starts, or null. A torn
 * write leaves garbage or zeros, never a valid record (a frame header cannot hide inside a JSON
 * payload: its length bytes would include raw control characters), so finding one means data
 * after the bad spot would be lost by truncating.
 */
export function findValidRecord(buf: Buffer, from: number): number | null {
  for (let p = from; p + FRAME_HEADER_BYTES < buf.length; p++) {
    const length = buf.readUInt32LE(p);
    if (length === 0 || p + FRAME_HEADER_BYTES + length > buf.length) continue;
    if (buf[p + FRAME_HEADER_BYTES] !== OPEN_BRACE) continue;
    const frame = readFrame(buf, p);
    if (frame.ok && parseWalRecord(frame.payload).ok) return p;
  }
  return null;
}

// ---- file names -----------------------------------------------------------------------------

const SEGMENT_NAME = /^wal-([0-9a-f]{16})\.log$/;
const SNAPSHOT_NAME = /^snap-([0-9a-f]{16})\.snap$/;
export const TEMP_SUFFIX = '.tmp';

function hex16(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot name a file after ${n}`);
  return n.toString(16).padStart(16, '0');
}

export function segmentName(seq: number): string {
  return `wal-${hex16(seq)}.log`;
}

export function snapshotName(index: number): string {
  return `snap-${hex16(index)}.snap`;
}

function parseHex(match: RegExpExecArray | null): number | null {
  const digits = match?.[1];
  if (digits === undefined) return null;
  const n = Number.parseInt(digits, 16);
  return Number.isSafeInteger(n) ? n : null;
}

export function parseSegmentName(name: string): number | null {
  return parseHex(SEGMENT_NAME.exec(name));
}

export function parseSnapshotName(name: string): number | null {
  return parseHex(SNAPSHOT_NAME.exec(name));
}
