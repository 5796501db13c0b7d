// A member process sleeps until its engine's next due tick instead of waking every tick
// (main/node/node-main.ts). That is only sound if the ticks before the due one change nothing a
// host could see: no Ready, the same status. Checked here after random histories.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Cluster, voters } from './harness.ts';

/** A history: which members tick, which links are cut, what is proposed, in order. */
const history = fc.array(
  fc.oneof(
    fc.record({ tick: fc.subarray([1, 2, 3, 4, 5], { minLength: 1 }), times: fc.integer({ min: 1, max: 25 }) }),
    fc.record({ cut: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })) }),
    fc.constant({ heal: true }),
    fc.constant({ propose: true }),
  ),
  { maxLength: 40 },
);

test('the ticks before a member is due change nothing observable; a due follower campaigns', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      history,
      (preVote, checkQuorum, seed, steps) => {
        let state = seed;
        const random = () => (min: number, max: number) => {
          state = (state * 1103515245 + 12345) % 2 ** 31;
          return min + (state % (max - min + 1));
        };
        const c = new Cluster({ membership: voters(1, 2, 3, 4, 5), config: { preVote, checkQuorum }, random });
        for (const s of steps) {
          if ('tick' in s) c.tick(s.times, s.tick);
          else if ('cut' in s) {
            if (s.cut[0] !== s.cut[1]) c.cut(...s.cut);
          } else if ('heal' in s) c.heal();
          else {
            const leader = c.leader();
            if (leader !== null) c.node(leader).propose(['x']);
            c.stabilize();
          }
        }
        for (const id of [1, 2, 3, 4, 5]) {
          const node = c.node(id);
          const due = node.ticksUntilDue();
          assert.ok(due >= 1);
          const before = JSON.stringify(node.status());
          for (let i = 1; i < due; i++) {
            node.tick();
            assert.ok(!node.hasReady(), `n${id}: tick ${i} of ${due} made a Ready`);
            assert.equal(JSON.stringify(node.status()), before, `n${id}: tick ${i} of ${due} changed its status`);
          }
          const role = node.status().role;
          node.tick();
          if (role !== 'leader') assert.ok(node.hasReady(), `n${id} (${role}) did nothing at its due tick`);
          c.stabilize();
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a leader is due at its next heartbeat; a follower at its election timeout', () => {
  const c = new Cluster({ config: { heartbeatTicks: 3, electionTicksMin: 10, electionTicksMax: 20 } });
  c.elect(1);
  assert.equal(c.node(1).ticksUntilDue(), 3);
  c.node(1).tick();
  assert.equal(c.node(1).ticksUntilDue(), 2);
  // Staggered timeouts: node 2 draws the minimum plus one; the leader's append reset its timer.
  assert.equal(c.node(2).ticksUntilDue(), 11);
});
