// A stream of writes through the HTTP API, each to a key of its own (w<writer>-<n>) with a value that
// names it, padded so snapshots and WAL segments fill up. Every acknowledged write (200) is kept with
// the crash point it was acknowledged in: after all the crashes, each must still be readable.

import { z } from 'zod';
import type { Random } from '../sim/random.ts';
import { describe, sleep, type ApiClient } from './api-client.ts';

export interface AckedWrite {
  readonly value: string;
  /** The crash point under way when it was acknowledged. */
  readonly point: number;
}

export interface LostWrite {
  readonly key: string;
  readonly expected: string;
  readonly got: string;
  readonly point: number;
}

export class WriteStream {
  readonly acked = new Map<string, AckedWrite>();
  readonly counts = { unknown: 0, notApplied: 0 };
  /** Answers no crash explains (anything but 200, 503, 504 or no answer). */
  readonly unexpected: string[] = [];
  /** The crash point under way, stamped on the writes acknowledged meanwhile. */
  point = 0;
  private stopped = false;
  private running: Promise<void>[] = [];
  private readonly api: ApiClient;
  private readonly r: Random;
  private readonly writers: number;
  private readonly padding: readonly [number, number];

  constructor(api: ApiClient, r: Random, writers: number, padding: readonly [number, number]) {
    this.api = api;
    this.r = r;
    this.writers = writers;
    this.padding = padding;
  }

  start(): void {
    this.running = Array.from({ length: this.writers }, (_, w) => this.writer(w + 1));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async writer(w: number): Promise<void> {
    for (let n = 1; !this.stopped; n++) {
      const key = `w${w}-${n}`;
      const point = this.point;
      const value = `p${point}/${key}/${'x'.repeat(this.r.int(this.padding[0], this.padding[1]))}`;
      const a = await this.api.call('POST', '/api/kv', { op: 'set', key, value });
      if (a.status === 200) this.acked.set(key, { value, point });
      else if (a.status === 503) this.counts.notApplied++;
      else if (a.status === 504 || a.status === null) this.counts.unknown++;
      else this.unexpected.push(`set ${key}: ${describe(a)}`);
      // Without a majority every answer is quick and useless: do not spin.
      if (a.status !== 200) await sleep(20);
    }
  }
}

const getBody = z.object({ value: z.string().nullable() });

/**
 * Read every acknowledged write back with linearizable gets, `parallel` at a time: the ones missing
 * or changed, and how many could not be read (no answer: once 20 in a row go unanswered, the rest
 * are not tried).
 */
export async function lostWrites(
  api: ApiClient,
  acked: ReadonlyMap<string, AckedWrite>,
  parallel: number,
): Promise<{ lost: LostWrite[]; unread: number }> {
  const lost: LostWrite[] = [];
  const keys = [...acked.keys()];
  let unread = 0;
  let unansweredInARow = 0;
  const reader = async (): Promise<void> => {
    for (let key = keys.pop(); key !== undefined && unansweredInARow < 20; key = keys.pop()) {
      const { value, point } = acked.get(key)!;
      let a = await api.call('POST', '/api/kv', { op: 'get', key });
      // No chairman for a moment is not a lost write: ask again.
      for (let retry = 0; retry < 5 && a.status !== 200; retry++) {
        await sleep(200);
        a = await api.call('POST', '/api/kv', { op: 'get', key });
      }
      const body = getBody.safeParse(a.status === 200 ? a.body : null);
      if (!body.success) {
        unread++;
        unansweredInARow++;
        continue;
      }
      unansweredInARow = 0;
      if (body.data.value !== value) lost.push({ key, expected: value, got: JSON.stringify(body.data.value), point });
    }
  };
  await Promise.all(Array.from({ length: parallel }, reader));
  return { lost, unread: unread + keys.length };
}
