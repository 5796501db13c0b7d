// Session files: a real session exported and read back, and bad files refused with one error that
// names what is wrong. parseSessionFile is pure and total: no input makes it throw.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSessionFile, SESSION_FORMAT, type SessionFile } from '../../main/shared/session-file.ts';
import { Replay } from '../../renderer/src/lib/replay.ts';
import { recordRealSession } from './fixtures.ts';

let valid: SessionFile;
let validWithStart: SessionFile;
before(async (t) => {
  const real = await recordRealSession(t as unknown as Parameters<typeof recordRealSession>[0]);
  const from = { door: 'browser', location: 'http://127.0.0.1:8080/' } as const;
  // The views arrive as hellos do, each when the recording has reached its seq.
  const whole = new Replay();
  for (const v of real.views) {
    whole.receive(real.events.filter((e) => e.seq <= v.seq));
    whole.hello(v.view, v.seq, 0);
  }
  whole.receive(real.events);
  valid = whole.toSessionFile(new Date('2026-11-23T10:00:00Z'), from);
  const newest = new Replay({ limit: 1000 });
  newest.receive(real.events);
  validWithStart = newest.toSessionFile(new Date('2026-11-23T10:00:00Z'), from);
});

/** The file as JSON after `change` to a deep copy of it. */
function changed(
  file: SessionFile,
  change: (f: Record<string, unknown> & { events: Record<string, unknown>[] }) => void,
): string {
  const copy = structuredClone(file) as unknown as Record<string, unknown> & { events: Record<string, unknown>[] };
  change(copy);
  return JSON.stringify(copy);
}

function refused(text: string, why: RegExp): void {
  const r = parseSessionFile(text);
  assert.ok(!r.ok, 'refused');
  assert.match(r.error, why);
}

test('a real session, exported, reads back whole', () => {
  for (const file of [valid, validWithStart]) {
    const r = parseSessionFile(JSON.stringify(file));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(r.session, JSON.parse(JSON.stringify(file)));
  }
  assert.equal(valid.start, null);
  assert.notEqual(validWithStart.start, null);
  assert.ok(valid.views.length > 0);
});

test('what is not a session file is refused, saying so', () => {
  refused('', /not JSON/);
  refused('{"format": ', /not JSON/);
  refused('[]', /expected a JSON object/);
  refused('null', /expected a JSON object/);
  refused('42', /expected a JSON object/);
  refused('{}', /"format" is missing, not "raft-society-session"/);
  refused(JSON.stringify({ format: 'something-else' }), /"format" is "something-else"/);
  refused(
    changed(valid, (f) => (f.version = 2)),
    /version 2, made by a newer Raft Society; this one reads version 1/,
  );
  refused(
    changed(valid, (f) => (f.version = '1')),
    /unknown session version \("1"\)/,
  );
  refused(
    changed(valid, (f) => delete f.version),
    /unknown session version \(missing\)/,
  );
});

test('a malformed field is named by its path', () => {
  refused(
    changed(valid, (f) => delete f.recordedAt),
    /^recordedAt: /,
  );
  refused(
    changed(valid, (f) => (f.recordedAt = 'yesterday')),
    /^recordedAt: /,
  );
  refused(
    changed(valid, (f) => (f.recordedFrom = { door: 'phone', location: '' })),
    /^recordedFrom\.door: /,
  );
  refused(
    changed(valid, (f) => (f.extra = true)),
    /extra/,
  );
  refused(
    changed(valid, (f) => (f.events[3]!.kind = 'teleport')),
    /^events\.3\.kind: /,
  );
  const state = valid.events.findIndex((e) => e.kind === 'state');
  refused(
    changed(valid, (f) => delete f.events[state]!.voters),
    new RegExp(`^events\\.${state}\\.voters: `),
  );
  refused(
    changed(valid, (f) => (f.events[state]!.term = -1)),
    new RegExp(`^events\\.${state}\\.term: `),
  );
  const fault = valid.events.findIndex((e) => e.kind === 'fault');
  refused(
    changed(valid, (f) => delete f.events[fault]!.after),
    new RegExp(`^events\\.${fault}\\.after: `),
  );
  refused(
    changed(validWithStart, (f) => ((f.start as { members: { term: number }[] }).members[0]!.term = 1.5)),
    /^start\.members\.0\.term: /,
  );
  refused(
    changed(valid, (f) => (f.views = [{ seq: 1, view: { term: 1 } }])),
    /^views\.0\.view\.\w+: /,
  );
});

test('a recording with a gap, or without its beginning, is refused', () => {
  refused(
    changed(valid, (f) => f.events.splice(10, 1)),
    /events are not consecutive: event 10 has seq 12 after seq 10/,
  );
  refused(
    changed(valid, (f) => f.events.splice(0, 4)),
    /the events begin at seq 5, not at the cluster's first \(seq 1\), and there is no start state/,
  );
  const startSeq = validWithStart.start!.seq;
  refused(
    changed(validWithStart, (f) => f.events.splice(0, 10)),
    new RegExp(`the events begin at seq ${startSeq + 11}, after the start state's seq ${startSeq}`),
  );
  refused(
    changed(valid, (f) => (f.events = [])),
    /the session has no events/,
  );
  refused(
    changed(validWithStart, (f) => ((f.start as { seq: number }).seq = 10_000_000)),
    /the events end at seq \d+, before the start state's seq 10000000/,
  );
});

test('no input makes the parser throw (random JSON, random text, a valid file broken at random)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const r = parseSessionFile(JSON.stringify(v));
      assert.equal(r.ok, false);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string(), (s) => {
      assert.equal(typeof parseSessionFile(s).ok, 'boolean');
    }),
    { numRuns: 300 },
  );
  const small = { ...valid, events: valid.events.slice(0, 60), format: SESSION_FORMAT };
  const text = JSON.stringify(small);
  assert.ok(parseSessionFile(text).ok);
  fc.assert(
    fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 4 }), (at, insert) => {
      const r = parseSessionFile(text.slice(0, at) + insert + text.slice(at + 1));
      if (!r.ok) assert.ok(r.error.length > 0);
    }),
    { numRuns: 500 },
  );
});
