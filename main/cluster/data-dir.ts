// The layout of a society's data directory: `society.json` (its founding voters, which the
// engine's log does not record: it only records later membership changes) and one `n<id>/`
// directory per member. Whatever is found there is checked before it decides which processes run
// and who votes: a damaged record is refused with the file named, and stray entries are ignored.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { nodeIdSchema } from '../shared/contract.ts';
import { firstIssue } from '../shared/first-issue.ts';

export const SOCIETY_RECORD = 'society.json';

const societySchema = z
  .object({
    founders: z
      .array(nodeIdSchema)
      .min(1)
      // A founder listed twice would count twice in every majority.
      .refine((ids) => new Set(ids).size === ids.length, { message: 'a founder is listed more than once' }),
  })
  .strict();

export type SocietyRecordRead =
  { readonly ok: true; readonly founders: number[] } | { readonly ok: false; readonly error: string };

/** The founders in the text of a society.json, or what is wrong with it. */
export function parseSocietyRecord(text: string): SocietyRecordRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const parsed = societySchema.safeParse(json);
  return parsed.success ? { ok: true, founders: parsed.data.founders } : { ok: false, error: firstIssue(parsed.error) };
}

/** A society.json that cannot be trusted: the society is not started from it. */
export class SocietyRecordError extends Error {
  override name = 'SocietyRecordError';
  readonly file: string;

  constructor(file: string, problem: string) {
    super(
      `${file} is damaged: ${problem}. It records who founded the society, so the society cannot start without it; ` +
        'restore it from a backup, or move the data directory aside to start a new society.',
    );
    this.file = file;
  }
}

/** The founders recorded in `dataDir`, or null for a new society. Throws SocietyRecordError. */
export function readFounders(dataDir: string): number[] | null {
  const file = join(dataDir, SOCIETY_RECORD);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return null;
    throw e;
  }
  const read = parseSocietyRecord(text);
  if (!read.ok) throw new SocietyRecordError(file, read.error);
  return read.founders;
}

/** The member id a directory entry `n<id>` stands for, or null when it is not a member's directory. */
export function memberIdOfEntry(name: string): number | null {
  const digits = /^n([1-9]\d{0,8})$/.exec(name)?.[1];
  if (digits === undefined) return null;
  const id = nodeIdSchema.safeParse(Number(digits));
  return id.success ? id.data : null;
}
