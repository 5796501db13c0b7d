// The notice board looks back too: what it said after any event, repeats folded with their count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoticeLog } from '../../renderer/src/lib/notice-log.ts';

test('the board at an earlier moment: only what was posted by then, repeats counted up to it', () => {
  const log = new NoticeLog();
  log.post('Priya stands for election 2', 'info', 1000, 10);
  log.post('Mohan votes for Priya', 'info', 1001, 11);
  log.post('Priya stands for election 2', 'info', 1500, 20);
  log.post('Priya stands for election 2', 'info', 2000, 30);
  log.post('Priya is chairman for election 2', 'good', 2100, 31);
  const words = (seq: number): string[] => log.upTo(seq, 40).map((n) => `${n.words as string} x${n.count} @${n.at}`);
  assert.deepEqual(words(9), []);
  assert.deepEqual(words(10), ['Priya stands for election 2 x1 @1000']);
  assert.deepEqual(words(25), ['Mohan votes for Priya x1 @1001', 'Priya stands for election 2 x2 @1500']);
  assert.deepEqual(words(100), [
    'Priya is chairman for election 2 x1 @2100',
    'Mohan votes for Priya x1 @1001',
    'Priya stands for election 2 x3 @2000',
  ]);
  assert.equal(log.upTo(100, 1).length, 1, 'at most the limit, newest first');
});

test('a notice posted for an earlier moment (joining the meeting) takes its place in order', () => {
  const log = new NoticeLog();
  log.post('an election', 'good', 1000, 50);
  log.post('Joined the meeting', 'info', 900, 40);
  assert.deepEqual(
    log.upTo(100, 40).map((n) => n.words),
    ['an election', 'Joined the meeting'],
  );
  log.clear();
  assert.deepEqual(log.upTo(100, 40), []);
});

test('live, the board is the same array until something is posted (nothing to redraw)', () => {
  const log = new NoticeLog();
  log.post('a', 'info', 1, 5);
  const board = log.upTo(10, 40);
  assert.equal(log.upTo(11, 40), board);
  assert.notEqual(log.upTo(4, 40), board);
  log.post('b', 'info', 2, 12);
  assert.deepEqual(
    log.upTo(12, 40).map((n) => n.words),
    ['b', 'a'],
  );
});
