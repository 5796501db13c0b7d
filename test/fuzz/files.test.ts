// The fuzzers of what the app reads from files: a member's WAL and snapshots (wal.ts), and every
// importer of a file a person may hand the app (importers.ts): the society record, a lesson, a
// saved session.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSocietyRecord } from '../../main/cluster/data-dir.ts';
import type { Lesson } from '../../main/shared/lessons/schema.ts';
import { LessonError, parseLesson } from '../../main/shared/lessons/load.ts';
import { parseSessionFile, type SessionFile } from '../../main/shared/session-file.ts';
import { Replay } from '../../renderer/src/lib/replay.ts';
import { startCluster, waitFor } from '../cluster/harness.ts';
import { fuzzImporter, importerFuzzer, type Importer } from './importers.ts';
import { walFuzzers } from './wal.ts';

/** society.json: the founders of a society, read when its data directory is opened. */
const societyRecord: Importer<number[]> = {
  name: 'society.json',
  parse: (text) => {
    const r = parseSocietyRecord(text);
    return r.ok ? { ok: true, value: r.founders } : r;
  },
  valid: ['{"founders":[1,2,3,4,5]}', '{"founders":[3]}', '{ "founders": [7, 1, 12] }\n'],
  serialize: (founders) => JSON.stringify({ founders }),
};

const lessonsDir = join(import.meta.dirname, '../../resources/lessons');

/** A lesson file an instructor opens in the window or hands to `npm run lesson`. */
const lessonFile: Importer<Lesson> = {
  name: 'lesson file',
  parse: (text) => {
    try {
      return { ok: true, value: parseLesson(text, 'lesson.json') };
    } catch (e) {
      if (e instanceof LessonError) return { ok: false, error: e.message };
      throw e;
    }
  },
  valid: readdirSync(lessonsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(lessonsDir, f), 'utf8')),
  serialize: (lesson) => JSON.stringify(lesson),
};

walFuzzers();
importerFuzzer(societyRecord);
importerFuzzer(lessonFile);

test(
  'saved session: garbage and damaged files are refused with a message, quickly, changing nothing',
  { timeout: 120_000 },
  async (t) => {
    // A real recording, short: an election, writes, a crash and a restart.
    const c = await startCluster(t, { nodes: 3 });
    await waitFor('a chairman', () => c.leader() !== null, 10_000);
    for (let i = 0; i < 3; i++) await c.run('kv', { op: 'set', key: `k${i}`, value: `v${i}` });
    const other = [1, 2, 3].find((id) => id !== c.leader())!;
    await c.run('node.crash', { id: other });
    await c.run('node.restart', { id: other });
    const replay = new Replay();
    replay.receive(c.sup.events(0));
    const file = replay.toSessionFile(new Date('2026-11-23T10:00:00Z'), { door: 'browser', location: 'test' });
    const session: Importer<SessionFile> = {
      name: 'saved session',
      parse: (text) => {
        const r = parseSessionFile(text);
        return r.ok ? { ok: true, value: r.session } : r;
      },
      valid: [JSON.stringify(file)],
      serialize: (s) => JSON.stringify(s),
    };
    await fuzzImporter(session, 100);
  },
);
