// The fuzzers of what the app reads from files: a member's WAL and snapshots (wal.ts), and every
// importer of a file a person may hand the app (importers.ts). The lesson and session file
// importers join the list below: see importers.ts for how to plug one in.

import { parseSocietyRecord } from '../../main/cluster/data-dir.ts';
import { importerFuzzer, type Importer } from './importers.ts';
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

walFuzzers();
// Every importer of a file a person may hand the app: the lesson and session importers go here too.
importerFuzzer(societyRecord);
