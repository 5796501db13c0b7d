// The bugs the fuzzers found, each pinned by a plain test that fails without its fix.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { memberIdOfEntry, parseSocietyRecord, SocietyRecordError } from '../../main/cluster/data-dir.ts';
import { Supervisor } from '../../main/cluster/supervisor.ts';
import { checkInbound } from '../../main/node/inbound.ts';
import { MAX_CLAIM } from '../../main/node/raft-schemas.ts';
import { RawNode } from '../../main/raft/rawnode.ts';
import { commandInputs } from '../../main/shared/contract.ts';
import { forkMember, isFatal, isStarted, soloConfig } from '../lib/member.ts';
import { engineConfig, followerLog, sample } from './messages.ts';

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rs-regression-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test('a damaged society.json is refused naming the file (it was a bare SyntaxError or ZodError)', async (t) => {
  for (const [text, why] of [
    ['{"founders": [1, 2', /not valid JSON/],
    ['{"founders": []}', /founders: Too small/],
    ['{"founders": [1, "2"]}', /founders\.1: /],
    ['{"founders": [1], "__proto__": {}}', /Unrecognized key/],
  ] as const) {
    const dir = dataDir(t);
    writeFileSync(join(dir, 'society.json'), text);
    const sup = new Supervisor({ nodes: 3, dataDir: dir });
    await assert.rejects(
      sup.start(),
      (e: unknown) =>
        e instanceof SocietyRecordError &&
        e.file === join(dir, 'society.json') &&
        e.message.startsWith(`${e.file} is damaged: `) &&
        why.test(e.message),
    );
    await sup.stop();
  }
});

test('a founder listed twice is refused: it would have counted twice in every majority', () => {
  const read = parseSocietyRecord('{"founders": [1, 1, 2]}');
  assert.deepEqual(read, { ok: false, error: 'founders: a founder is listed more than once' });
  assert.deepEqual(parseSocietyRecord('{"founders": [3, 1, 2]}'), { ok: true, founders: [3, 1, 2] });
});

test('a stray n0 in the data directory no longer hangs the start of the whole society', async (t) => {
  assert.deepEqual(['n0', 'n01', 'n1000', 'n12x', 'notes', 'n7'].map(memberIdOfEntry), [
    null,
    null,
    null,
    null,
    null,
    7,
  ]);
  const dir = dataDir(t);
  mkdirSync(join(dir, 'n0'));
  const sup = new Supervisor({ nodes: 1, dataDir: dir });
  t.after(() => sup.stop());
  // Before the fix member 0 made every member's configuration invalid, and start() never resolved.
  await sup.start();
  assert.deepEqual(
    sup.view().nodes.map((n) => [n.id, n.status]),
    [[1, 'running']],
  );
});

test('a member whose first control message is not a valid init says why and exits (it used to wait forever)', async (t) => {
  const config = soloConfig(t);
  const member = await forkMember(t, config, { t: 'init', config: { ...config, id: 0 } });
  assert.match(
    (await member.next(isFatal)).message,
    /^cannot start: the first control message must be a valid init \(config\.id: /,
  );
  assert.equal(await member.exited, 2);
  const other = await forkMember(t, config, { t: 'rules', rules: { cut: [], faults: [] } });
  assert.match((await other.next(isFatal)).message, /got "rules"/);
  assert.equal(other.received.some(isStarted), false);
});

const [vote, append, snapshot] = [sample('vote'), sample('append'), sample('snapshot')];

test('messages no correct peer could send are refused before the engine (they crashed or poisoned a member)', () => {
  const refused: [string, unknown, RegExp][] = [
    // RangeError "cannot append after 6" inside the socket's data handler: the member crashed.
    [
      'entries that do not follow prevIndex',
      { ...append, prevIndex: 2, entries: [{ ...append.entries[0]!, index: 7 }] },
      /entries\.0\.index: expected index 3/,
    ],
    [
      'an entry of a later term than the sender',
      { ...append, entries: [{ ...append.entries[0]!, term: 9 }] },
      /entries\.0\.term/,
    ],
    // Written to disk, then "snapshot image is not JSON" on install and on every restart after.
    [
      'a snapshot image that cannot be restored',
      { ...snapshot, snapshot: { ...snapshot.snapshot, data: 'x' } },
      /unusable snapshot from n2: snapshot image is not JSON/,
    ],
    [
      'a snapshot with no voters',
      { ...snapshot, snapshot: { ...snapshot.snapshot, membership: { voters: [], learners: [] } } },
      /voters: no voters/,
    ],
    ['a snapshot of term 0', { ...snapshot, snapshot: { ...snapshot.snapshot, term: 0 } }, /at least one entry/],
    // The member took the term, campaigned at 2^53 and could not write it to its WAL, restart after restart.
    ['a term of 2^53 - 1', { ...vote, term: Number.MAX_SAFE_INTEGER }, /term: Too big/],
    [
      'a voter listed twice',
      { ...snapshot, snapshot: { ...snapshot.snapshot, membership: { voters: [1, 1, 2], learners: [] } } },
      /listed more than once/,
    ],
  ];
  for (const [what, message, why] of refused) {
    const r = checkInbound(message, 2, 1);
    assert.equal(r.ok, false, what);
    assert.match(r.reason, why, what);
  }
  assert.ok(checkInbound({ ...vote, term: MAX_CLAIM }, 2, 1).ok, 'the largest claim is taken');
});

test('a link from a member to itself is refused by the contract (link.fault used to record it)', () => {
  for (const [name, input] of [
    ['link.set', { from: 2, to: 2, state: 'cut' }],
    ['link.fault', { from: 2, to: 2, loss: 0.5 }],
  ] as const) {
    const r = commandInputs[name].safeParse(input);
    assert.equal(r.success, false, name);
    assert.match(r.error.issues.map((i) => i.message).join(), /two different members/);
  }
});

test('a leader ignores an acknowledgement of entries it does not hold (it threw "entry 5 missing without a snapshot")', () => {
  const raw = new RawNode(
    engineConfig,
    (min) => min,
    { voters: [1, 2, 3], learners: [] },
    { hardState: { term: 1, vote: 2, commit: 2 }, snapshot: null, entries: followerLog },
  );
  raw.campaign();
  raw.step({ type: 'voteResp', from: 2, to: 1, term: 2, granted: true });
  assert.equal(raw.status().role, 'leader');
  assert.equal(raw.status().lastIndex, 4);
  raw.step({ type: 'appendResp', from: 2, to: 1, term: 2, index: 5, reject: false, hintIndex: 0, hintTerm: 0 });
  assert.equal(raw.status().commitIndex, 2, 'nothing committed on its word');
  raw.step({ type: 'appendResp', from: 2, to: 1, term: 2, index: 4, reject: false, hintIndex: 0, hintTerm: 0 });
  assert.equal(raw.status().commitIndex, 4, 'a true acknowledgement still counts');
});
