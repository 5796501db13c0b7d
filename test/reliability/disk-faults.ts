// What the crash-point runs do to a member's data directory, and how they look at it: whether a
// frozen member is in the middle of writing a snapshot or starting a WAL segment, a torn write
// added at the end of its log, a flipped byte in one of the files it will read. Read-only helpers
// use the product's own file format code (main/node/storage/wal-format.ts, wal-replay.ts).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseSegmentName,
  parseSnapshotName,
  readFrame,
  scanSegment,
  snapshotName,
  TEMP_SUFFIX,
} from '../../main/node/storage/wal-format.ts';
import { replay } from '../../main/node/storage/wal-replay.ts';
import type { Random } from '../sim/random.ts';

/** The WAL segments, oldest first, as full paths. */
function segments(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => parseSegmentName(n) !== null)
    .sort()
    .map((n) => join(dir, n));
}

/** [start, end) of every intact record (frame) at the start of `buf`, up to the first bad one. */
function frames(buf: Buffer): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let at = 0; at < buf.length;) {
    const f = readFrame(buf, at);
    if (!f.ok) break;
    out.push({ start: at, end: f.end });
    at = f.end;
  }
  return out;
}

export type Window = 'snapshot writing' | 'segment rotation';

/**
 * Which window a frozen member is in, judging by its files: a snapshot file being written (a
 * temporary file, or a snapshot newer than the one the WAL names: renamed, its WAL record not yet
 * written), or a new segment that does not hold more than its head record yet.
 */
export function openWindow(dir: string): Window | null {
  const names = readdirSync(dir);
  if (names.some((n) => n.endsWith(TEMP_SUFFIX))) return 'snapshot writing';
  const newest = segments(dir).at(-1);
  if (newest === undefined) return null;
  const scan = scanSegment(readFileSync(newest), true);
  if (!scan.ok) return null;
  if (scan.records.length <= 1) return 'segment rotation';
  let named = 0;
  for (const { record } of scan.records) {
    if (record.t === 'head') named = record.snap?.index ?? 0;
    else if (record.t === 'b' && record.s !== null) named = record.s.index;
    else if (record.t === 'c') named = record.index;
  }
  const newestSnapshot = Math.max(0, ...names.map((n) => parseSnapshotName(n) ?? 0));
  return newestSnapshot > named ? 'snapshot writing' : null;
}

/**
 * A crash in the middle of writing a record: append the beginning of one (a copy of the last
 * record, cut short, or at full length with its end never written: zeros) to the newest segment.
 * Returns the file and the offset where recovery must cut it off; null when the newest segment
 * holds no whole record (a kill while it was being started: it is torn already).
 */
export function tearTail(dir: string, r: Random): { file: string; offset: number } | null {
  const file = segments(dir).at(-1)!;
  const buf = readFileSync(file);
  const last = frames(buf).at(-1);
  if (last === undefined) return null;
  const record = buf.subarray(last.start, last.end);
  const cut = r.int(1, record.length - 1);
  const torn = r.chance(0.5)
    ? record.subarray(0, cut)
    : Buffer.concat([record.subarray(0, cut), Buffer.alloc(record.length - cut)]);
  // A kill may already have left a torn record: the new one goes where the intact ones end.
  const offset = last.end;
  writeFileSync(file, Buffer.concat([buf.subarray(0, offset), torn]));
  return { file, offset };
}

/**
 * Damage one byte of a file the member reads when it starts (a WAL segment, or the snapshot the
 * WAL names), inside an intact record. Returns the file, the byte, and the offset a correct refusal
 * names: the start of the damaged record.
 */
export function flipByte(dir: string, r: Random): { file: string; at: number; offset: number } {
  const wal = segments(dir);
  const scanned = wal.map((file, k) => {
    const scan = scanSegment(readFileSync(file), k === wal.length - 1);
    if (!scan.ok) throw new Error(`${file} is already damaged at byte ${scan.offset}: ${scan.reason}`);
    return { file, seq: parseSegmentName(file.slice(dir.length + 1))!, records: scan.records };
  });
  const inForce = replay(scanned).snapshot;
  const snapshot = inForce === null ? null : join(dir, snapshotName(inForce.index));
  const file = snapshot !== null && r.chance(0.25) ? snapshot : r.pick(wal);
  const buf = readFileSync(file);
  const record = r.pick(frames(buf));
  const at = r.int(record.start, record.end - 1);
  buf[at] = buf[at]! ^ r.int(1, 255);
  writeFileSync(file, buf);
  return { file, at, offset: record.start };
}
