// The page reads back what the supervisor writes in English (fault descriptions, member details,
// minutes-book entries) to say it in the chosen language. Here a real cluster is put through every
// fault and change the window can ask for, and every event it reports must be understood: said with
// message keys that exist in every language, never passed through as English.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEvent } from '../../main/shared/contract.ts';
import { errorWords, lostWords } from '../../renderer/src/lib/connection-words.ts';
import { entryWords } from '../../renderer/src/lib/entry-words.ts';
import { noticeOf } from '../../renderer/src/lib/event-words.ts';
import type { Arg } from '../../renderer/src/lib/words.ts';
import { startCluster, waitFor } from '../cluster/harness.ts';
import { languages, loadLocale } from './locales.ts';

const locales = await Promise.all(languages().map((l) => loadLocale(l)));

/** Every message key in `a`, nested ones included. */
function keysOf(a: Arg): string[] {
  if (typeof a !== 'object' || !('key' in a)) return [];
  return [a.key, ...Object.values(a.params ?? {}).flatMap(keysOf)];
}

const understood = (a: Arg): boolean => typeof a === 'object';

test(
  'every fault, member change and entry of a real cluster is said in words of every language',
  { timeout: 90_000 },
  async (t) => {
    const c = await startCluster(t, { nodes: 3 });
    const events: ClusterEvent[] = [];
    c.sup.subscribe((e) => events.push(e));
    const leader = async (): Promise<number> => {
      await waitFor('a chairman', () => c.leader() !== null, 15_000);
      return c.leader()!;
    };
    await leader();

    await c.run('link.set', { from: 1, to: 2, state: 'cut' });
    await c.run('link.set', { from: 1, to: 2, state: 'up' });
    await c.run('link.set', { from: 2, to: 3, state: 'cut', oneWay: true });
    await c.run('link.set', { from: 2, to: 3, state: 'up', oneWay: true });
    await c.run('link.fault', { from: 1, to: 3, delayMs: 200, jitterMs: 50, loss: 0.3 });
    await c.run('link.fault', { from: 1, to: 3 });
    await c.run('partition', { groups: [[1], [2, 3]] });
    await c.run('heal');
    await c.run('settings.set', { timeScale: 0.5, preVote: false });
    await c.run('settings.set', { timeScale: 1, preVote: true });

    const other = [1, 2, 3].find((id) => id !== c.leader())!;
    await c.run('node.crash', { id: other });
    await c.run('node.restart', { id: other });
    if (c.sup.view().settings.canFreeze) {
      await c.run('node.pause', { id: other });
      await c.run('node.resume', { id: other });
    }

    await leader();
    await c.run('decide', { text: 'Approve painting contract' });
    await c.run('kv', { op: 'set', key: 'lift', value: 'repaired' });
    await c.run('kv', { op: 'cas', key: 'gate', expected: null, value: 'new' });
    const learner = (await c.run('member.add', { learner: true })).body as { id: number };
    await c.run('member.promote', { id: learner.id });
    const voter = (await c.run('member.add', { learner: false })).body as { id: number };
    await c.run('member.remove', { id: voter.id });

    const members = new Map(c.sup.view().nodes.map((n) => [n.id, n]));
    const said: Arg[] = [];
    const passedThrough: string[] = [];
    for (const e of events) {
      const notable = noticeOf(e, members);
      if (notable !== null) said.push(notable.said);
      if (e.kind === 'fault' && notable !== null && !understood(notable.said)) passedThrough.push(e.description);
      if (e.kind === 'member' && e.detail !== undefined && !/^SIG[A-Z]+$/.test(e.detail)) {
        const params =
          notable !== null && typeof notable.said === 'object' && 'key' in notable.said
            ? notable.said.params
            : undefined;
        if (params?.detail === undefined || !understood(params.detail)) passedThrough.push(e.detail);
      }
      if (e.kind === 'append')
        for (const entry of e.entries) {
          const words = entryWords(entry);
          said.push(words);
          if (!understood(words)) passedThrough.push(entry.label);
        }
    }
    assert.deepEqual(passedThrough, [], 'said as the supervisor wrote it, in English');

    const keys = new Set(said.flatMap(keysOf));
    for (const expected of [
      'notices.faults.cut',
      'notices.faults.restored',
      'notices.faults.link',
      'notices.faults.linkFault',
      'notices.faults.partition',
      'notices.faults.heal',
      'notices.faults.settings',
      'notices.faults.joinsLearner',
      'notices.faults.joinsVoter',
      'notices.faults.leaves',
      'notices.faults.promoted',
      'notices.details.removed',
      'books.entries.noop',
      'books.entries.decision',
      'books.entries.set',
      'books.entries.cas',
      'books.entries.absent',
      'books.entries.addLearner',
      'books.entries.promoteLearner',
      'books.entries.addVoter',
      'books.entries.remove',
    ])
      assert.ok(keys.has(expected), `the cluster's events were said with ${expected}`);
    for (const locale of locales)
      assert.deepEqual(
        [...keys].filter((k) => !locale.messages.has(k)),
        [],
        'every key said is a message',
      );
  },
);

test("the supervisor's other member details are said in words too", () => {
  // Written by Supervisor.spawn: a recovered WAL, an unexpected exit.
  const members = new Map([
    [1, { id: 1, name: 'Rajesh - Building A', role: 'follower' as const, term: 2, status: 'running' as const }],
  ]);
  for (const [detail, key] of [
    ['recovered: truncated a torn write at 17', 'notices.details.recovered'],
    ['exited (SIGTERM)', 'notices.details.exitedSignal'],
    ['exited (code 1)', 'notices.details.exitedCode'],
    ['its addition was not committed', 'notices.details.notAdded'],
  ] as const) {
    const n = noticeOf(
      { seq: 1, at: 0, kind: 'member', node: 1, name: 'Rajesh - Building A', status: 'crashed', pid: null, detail },
      members,
    );
    assert.ok(n !== null && typeof n.said === 'object' && 'key' in n.said);
    assert.deepEqual(keysOf(n.said), ['notices.memberDetail', 'members.status.crashed', key]);
  }
});

test("the doors' reasons for a lost connection are said in words; the API's own stay as they came", () => {
  const keys = new Set(locales[0]!.messages.keys());
  // As renderer/src/bridge/browser-bridge.ts (closeReason, lost, reconnectNow) and main/index.ts say them.
  for (const reason of [
    'the server cannot be reached',
    'the server is shutting down',
    'the server found this page too slow: 3000 events behind',
    'closed (code 4001)',
    'cannot open the connection: bad URL',
    'resynchronising',
    'the app is quitting',
  ]) {
    const said = lostWords(reason);
    assert.ok(typeof said === 'object' && 'key' in said && keys.has(said.key), reason);
  }
  const lost = errorWords('the connection was lost (the server cannot be reached); the outcome is unknown');
  assert.deepEqual(keysOf(lost), ['errors.lostInFlight', 'app.connection.reasons.unreachable']);
  assert.equal(lostWords('a valid token is required (HTTP 401)'), 'a valid token is required (HTTP 401)');
  assert.equal(errorWords('Rajesh - Building A is not running'), 'Rajesh - Building A is not running');
});
