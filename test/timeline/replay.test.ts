// Time travel replays the recording: the state at any recorded moment must be exactly what the
// window showed then, whether it is rebuilt from a checkpoint, from the beginning, after the oldest
// events were dropped, after a reconnection, or from a session file. The events come from a real
// cluster (tests/timeline/fixtures.ts).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { parseSessionFile } from '../../main/shared/session-file.ts';
import { Replay } from '../../renderer/src/lib/replay.ts';
import { applyEvent, emptyState, toSnapshot, type SocietyState } from '../../renderer/src/lib/society-state.ts';
import { recordRealSession, type RealSession } from './fixtures.ts';

let real: RealSession;
before(async (t) => {
  real = await recordRealSession(t as unknown as Parameters<typeof recordRealSession>[0]);
});

/** A deep, plain copy of a state, for comparing moments. */
const plain = (s: SocietyState): unknown => structuredClone(toSnapshot(s));

/** The state after `seq` by applying every event from the cluster's beginning. */
function fullReplay(events: readonly ClusterEvent[], seq: number): SocietyState {
  const s = emptyState();
  for (const e of events) if (e.seq <= seq) applyEvent(s, e);
  return s;
}

/** A seeded sequence of numbers in [0, 1), so a failure can be repeated. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Feed `events` to `r` in batches of 1-300, as the door delivers them; calls `after` after each. */
function feed(r: Replay, events: readonly ClusterEvent[], after: () => void = () => undefined): void {
  const next = random(7);
  for (let i = 0; i < events.length;) {
    const n = 1 + Math.floor(next() * 300);
    r.receive(events.slice(i, i + n));
    i += n;
    after();
  }
}

test('the recording is a real session with enough events to need checkpoints', () => {
  assert.ok(real.events.length > 2500, `${real.events.length} events`);
  assert.equal(real.events[0]!.seq, 1);
});

test('looking back at any moment shows what the live view showed at that moment', () => {
  const r = new Replay();
  const shown: { seq: number; state: unknown }[] = [];
  feed(r, real.events, () => shown.push({ seq: r.head.seq, state: plain(r.head) }));
  assert.equal(r.firstSeq, 0);
  assert.equal(r.lastSeq, real.events.at(-1)!.seq);
  // In order, backwards, and in a shuffled order (the scrubber goes every way).
  const order = [...shown, ...[...shown].reverse()];
  const next = random(11);
  for (let i = 0; i < 200; i++) order.push(shown[Math.floor(next() * shown.length)]!);
  for (const { seq, state } of order) assert.deepEqual(plain(r.stateAt(seq)), state, `the moment after ${seq}`);
  assert.deepEqual(plain(r.head), shown.at(-1)!.state, 'looking back leaves the newest state alone');
});

test('a checkpoint and a few events give the same state as replaying from the beginning', () => {
  const r = new Replay();
  feed(r, real.events);
  const last = r.lastSeq;
  for (let seq = 0; seq <= last; seq += 97)
    assert.deepEqual(plain(r.stateAt(seq)), plain(fullReplay(real.events, seq)));
  // Stepping one event at a time either way, around a checkpoint.
  for (let seq = 1990; seq <= 2010; seq++) assert.deepEqual(plain(r.stateAt(seq)), plain(fullReplay(real.events, seq)));
  for (let seq = 2010; seq >= 1990; seq--) assert.deepEqual(plain(r.stateAt(seq)), plain(fullReplay(real.events, seq)));
});

test('the state replayed shows the real story: names, a crashed chairman, cuts, settings', () => {
  const r = new Replay();
  feed(r, real.events);
  const crash = real.events.find((e) => e.kind === 'member' && e.status === 'crashed' && e.detail === 'SIGKILL');
  assert.ok(crash?.kind === 'member');
  const before = r.stateAt(crash.seq - 1);
  const chair = before.members.get(crash.node)!;
  assert.equal(chair.role, 'leader', 'the crashed member chaired just before');
  assert.equal(chair.status, 'running');
  assert.equal(chair.name, crash.name);
  assert.equal(r.stateAt(crash.seq).members.get(crash.node)!.status, 'crashed');
  const cut = real.events.find((e) => e.kind === 'fault' && e.description === 'cut 1<->2')!;
  assert.deepEqual(r.stateAt(cut.seq).network.cuts, [
    { from: 1, to: 2 },
    { from: 2, to: 1 },
  ]);
  assert.deepEqual(r.stateAt(cut.seq - 1).network.cuts, []);
  assert.equal(r.head.settings.preVote, false);
  assert.equal(r.stateAt(cut.seq).settings.preVote, true);
});

test('markers: every election with its winner, the crash, restart, freeze, faults, membership, settings', () => {
  const r = new Replay();
  feed(r, real.events);
  const kinds = new Set(r.markers.map((m) => m.kind));
  for (const k of ['election', 'crash', 'restart', 'freeze', 'thaw', 'network', 'heal', 'membership', 'settings'])
    assert.ok(kinds.has(k as never), `a ${k} marker`);
  const elections = r.markers.filter((m) => m.kind === 'election');
  const leaders = real.events.filter(
    (e, i, all) =>
      e.kind === 'state' &&
      e.role === 'leader' &&
      !all.slice(0, i).some((p) => p.kind === 'state' && p.node === e.node && p.term === e.term && p.role === 'leader'),
  );
  assert.deepEqual(
    elections.map((m) => [m.seq, m.node, m.term]),
    leaders.map((e) => e.kind === 'state' && [e.seq, e.node, e.term]),
  );
  assert.deepEqual(
    r.markers.map((m) => m.seq),
    [...r.markers.map((m) => m.seq)].sort((a, b) => a - b),
    'in order',
  );
});

test('a window that joined after the beginning was forgotten starts from its hello view', () => {
  const hello = real.views[1]!;
  const from = 200; // the supervisor no longer had events 1-199
  const r = new Replay();
  r.hello(hello.view, hello.seq, 0);
  feed(
    r,
    real.events.filter((e) => e.seq >= from),
  );
  assert.equal(r.beginningDropped, true);
  assert.equal(r.firstSeq, hello.seq, 'the timeline starts at the hello');
  assert.equal(r.events[0]!.seq, from, 'the history is kept for the record');
  const start = r.stateAt(hello.seq);
  assert.deepEqual(
    [...start.members.values()].map((m) => [m.id, m.name, m.status, m.role, m.term]),
    hello.view.nodes.map((n) => [n.id, n.name, n.status, n.role, n.term]),
  );
  // The minutes books were rebuilt from the history after the hello: what it appended is there,
  // the same as in the full replay.
  const full = fullReplay(real.events, hello.seq);
  const appended = real.events.some((e) => e.kind === 'append' && e.seq >= from && e.seq <= hello.seq);
  assert.equal(
    [...start.members.values()].some((m) => m.book.length > 0),
    appended,
  );
  for (const m of start.members.values()) {
    const fullBook = full.members.get(m.id)!.book;
    for (const e of m.book)
      assert.deepEqual(
        fullBook.find((f) => f.index === e.index),
        e,
      );
  }
  // From there on the events tell the rest: the end is the same as the full replay's.
  const end = fullReplay(real.events, r.lastSeq);
  for (const m of r.head.members.values()) {
    const f = end.members.get(m.id)!;
    assert.deepEqual([m.status, m.role, m.term, m.commit, m.last], [f.status, f.role, f.term, f.commit, f.last]);
  }
  assert.deepEqual(r.head.network, end.network);
  assert.deepEqual(r.head.settings, end.settings);
});

test('a reconnection that missed events starts again from its hello; one that missed none continues', () => {
  const split = real.views[2]!;
  const r = new Replay();
  feed(
    r,
    real.events.filter((e) => e.seq <= 1000),
  );
  // Resumed without a gap (the hello is at the server's newest seq): the view is not needed.
  r.hello(real.views[0]!.view, 1200, 0);
  feed(
    r,
    real.events.filter((e) => e.seq > 1000 && e.seq <= 1500),
  );
  assert.equal(r.firstSeq, 0);
  assert.equal(r.beginningDropped, false);
  // Resumed after events were lost.
  r.hello(split.view, split.seq, 0);
  feed(
    r,
    real.events.filter((e) => e.seq > split.seq - 50),
  );
  assert.equal(r.beginningDropped, true);
  assert.equal(r.firstSeq, split.seq);
  assert.equal(r.lastSeq, real.events.at(-1)!.seq);
  // A new cluster (its hello is behind everything we had) starts a fresh recording.
  r.hello(real.views[0]!.view, 5, 0);
  feed(r, real.events.slice(0, 300));
  assert.equal(r.firstSeq, 0);
  assert.equal(r.beginningDropped, false);
  assert.deepEqual(plain(r.head), plain(fullReplay(real.events, 300)));
});

test('past its limit the recording keeps the newest events and starts at a checkpoint', () => {
  const r = new Replay({ limit: 1000 });
  feed(r, real.events);
  // The oldest go in steps of whole checkpoints (every 1000 events here), after a batch (300 at most).
  assert.ok(r.events.length <= 1000 * 1.1 + 1000 + 300, `${r.events.length} events kept`);
  assert.ok(r.events.length < real.events.length / 2);
  assert.equal(r.beginningDropped, true);
  assert.ok(r.firstSeq > 0 && r.events[0]!.seq === r.firstSeq + 1);
  assert.ok(r.markers.every((m) => m.seq > r.firstSeq));
  for (let seq = r.firstSeq; seq <= r.lastSeq; seq += 37)
    assert.deepEqual(plain(r.stateAt(seq)), plain(fullReplay(real.events, seq)));
  assert.deepEqual(plain(r.stateAt(0)), plain(r.stateAt(r.firstSeq)), 'earlier is the earliest kept');
});

test('a session file replays the same moments, from the beginning or from a start state', () => {
  for (const limit of [undefined, 1000]) {
    const r = new Replay(limit === undefined ? {} : { limit });
    feed(r, real.events);
    const file = r.toSessionFile(new Date('2026-11-23T10:00:00Z'), { door: 'browser', location: 'http://127.0.0.1' });
    assert.equal(file.start === null, limit === undefined);
    const parsed = parseSessionFile(JSON.stringify(file));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    const again = Replay.fromSession(parsed.session);
    assert.equal(again.firstSeq, r.firstSeq);
    assert.equal(again.lastSeq, r.lastSeq);
    assert.equal(again.beginningDropped, r.beginningDropped);
    assert.deepEqual(again.markers, r.markers);
    for (let seq = r.firstSeq; seq <= r.lastSeq; seq += 53)
      assert.deepEqual(plain(again.stateAt(seq)), plain(r.stateAt(seq)), `moment ${seq} of a session (limit ${limit})`);
  }
});

test('time: the last moment at or before a time; the first moment before the first event', () => {
  const r = new Replay();
  feed(r, real.events);
  const e = real.events[1500]!;
  assert.ok(r.seqAtTime(e.at) >= e.seq);
  assert.ok(
    r.events[r.indexAfter(r.seqAtTime(e.at))] === undefined || r.events[r.indexAfter(r.seqAtTime(e.at))]!.at > e.at,
  );
  assert.equal(r.seqAtTime(real.events[0]!.at - 1), 0);
  assert.equal(r.seqAtTime(Number.MAX_SAFE_INTEGER), r.lastSeq);
  assert.equal(r.timeOf(0), real.events[0]!.at);
  assert.equal(r.timeOf(e.seq), e.at);
});

test('the notice writer sees each event with the state just before it', () => {
  const seen: string[] = [];
  const r = new Replay({
    observe: (e, before) => {
      if (e.kind === 'member' && e.status === 'crashed') seen.push(`${e.node}:${before.members.get(e.node)?.status}`);
    },
  });
  feed(r, real.events);
  assert.ok(
    seen.some((s) => s.endsWith(':running')),
    seen.join(' '),
  );
});
