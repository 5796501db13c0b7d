// DiskStorage recovery: a torn last record is cut off and reported; any other damage makes the
// member refuse to start with the file and byte offset; crash leftovers are cleaned up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskStorage, StorageCorruptError } from '../../main/node/storage/disk-storage.ts';
import type { StorageOptions } from '../../main/node/storage/disk-storage.ts';
import {
  encodeFrame,
  encodeWalRecord,
  readFrame,
  segmentName,
  snapshotName,
} from '../../main/node/storage/wal-format.ts';
import type { Entry, HardState, Membership, PersistedState, Snapshot } from '../../main/raft/types.ts';

const membership: Membership = { voters: [1, 2, 3], learners: [] };

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-recovery-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entry(index: number, term: number): Entry {
  return { index, term, payload: { kind: 'command', data: `set flat-${index} owner=member-${index}` } };
}

function hard(term: number, vote: number | null, commit: number): HardState {
  return { term, vote, commit };
}

function snap(index: number, term: number): Snapshot {
  return { index, term, membership, data: `image@${index}` };
}

function batch(i: number) {
  return { snapshot: null, entries: [entry(i, 1)], hardState: hard(1, 1, i - 1) };
}

/** The state after batches 1..n of `batch`. */
function stateAfter(n: number): PersistedState {
  const entries: Entry[] = [];
  for (let i = 1; i <= n; i++) entries.push(entry(i, 1));
  return { hardState: n === 0 ? hard(0, null, 0) : hard(1, 1, n - 1), snapshot: null, entries };
}

/** A closed data directory holding batches 1..n. */
function written(dir: string, n: number, options?: StorageOptions): void {
  const s = DiskStorage.open(dir, options);
  for (let i = 1; i <= n; i++) s.persist(batch(i));
  s.close();
}

function frames(buf: Buffer): { offset: number; end: number }[] {
  const out: { offset: number; end: number }[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const f = readFrame(buf, offset);
    if (!f.ok) break;
    out.push({ offset, end: f.end });
    offset = f.end;
  }
  return out;
}

function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith('wal-'))
    .sort()
    .map((n) => path.join(dir, n));
}

function flip(buf: Buffer, at: number): Buffer {
  const copy = Buffer.from(buf);
  copy[at] = copy[at]! ^ 0x20;
  return copy;
}

function assertCorrupt(open: () => unknown, file: string, offset: number, reason?: RegExp): StorageCorruptError {
  let caught: unknown = null;
  try {
    open();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof StorageCorruptError, `expected StorageCorruptError, got ${String(caught)}`);
  assert.equal(caught.name, 'StorageCorruptError');
  assert.equal(caught.file, file);
  assert.equal(caught.offset, offset, caught.message);
  assert.ok(caught.message.startsWith(`${file} is corrupt at byte ${offset}: `), caught.message);
  if (reason !== undefined) assert.match(caught.message, reason);
  assert.match(caught.message, /refuses to start/);
  return caught;
}

/** A byte flipped anywhere in `record` of `file`: the start is refused at the record, and nothing is changed. */
function assertEveryFlipRefused(
  dir: string,
  file: string,
  original: Buffer,
  record: { offset: number; end: number },
): void {
  for (let at = record.offset; at < record.end; at++) {
    const damaged = flip(original, at);
    fs.writeFileSync(file, damaged);
    assertCorrupt(() => DiskStorage.open(dir), file, record.offset);
    assert.deepEqual(fs.readFileSync(file), damaged, 'a refused start must not modify the file');
  }
}

test('a torn last record, cut at every byte, is truncated and reported; every earlier record survives', (t) => {
  const dir = tempDir(t);
  written(dir, 5);
  const [file] = segmentFiles(dir);
  assert.ok(file !== undefined);
  const original = fs.readFileSync(file);
  const last = frames(original).at(-1)!;
  assert.equal(last.end, original.length);
  for (let cut = last.offset; cut < last.end; cut++) {
    for (const zeroFilled of [false, true]) {
      // Either the file is short, or its size was updated but the data never reached the disk (zeros).
      const torn = Buffer.concat([original.subarray(0, cut), Buffer.alloc(zeroFilled ? last.end - cut : 0)]);
      fs.writeFileSync(file, torn);
      const s = DiskStorage.open(dir);
      const expectTorn = torn.length > last.offset;
      assert.deepEqual(s.load(), stateAfter(4), `cut at ${cut}`);
      if (expectTorn) {
        assert.deepEqual(
          { ...s.recovery.tornTail, reason: '' },
          { file, offset: last.offset, bytes: torn.length - last.offset, reason: '' },
          `cut at ${cut}`,
        );
      } else {
        assert.equal(s.recovery.tornTail, null);
      }
      assert.equal(fs.statSync(file).size, last.offset);
      // The log goes on from there, and the new record is read back.
      s.persist(batch(5));
      s.close();
      const again = DiskStorage.open(dir);
      assert.deepEqual(again.load(), stateAfter(5));
      assert.equal(again.recovery.tornTail, null);
      again.close();
    }
  }
});

test('a flipped byte anywhere in the final record is corruption, not a torn tail: it was fsynced and acted on', (t) => {
  const dir = tempDir(t);
  written(dir, 3);
  // The final record holds a vote: after fsync the member granted it, so it must never be dropped.
  const s = DiskStorage.open(dir);
  s.persist({ snapshot: null, entries: [], hardState: hard(2, 3, 2) });
  s.close();
  const [file] = segmentFiles(dir);
  const original = fs.readFileSync(file!);
  const last = frames(original).at(-1)!;
  assert.equal(last.end, original.length);
  assertEveryFlipRefused(dir, file!, original, last);
});

test('a final record part of which never reached the disk (a zero sector, or zeros at its end) is a torn write', (t) => {
  const dir = tempDir(t);
  written(dir, 2);
  const s = DiskStorage.open(dir);
  const big: Entry = { index: 3, term: 1, payload: { kind: 'command', data: 'x'.repeat(3000) } };
  s.persist({ snapshot: null, entries: [big], hardState: null });
  s.close();
  const [file] = segmentFiles(dir);
  const original = fs.readFileSync(file!);
  const last = frames(original).at(-1)!;
  const sector = Math.ceil((last.offset + 8) / 512) * 512;
  const holes = [
    [sector, sector + 512], // a sector in the middle was not written; the end was
    [last.end - 1, last.end], // the last byte was not written
  ] as const;
  for (const [from, to] of holes) {
    const torn = Buffer.from(original);
    torn.fill(0, from, to);
    fs.writeFileSync(file!, torn);
    const again = DiskStorage.open(dir);
    assert.deepEqual(again.load(), stateAfter(2), `zeros at ${from}-${to}`);
    assert.equal(again.recovery.tornTail?.offset, last.offset);
    assert.match(again.recovery.tornTail.reason, /CRC mismatch/);
    again.close();
  }
});

test('a crash while starting a new segment (its head torn or missing) is recovered', (t) => {
  const dir = tempDir(t);
  const options = { segmentBytes: 250 };
  written(dir, 6, options);
  const files = segmentFiles(dir);
  assert.ok(files.length >= 3);
  const previous = files.at(-2)!;
  const previousBuf = fs.readFileSync(previous);
  const newest = files.at(-1)!;
  const newestBuf = fs.readFileSync(newest);
  const head = frames(newestBuf)[0]!;
  const before = stateAfter(6);
  // Roll back to just after the previous segment was complete: the newest holds only part of its head.
  const kept = frames(newestBuf).length > 1 ? stateAfter(6 - (frames(newestBuf).length - 1)) : before;
  for (let cut = 0; cut < head.end; cut++) {
    fs.writeFileSync(previous, previousBuf);
    fs.writeFileSync(newest, newestBuf.subarray(0, cut));
    const s = DiskStorage.open(dir, options);
    assert.deepEqual(s.load(), kept);
    assert.deepEqual(s.recovery.removed, [newest]);
    assert.equal(s.recovery.tornTail === null, cut === 0);
    assert.ok(!fs.existsSync(newest));
    s.persist(batch(kept.entries.length + 1));
    s.close();
    const again = DiskStorage.open(dir, options);
    assert.deepEqual(again.load(), stateAfter(kept.entries.length + 1));
    again.close();
  }
});

test('a flipped byte anywhere in an early record is corruption at that record, and nothing is changed', (t) => {
  const dir = tempDir(t);
  written(dir, 5);
  const [file] = segmentFiles(dir);
  const original = fs.readFileSync(file!);
  assertEveryFlipRefused(dir, file!, original, frames(original)[2]!); // batch 2 (record 0 is the segment head)
});

test('a bad frame followed by a valid record in the newest segment is corruption, not a torn tail', (t) => {
  const dir = tempDir(t);
  written(dir, 4);
  const [file] = segmentFiles(dir);
  const original = fs.readFileSync(file!);
  const third = frames(original)[3]!;
  // Garbage where a record should start, then the last record intact.
  const garbage = Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5]);
  fs.writeFileSync(
    file!,
    Buffer.concat([original.subarray(0, third.offset), garbage, original.subarray(third.offset)]),
  );
  assertCorrupt(() => DiskStorage.open(dir), file!, third.offset, /runs past the end.*valid record follows at byte/);
});

test('a flipped byte in a segment that is not the newest is corruption, even in its last record', (t) => {
  const dir = tempDir(t);
  const options = { segmentBytes: 300 };
  written(dir, 10, options);
  const files = segmentFiles(dir);
  assert.ok(files.length >= 3);
  const file = files[1]!;
  const original = fs.readFileSync(file);
  const last = frames(original).at(-1)!;
  fs.writeFileSync(file, flip(original, last.offset + 12));
  assertCorrupt(() => DiskStorage.open(dir, options), file, last.offset, /CRC mismatch.*not the newest/);
  // Cut short instead: still corruption, never a silent truncation.
  fs.writeFileSync(file, original.subarray(0, last.end - 1));
  assertCorrupt(() => DiskStorage.open(dir, options), file, last.offset, /runs past the end/);
});

test('a record with a valid CRC but invalid content is corruption, even at the very end', (t) => {
  const dir = tempDir(t);
  written(dir, 2);
  const [file] = segmentFiles(dir);
  const size = fs.statSync(file!).size;
  fs.appendFileSync(file!, encodeFrame(Buffer.from(JSON.stringify({ t: 'b', s: null, e: [], h: { term: -1 } }))));
  assertCorrupt(() => DiskStorage.open(dir), file!, size, /not a valid WAL record/);
  fs.truncateSync(file!, size);
  fs.appendFileSync(file!, encodeFrame(Buffer.from('{not json')));
  assertCorrupt(() => DiskStorage.open(dir), file!, size, /not valid JSON/);
});

test('a hard state committing beyond the log is corruption at the hard-state record', (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, segmentName(1));
  const head = encodeWalRecord({ t: 'head', seq: 1, snap: null, last: 0, h: hard(0, null, 0) });
  const good = encodeWalRecord({ t: 'b', s: null, e: [entry(1, 1)], h: hard(1, 1, 1) });
  const bad = encodeWalRecord({ t: 'b', s: null, e: [], h: hard(1, 1, 5) });
  fs.writeFileSync(file, Buffer.concat([head, good, bad]));
  assertCorrupt(() => DiskStorage.open(dir), file, head.length + good.length, /commits index 5 but the log ends at 1/);
});

test('records that do not fit the log, or a head out of place, are corruption at that record', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, segmentName(1));
  const head = encodeWalRecord({ t: 'head', seq: 1, snap: null, last: 0, h: hard(0, null, 0) });
  const one = encodeWalRecord({ t: 'b', s: null, e: [entry(1, 1)], h: null });
  const gap = encodeWalRecord({ t: 'b', s: null, e: [entry(3, 1)], h: null });
  fs.writeFileSync(file, Buffer.concat([head, one, gap]));
  assertCorrupt(() => DiskStorage.open(dir), file, head.length + one.length, /entries from 3 do not follow/);
  const compactBeyond = encodeWalRecord({ t: 'c', index: 4, term: 1 });
  fs.writeFileSync(file, Buffer.concat([head, one, compactBeyond]));
  assertCorrupt(() => DiskStorage.open(dir), file, head.length + one.length, /compaction to 4 is outside the log/);
  const wrongSeq = encodeWalRecord({ t: 'head', seq: 2, snap: null, last: 0, h: hard(0, null, 0) });
  fs.writeFileSync(file, Buffer.concat([wrongSeq, one]));
  assertCorrupt(() => DiskStorage.open(dir), file, 0, /not the head of segment 1/);
  fs.writeFileSync(file, Buffer.concat([head, one, head]));
  assertCorrupt(() => DiskStorage.open(dir), file, head.length + one.length, /head record in the middle/);
});

test('a missing segment is named, whether in the middle or the oldest', (t) => {
  const dir = tempDir(t);
  const options = { segmentBytes: 300 };
  written(dir, 10, options);
  const files = segmentFiles(dir);
  assert.ok(files.length >= 4);
  const oldest = fs.readFileSync(files[0]!);
  fs.rmSync(files[1]!);
  assertCorrupt(() => DiskStorage.open(dir, options), files[1]!, 0, /this segment is missing/);
  // Without the oldest segments, the first left starts after entries no segment holds.
  fs.rmSync(files[0]!);
  assertCorrupt(() => DiskStorage.open(dir, options), files[2]!, 0, /an older segment is missing/);
  fs.writeFileSync(files[0]!, oldest);
});

test('a damaged snapshot file is named; a missing one is reported at the WAL record naming it', (t) => {
  const dir = tempDir(t);
  const s = DiskStorage.open(dir);
  for (let i = 1; i <= 5; i++) s.persist(batch(i));
  s.saveSnapshot(snap(3, 1));
  s.close();
  const file = path.join(dir, snapshotName(3));
  const original = fs.readFileSync(file);
  for (let at = 0; at < original.length; at++) {
    fs.writeFileSync(file, flip(original, at));
    assertCorrupt(() => DiskStorage.open(dir), file, 0);
  }
  fs.writeFileSync(file, Buffer.concat([original, Buffer.from([0])]));
  assertCorrupt(() => DiskStorage.open(dir), file, original.length, /unexpected bytes after the snapshot/);
  // A well-formed snapshot of another index under this name.
  fs.writeFileSync(file, encodeFrame(Buffer.from(JSON.stringify(snap(2, 1)))));
  assertCorrupt(
    () => DiskStorage.open(dir),
    file,
    8,
    /holds the snapshot at index 2 term 1, but the log names index 3/,
  );
  fs.rmSync(file);
  const [segment] = segmentFiles(dir);
  const compaction = frames(fs.readFileSync(segment!)).at(-1)!;
  assertCorrupt(
    () => DiskStorage.open(dir),
    segment!,
    compaction.offset,
    /names the snapshot .*snap-0000000000000003\.snap, which is missing/,
  );
  fs.writeFileSync(file, original);
  const ok = DiskStorage.open(dir);
  assert.deepEqual(ok.load().snapshot, snap(3, 1));
  ok.close();
});

test('crash leftovers are removed on open: temporary snapshots, snapshots the WAL never named', (t) => {
  const dir = tempDir(t);
  const s = DiskStorage.open(dir);
  for (let i = 1; i <= 5; i++) s.persist(batch(i));
  s.saveSnapshot(snap(2, 1));
  s.close();
  const temp = path.join(dir, `${snapshotName(4)}.tmp`);
  fs.writeFileSync(temp, 'half a snapsh');
  // A crash after the snapshot file was renamed into place but before its WAL record was written.
  const orphan = path.join(dir, snapshotName(4));
  fs.writeFileSync(orphan, encodeFrame(Buffer.from(JSON.stringify(snap(4, 1)))));
  const unrelated = path.join(dir, 'notes.txt');
  fs.writeFileSync(unrelated, 'not ours');
  const again = DiskStorage.open(dir);
  assert.deepEqual([...again.recovery.removed].sort(), [orphan, temp].sort());
  assert.ok(!fs.existsSync(temp) && !fs.existsSync(orphan) && fs.existsSync(unrelated));
  assert.deepEqual(again.load(), { ...stateAfter(5), snapshot: snap(2, 1), entries: stateAfter(5).entries.slice(2) });
  again.close();
});

test('a crash between writing a leader snapshot file and its WAL record keeps the old log', (t) => {
  const dir = tempDir(t);
  written(dir, 4);
  // Snapshot 9 from the leader reached its file, but the WAL record (snapshot + hard state) is torn.
  fs.writeFileSync(path.join(dir, snapshotName(9)), encodeFrame(Buffer.from(JSON.stringify(snap(9, 2)))));
  const [file] = segmentFiles(dir);
  const size = fs.statSync(file!).size;
  const record = encodeWalRecord({ t: 'b', s: { index: 9, term: 2 }, e: [], h: hard(2, null, 9) });
  fs.appendFileSync(file!, record.subarray(0, record.length - 5));
  const s = DiskStorage.open(dir);
  assert.deepEqual(s.load(), stateAfter(4));
  assert.equal(s.recovery.tornTail?.offset, size);
  assert.deepEqual(s.recovery.removed, [path.join(dir, snapshotName(9))]);
  s.close();
});

test('after a failed write the storage refuses every call until reopened', (t) => {
  const dir = tempDir(t);
  const s = DiskStorage.open(dir);
  s.persist(batch(1));
  s.persist(batch(2));
  // The snapshot's temporary file cannot be created: a directory is in the way.
  const blocker = path.join(dir, `${snapshotName(1)}.tmp`);
  fs.mkdirSync(blocker);
  assert.throws(() => {
    s.saveSnapshot(snap(1, 1));
  }, /EISDIR/);
  assert.throws(() => {
    s.persist(batch(3));
  }, /failed earlier \(.*EISDIR.*\); the member must restart/);
  assert.throws(() => s.load(), /failed earlier/);
  s.close();
  // Not a file: open leaves it alone rather than deleting a directory.
  const reopened = DiskStorage.open(dir);
  assert.deepEqual(reopened.load(), stateAfter(2));
  assert.deepEqual(reopened.recovery.removed, []);
  assert.ok(fs.statSync(blocker).isDirectory());
  reopened.close();
});
