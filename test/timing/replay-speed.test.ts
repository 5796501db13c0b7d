// Time travel must scrub smoothly through a long recording: about 100 000 events (some five
// minutes of a society of five; 97% of them messages). The stream here is made up, shaped like a
// real one (heartbeats and their answers every 50 ms, writes appended and committed, a crash and
// an election now and then), so it can be long without running a cluster for minutes. Two shapes:
// small minutes books, and books at the view's limit (5000 entries each: checkpoints cost more).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent, EntryView } from '../../main/shared/contract.ts';
import { parseSessionFile } from '../../main/shared/session-file.ts';
import { Replay } from '../../renderer/src/lib/replay.ts';
import { defaultSettings as settings } from '../../renderer/src/lib/society-state.ts';

const ids = [1, 2, 3, 4, 5];

/** `count` events of a society of five; `entriesPerWrite` entries appended every half second. */
function society(count: number, entriesPerWrite: number): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  let seq = 0;
  let at = 1_795_000_000_000;
  let term = 1;
  let leader = 1;
  let last = 0;
  const push = (e: Record<string, unknown>): void => {
    events.push({ ...e, seq: ++seq, at } as ClusterEvent);
  };
  push({ kind: 'fault', description: 'start', after: { network: { cuts: [], faults: [] }, settings } });
  for (const id of ids) push({ kind: 'member', node: id, name: `Member ${id}`, status: 'running', pid: 100 + id });
  const state = (id: number): void =>
    push({
      kind: 'state',
      node: id,
      memberAt: at,
      role: id === leader ? 'leader' : 'follower',
      term,
      vote: leader,
      leader,
      commit: last,
      applied: last,
      first: 1,
      last,
      progress: id === leader ? ids.map((p) => ({ id: p, next: last + 1, match: last, state: 'replicate' })) : [],
      voters: ids,
      learners: [],
    });
  for (let round = 0; events.length < count; round++) {
    at += 50;
    for (const to of ids) {
      if (to === leader) continue;
      const m = { kind: 'message', type: 'heartbeat', from: leader, to, term, detail: `commit ${last}`, memberAt: at };
      push({ ...m, node: leader, phase: 'sent' });
      push({ ...m, node: to, phase: 'received' });
      const r = { kind: 'message', type: 'heartbeatResp', from: to, to: leader, term, detail: '', memberAt: at };
      push({ ...r, node: to, phase: 'sent' });
      push({ ...r, node: leader, phase: 'received' });
    }
    if (round % 10 === 9) {
      const entries: EntryView[] = Array.from({ length: entriesPerWrite }, (_, i) => ({
        index: last + 1 + i,
        term,
        kind: 'command',
        label: `set k${last + 1 + i} = v`,
      }));
      last += entriesPerWrite;
      for (const id of ids) push({ kind: 'append', node: id, entries, overwrote: null });
      for (const id of ids) state(id);
    }
    if (round % 2000 === 1999) {
      // The chairman crashes and comes back; another is elected.
      const old = leader;
      push({ kind: 'member', node: old, name: `Member ${old}`, status: 'crashed', pid: null, detail: 'SIGKILL' });
      leader = (leader % ids.length) + 1;
      term++;
      for (const id of ids) if (id !== old) state(id);
      push({ kind: 'member', node: old, name: `Member ${old}`, status: 'starting', pid: null });
      push({ kind: 'member', node: old, name: `Member ${old}`, status: 'running', pid: 200 + round });
    }
  }
  return events.slice(0, count);
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `mean ${mean.toFixed(2)} ms, p50 ${p(0.5).toFixed(2)}, p99 ${p(0.99).toFixed(2)}, max ${p(1).toFixed(2)}`;
}

function time(run: () => void): number {
  return timed(run)[1];
}

/** What `run` returns, and how long it took (ms). */
function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
}

for (const [shape, entriesPerWrite] of [
  ['small minutes books', 1],
  ['minutes books at their limit', 40],
] as const) {
  test(`scrubbing 100 000 events (${shape}) is fast enough to drag`, (t) => {
    const events = society(100_000, entriesPerWrite);
    const heapBefore = process.memoryUsage().heapUsed;
    const r = new Replay();
    const receive = time(() => {
      for (let i = 0; i < events.length; i += 500) r.receive(events.slice(i, i + 500));
    });
    const books = [...r.head.members.values()].reduce((n, m) => n + m.book.length, 0);
    t.diagnostic(
      `${shape}: received 100 000 events in ${receive.toFixed(0)} ms (${((receive / 100_000) * 1000).toFixed(2)} µs each); books hold ${books} entries; heap +${((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(0)} MiB`,
    );

    // Dragging: a moment per frame, anywhere.
    let x = 12345;
    const jump: number[] = [];
    for (let i = 0; i < 300; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const seq = 1 + (x % 100_000);
      jump.push(time(() => r.stateAt(seq)));
    }
    // Stepping event by event, and playing forward.
    const step: number[] = [];
    for (let seq = 50_000; seq < 51_000; seq++) step.push(time(() => r.stateAt(seq)));
    const back: number[] = [];
    for (let seq = 51_000; seq > 50_900; seq--) back.push(time(() => r.stateAt(seq)));
    t.diagnostic(`${shape}: jump to any moment: ${stats(jump)}`);
    t.diagnostic(`${shape}: one event forward: ${stats(step)}`);
    t.diagnostic(`${shape}: one event back: ${stats(back)}`);

    const [text, save] = timed(() => JSON.stringify(r.toSessionFile(new Date(), { door: 'browser', location: 'x' })));
    const [parsed, parse] = timed(() => parseSessionFile(text));
    assert.ok(parsed.ok);
    const [opened, open] = timed(() => Replay.fromSession(parsed.session));
    t.diagnostic(
      `${shape}: session file ${(text.length / 2 ** 20).toFixed(1)} MiB: saved in ${save.toFixed(0)} ms, read and checked in ${parse.toFixed(0)} ms, replayed in ${open.toFixed(0)} ms`,
    );
    assert.equal(opened.lastSeq, r.lastSeq);

    // Generous bounds (a loaded 2-core machine): a frame is 16 ms; a drag may skip a frame.
    assert.ok(stats(jump) && jump.reduce((a, b) => a + b) / jump.length < 30, 'a jump takes under 30 ms on average');
    assert.ok(step.reduce((a, b) => a + b) / step.length < 2, 'a step takes under 2 ms on average');
    assert.ok(receive < 10_000, 'receiving keeps up with the stream');
  });
}
