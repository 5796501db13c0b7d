// DiskStorage, the durable storage of one member: round trips, the overwrite and snapshot semantics
// of the simulator's SimStorage (checked against it by a property test), compaction, and durability
// bookkeeping (fsyncs, directory mode, persist latency).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DiskStorage } from '../../main/node/storage/disk-storage.ts';
import type { StorageOptions } from '../../main/node/storage/disk-storage.ts';
import { encodeWalRecord } from '../../main/node/storage/wal-format.ts';
import { RaftLog } from '../../main/raft/log.ts';
import type { Entry, HardState, Membership, PersistedState, Ready, Snapshot } from '../../main/raft/types.ts';
import { SimStorage } from '../sim/sim-storage.ts';

const membership: Membership = { voters: [1, 2, 3], learners: [] };

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-storage-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entry(index: number, term: number, data = `cmd-${index}`): Entry {
  return { index, term, payload: { kind: 'command', data } };
}

function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

function hard(term: number, vote: number | null, commit: number): HardState {
  return { term, vote, commit };
}

function snap(index: number, term: number, data = `image@${index}`): Snapshot {
  return { index, term, membership, data };
}

function part(p: { snapshot?: Snapshot; entries?: Entry[]; hardState?: HardState }) {
  return { snapshot: p.snapshot ?? null, entries: p.entries ?? [], hardState: p.hardState ?? null };
}

function reopen(storage: DiskStorage, dir: string, options?: StorageOptions): DiskStorage {
  storage.close();
  return DiskStorage.open(dir, options);
}

test('a new directory loads as an empty log with the initial hard state', (t) => {
  const dir = tempDir(t);
  const s = DiskStorage.open(dir);
  assert.deepEqual(s.load(), { hardState: hard(0, null, 0), snapshot: null, entries: [] });
  assert.deepEqual(s.recovery, { tornTail: null, removed: [] });
  s.close();
});

test('the data directory is created with mode 0700, parents included', { skip: process.platform === 'win32' }, (t) => {
  const root = tempDir(t);
  const dir = path.join(root, 'a', 'member-1');
  DiskStorage.open(dir).close();
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(root, 'a')).mode & 0o777, 0o700);
  for (const name of fs.readdirSync(dir)) assert.equal(fs.statSync(path.join(dir, name)).mode & 0o777, 0o600);
});

test('round trip: entries of every kind, hard state and a snapshot survive a reopen', (t) => {
  const dir = tempDir(t);
  let s = DiskStorage.open(dir);
  const es: Entry[] = [
    { index: 1, term: 1, payload: { kind: 'noop' } },
    { index: 2, term: 1, payload: { kind: 'command', data: 'ünïcödé ✓ "quotes" \\ \n 🏠' } },
    {
      index: 3,
      term: 2,
      payload: {
        kind: 'membership',
        change: { kind: 'addLearner', node: 4 },
        membership: { voters: [1, 2, 3], learners: [4] },
      },
    },
  ];
  s.persist(part({ entries: es, hardState: hard(2, 1, 2) }));
  const expected: PersistedState = { hardState: hard(2, 1, 2), snapshot: null, entries: es };
  assert.deepEqual(s.load(), expected);
  s = reopen(s, dir);
  assert.deepEqual(s.load(), expected);
  s.saveSnapshot(snap(2, 1));
  s = reopen(s, dir);
  assert.deepEqual(s.load(), { hardState: hard(2, 1, 2), snapshot: snap(2, 1), entries: [es[2]] });
  s.close();
});

test('entries replace every stored entry at or after their first index, as in SimStorage', (t) => {
  const dir = tempDir(t);
  let s = DiskStorage.open(dir);
  s.persist(part({ entries: entries(1, 5, 1), hardState: hard(1, 1, 2) }));
  s.persist(part({ entries: entries(4, 4, 2), hardState: hard(2, 2, 2) })); // 5 is gone, 4 is replaced
  s = reopen(s, dir);
  assert.deepEqual(s.load().entries, [...entries(1, 3, 1), entry(4, 2)]);
  s.persist(part({ entries: entries(3, 6, 3) }));
  s = reopen(s, dir);
  assert.deepEqual(s.load().entries, [...entries(1, 2, 1), ...entries(3, 6, 3)]);
  assert.equal(s.stats().lastIndex, 6);
  s.close();
});

test('a snapshot from the leader replaces the whole log, and older segments with it', (t) => {
  const dir = tempDir(t);
  const options = { segmentBytes: 300 };
  let s = DiskStorage.open(dir, options);
  for (let i = 1; i <= 12; i++) s.persist(part({ entries: [entry(i, 1)], hardState: hard(1, null, Math.min(i, 2)) }));
  assert.ok(s.stats().segments > 3);
  // The follower's entries 3.. conflict with the leader's: the leader's snapshot at 8 (term 2) replaces them all.
  s.persist(part({ snapshot: snap(8, 2), entries: [entry(9, 2)], hardState: hard(2, null, 8) }));
  assert.equal(s.stats().segments, 1);
  const expected: PersistedState = { hardState: hard(2, null, 8), snapshot: snap(8, 2), entries: [entry(9, 2)] };
  assert.deepEqual(s.load(), expected);
  s = reopen(s, dir, options);
  assert.deepEqual(s.load(), expected);
  s.persist(part({ entries: entries(10, 11, 2), hardState: hard(2, null, 11) }));
  s = reopen(s, dir, options);
  assert.deepEqual(s.load().entries, [entry(9, 2), ...entries(10, 11, 2)]);
  s.close();
});

test('saveSnapshot deletes the segments it covers and snapshots beyond keepSnapshots; load stays right', (t) => {
  const dir = tempDir(t);
  const options = { segmentBytes: 400, keepSnapshots: 2 };
  let s = DiskStorage.open(dir, options);
  for (let i = 1; i <= 40; i++) s.persist(part({ entries: [entry(i, 1)], hardState: hard(1, 1, i) }));
  const before = s.stats();
  assert.ok(before.segments >= 10, `expected many segments, got ${before.segments}`);
  s.saveSnapshot(snap(20, 1));
  const after = s.stats();
  assert.ok(after.segments < before.segments / 2 + 2, `${after.segments} segments left of ${before.segments}`);
  assert.ok(after.walBytes < before.walBytes);
  s = reopen(s, dir, options);
  assert.deepEqual(s.load(), { hardState: hard(1, 1, 40), snapshot: snap(20, 1), entries: entries(21, 40, 1) });

  s.saveSnapshot(snap(30, 1));
  s.saveSnapshot(snap(35, 1));
  const snaps = fs.readdirSync(dir).filter((n) => n.endsWith('.snap'));
  assert.deepEqual(snaps, ['snap-000000000000001e.snap', 'snap-0000000000000023.snap']);
  s = reopen(s, dir, options);
  assert.deepEqual(s.load(), { hardState: hard(1, 1, 40), snapshot: snap(35, 1), entries: entries(36, 40, 1) });
  // The newest segment is never deleted, even when a snapshot covers the whole log.
  s.saveSnapshot(snap(40, 1));
  assert.ok(s.stats().segments >= 1);
  s = reopen(s, dir, options);
  assert.deepEqual(s.load(), { hardState: hard(1, 1, 40), snapshot: snap(40, 1), entries: [] });
  s.persist(part({ entries: [entry(41, 2)], hardState: hard(2, 1, 41) }));
  s = reopen(s, dir, options);
  assert.deepEqual(s.load().entries, [entry(41, 2)]);
  s.close();
});

test('invalid calls are refused before anything is written, and the storage stays usable', (t) => {
  const dir = tempDir(t);
  const s = DiskStorage.open(dir);
  s.persist(part({ entries: entries(1, 3, 1), hardState: hard(1, 1, 1) }));
  const fsyncs = s.stats().fsyncs;
  assert.throws(() => {
    s.persist(part({ entries: [entry(5, 1)] }));
  }, /do not follow the stored log/);
  assert.throws(() => {
    s.persist(part({ entries: [entry(4, 1), entry(6, 1)] }));
  }, /not consecutive/);
  assert.throws(() => {
    s.persist(part({ hardState: hard(1, 1, 9) }));
  }, /beyond the last index/);
  assert.throws(() => {
    s.persist(part({ hardState: hard(1, 0, 1) }));
  }, /invalid WAL record/);
  assert.throws(() => {
    s.saveSnapshot(snap(4, 1));
  }, /beyond the last stored index/);
  assert.throws(() => {
    s.saveSnapshot(snap(2, 7));
  }, /has term 7/);
  assert.equal(s.stats().fsyncs, fsyncs);
  s.persist(part({ entries: [entry(4, 1)] }));
  assert.equal(s.load().entries.length, 4);
  s.saveSnapshot(snap(2, 1));
  assert.throws(() => {
    s.saveSnapshot(snap(1, 1));
  }, /older than the stored snapshot/);
  assert.throws(() => {
    s.persist(part({ snapshot: snap(1, 2), hardState: hard(2, null, 1) }));
  }, /older than the stored snapshot/);
  // Its file would overwrite the snapshot in force with a different one before the WAL says so.
  assert.throws(() => {
    s.persist(part({ snapshot: snap(2, 2), hardState: hard(2, null, 2) }));
  }, /has term 2, the stored one 1/);
  assert.deepEqual(s.load().snapshot, snap(2, 1));
  s.close();
  assert.throws(() => s.load(), /closed/);
});

test('persist() fsyncs entries, terms and votes before returning; a commit index alone waits; an empty one writes nothing', (t) => {
  const dir = tempDir(t);
  let s = DiskStorage.open(dir);
  let last = s.stats();
  for (let i = 1; i <= 10; i++) {
    s.persist(part({ entries: [entry(i, 1)], hardState: hard(1, 1, i - 1) }));
    const now = s.stats();
    assert.equal(now.fsyncs, last.fsyncs + 1);
    assert.ok(now.walBytes > last.walBytes);
    last = now;
  }
  s.persist(part({}));
  assert.deepEqual(s.stats(), last);
  // Only the commit index moved: written, not fsynced (a crash may take it back; the leader resends it).
  s.persist(part({ hardState: hard(1, 1, 10) }));
  assert.equal(s.stats().fsyncs, last.fsyncs);
  assert.ok(s.stats().walBytes > last.walBytes);
  s.persist(part({ hardState: hard(2, null, 10) }));
  assert.equal(s.stats().fsyncs, last.fsyncs + 1);
  s.persist(part({ hardState: hard(2, 3, 10) }));
  assert.equal(s.stats().fsyncs, last.fsyncs + 2);
  // A killed process loses nothing it wrote: the page cache still has the unsynced record.
  s.persist(part({ hardState: hard(2, 3, 9) }));
  s = reopen(s, dir);
  assert.deepEqual(s.load().hardState, hard(2, 3, 9));
  assert.equal(s.stats().lastIndex, 10);
  s.close();
});

test(
  'an unsynced record is fsynced before a newer segment is started, so only the newest can end torn',
  { skip: process.platform !== 'linux' },
  (t) => {
    const dir = tempDir(t);
    const s = DiskStorage.open(dir, { segmentBytes: 1 });
    s.persist(part({ entries: [entry(1, 1)], hardState: hard(1, 1, 0) }));
    s.persist(part({ hardState: hard(1, 1, 1) }));
    const unsynced = fs
      .readdirSync(dir)
      .filter((n) => n.startsWith('wal-'))
      .sort()
      .at(-1)!;
    const fsynced: string[] = [];
    const real = fs.fsyncSync;
    t.mock.method(fs, 'fsyncSync', (fd: number) => {
      fsynced.push(path.basename(fs.readlinkSync(`/proc/self/fd/${fd}`)));
      real(fd);
    });
    s.persist(part({ entries: [entry(2, 1)] }));
    s.close();
    const newest = fs
      .readdirSync(dir)
      .filter((n) => n.startsWith('wal-'))
      .sort()
      .at(-1)!;
    assert.notEqual(newest, unsynced);
    assert.equal(fsynced[0], unsynced, `fsynced in order: ${fsynced.join(', ')}`);
  },
);

test('persist() latency: one small entry and a hard state, fsynced', (t) => {
  const dir = tempDir(t);
  const s = DiskStorage.open(dir);
  const times: number[] = [];
  for (let i = 1; i <= 200; i++) {
    const start = performance.now();
    s.persist(part({ entries: [entry(i, 1, 'set flat-12 owner=ada')], hardState: hard(1, 1, i - 1) }));
    times.push(performance.now() - start);
  }
  s.close();
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  t.diagnostic(
    `persist() of one small entry + hard state: mean ${mean.toFixed(3)} ms, median ${times[100]!.toFixed(3)} ms, ` +
      `p99 ${times[197]!.toFixed(3)} ms over 200 calls (${os.platform()}, ${os.tmpdir()})`,
  );
  assert.equal(times.length, 200);
});

// ---- the property: DiskStorage behaves exactly like SimStorage ----------------------------------

type Op =
  | { kind: 'append'; back: number; count: number; newTerm: boolean; withHard: boolean; commit: number; data: string }
  | { kind: 'hard'; newTerm: boolean; vote: number | null; commit: number }
  | { kind: 'leaderSnapshot'; ahead: number; follow: number }
  | { kind: 'compact'; at: number }
  | { kind: 'reopen' }
  | { kind: 'crash'; cut: number }
  | { kind: 'empty' };

const fraction = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      back: fc.nat({ max: 4 }),
      count: fc.integer({ min: 1, max: 4 }),
      newTerm: fc.boolean(),
      withHard: fc.boolean(),
      commit: fraction,
      data: fc.string({ unit: 'binary', maxLength: 12 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hard' as const),
      newTerm: fc.boolean(),
      vote: fc.option(fc.integer({ min: 1, max: 5 })),
      commit: fraction,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('leaderSnapshot' as const),
      ahead: fc.integer({ min: 1, max: 6 }),
      follow: fc.nat({ max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const), at: fraction }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), cut: fraction }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
);

/** Turn an abstract op into the Ready part a real node could produce, given what is stored. */
function concrete(op: Op, sim: SimStorage, term: number): { part: ReturnType<typeof part>; term: number } | null {
  const last = sim.lastIndex();
  const commit = sim.hardState.commit;
  const pick = (f: number, lo: number, hi: number) => Math.min(hi, lo + Math.floor(f * (hi - lo + 1)));
  switch (op.kind) {
    case 'append': {
      // Only entries above the commit index may be replaced (never committed ones).
      const from = Math.max(last + 1 - op.back, commit + 1, sim.snapshotIndex + 1);
      const t = op.newTerm ? term + 1 : term;
      const es: Entry[] = [];
      for (let i = 0; i < op.count; i++) es.push(entry(from + i, t, `${op.data}#${from + i}`));
      const newLast = from + op.count - 1;
      const hs = op.withHard ? hard(t, sim.hardState.vote, pick(op.commit, commit, newLast)) : undefined;
      return { part: part(hs === undefined ? { entries: es } : { entries: es, hardState: hs }), term: t };
    }
    case 'hard': {
      const t = op.newTerm ? term + 1 : term;
      return { part: part({ hardState: hard(t, op.vote, pick(op.commit, commit, last)) }), term: t };
    }
    case 'leaderSnapshot': {
      const t = term + 1;
      const index = commit + op.ahead; // a leader only sends a snapshot beyond the follower's commit
      const follow = entries(index + 1, index + op.follow, t);
      return { part: part({ snapshot: snap(index, t), entries: follow, hardState: hard(t, null, index) }), term: t };
    }
    default:
      return null;
  }
}

function readyOf(p: ReturnType<typeof part>): Ready {
  return {
    ...p,
    softState: null,
    committed: [],
    messages: [],
    readStates: [],
    droppedReads: [],
  };
}

test('property: any sequence of persist/saveSnapshot/reopen leaves DiskStorage equal to SimStorage', (t) => {
  const seen = {
    runs: 0,
    reopens: 0,
    crashes: 0,
    compactions: 0,
    leaderSnapshots: 0,
    maxSegments: 0,
    deletedSegments: 0,
  };
  fc.assert(
    fc.property(
      fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' }),
      fc.integer({ min: 120, max: 2000 }),
      fc.integer({ min: 1, max: 3 }),
      (ops, segmentBytes, keepSnapshots) => {
        seen.runs++;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-storage-prop-'));
        const options = { segmentBytes, keepSnapshots };
        let disk = DiskStorage.open(dir, options);
        try {
          const sim = new SimStorage();
          let term = 1;
          for (const op of ops) {
            if (op.kind === 'reopen') {
              disk = reopen(disk, dir, options);
              seen.reopens++;
              assert.equal(disk.recovery.tornTail, null);
              const loaded = disk.load();
              // What RaftLog expects of a restart: consecutive entries after the snapshot, commit within the log.
              const log = new RaftLog(membership, loaded.snapshot, loaded.entries, loaded.hardState.commit);
              assert.equal(log.lastIndex(), sim.lastIndex());
            } else if (op.kind === 'crash') {
              // The member dies while writing a record: only part of it reaches the newest segment.
              disk.close();
              const newest = path.join(
                dir,
                fs
                  .readdirSync(dir)
                  .filter((n) => n.startsWith('wal-'))
                  .sort()
                  .at(-1)!,
              );
              const size = fs.statSync(newest).size;
              const next = sim.lastIndex() + 1;
              const record = encodeWalRecord({ t: 'b', s: null, e: [entry(next, term)], h: hard(term, 1, next) });
              const written = 1 + Math.floor(op.cut * (record.length - 2));
              fs.appendFileSync(newest, record.subarray(0, written));
              disk = DiskStorage.open(dir, options);
              seen.crashes++;
              assert.deepEqual(
                { ...disk.recovery.tornTail, reason: '' },
                { file: newest, offset: size, bytes: written, reason: '' },
              );
              assert.equal(fs.statSync(newest).size, size);
            } else if (op.kind === 'compact') {
              const commit = sim.hardState.commit;
              if (commit <= sim.snapshotIndex) continue;
              const index = Math.min(commit, sim.snapshotIndex + 1 + Math.floor(op.at * (commit - sim.snapshotIndex)));
              const s = snap(index, sim.term(index)!);
              sim.saveSnapshot(s);
              const before = disk.stats().segments;
              disk.saveSnapshot(s);
              seen.compactions++;
              seen.deletedSegments += Math.max(0, before - disk.stats().segments);
            } else if (op.kind === 'empty') {
              disk.persist(part({}));
            } else {
              const c = concrete(op, sim, term)!;
              term = c.term;
              if (c.part.snapshot !== null) seen.leaderSnapshots++;
              sim.persist(readyOf(c.part));
              disk.persist(c.part);
            }
            assert.deepEqual(disk.load(), sim.load(false));
            assert.equal(disk.stats().lastIndex, sim.lastIndex());
            seen.maxSegments = Math.max(seen.maxSegments, disk.stats().segments);
          }
          disk = reopen(disk, dir, options);
          assert.deepEqual(disk.load(), sim.load(false));
        } finally {
          disk.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 150 },
  );
  t.diagnostic(JSON.stringify(seen));
  assert.ok(seen.deletedSegments > 0 && seen.leaderSnapshots > 0 && seen.maxSegments > 3);
});
