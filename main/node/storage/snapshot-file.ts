// Snapshot files: snap-<16 hex index>.snap, one frame (length, CRC-32, JSON of the Snapshot), written
// atomically (temporary file, fsync, rename, fsync of the directory).

import fs from 'node:fs';
import type { Snapshot } from '../../raft/types.ts';
import type { DurableDir } from './durable-dir.ts';
import { StorageCorruptError } from './errors.ts';
import {
  FRAME_HEADER_BYTES,
  TEMP_SUFFIX,
  encodeSnapshot,
  parseSnapshot,
  readFrame,
  snapshotName,
} from './wal-format.ts';
import type { SnapshotRef } from './wal-format.ts';

/** Validate and frame a snapshot before any I/O, so a bad one is refused with nothing written. */
export function encodeSnapshotFile(snapshot: Snapshot): { readonly name: string; readonly bytes: Buffer } {
  return { name: snapshotName(snapshot.index), bytes: encodeSnapshot(snapshot) };
}

export function writeSnapshotFile(dir: DurableDir, file: { readonly name: string; readonly bytes: Buffer }): void {
  dir.writeAtomic(file.name, file.bytes, TEMP_SUFFIX);
}

/**
 * Read and check the snapshot the WAL names. Returns null if the file does not exist (the caller
 * reports that against the WAL record naming it); throws StorageCorruptError if it is damaged.
 */
export function readSnapshotFile(file: string, expected: SnapshotRef): Snapshot | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return null;
    throw e;
  }
  const frame = readFrame(buf, 0);
  if (!frame.ok) throw new StorageCorruptError(file, 0, frame.reason);
  if (frame.end !== buf.length) {
    throw new StorageCorruptError(file, frame.end, `${buf.length - frame.end} unexpected bytes after the snapshot`);
  }
  const parsed = parseSnapshot(frame.payload);
  if (!parsed.ok) throw new StorageCorruptError(file, FRAME_HEADER_BYTES, parsed.reason);
  const snapshot = parsed.value;
  if (snapshot.index !== expected.index || snapshot.term !== expected.term) {
    throw new StorageCorruptError(
      file,
      FRAME_HEADER_BYTES,
      `it holds the snapshot at index ${snapshot.index} term ${snapshot.term}, but the log names index ` +
        `${expected.index} term ${expected.term}`,
    );
  }
  return snapshot;
}
