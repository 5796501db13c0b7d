// Lesson files on disk: the built-in ones in resources/lessons/ (numbered by their file names'
// order) and any file an instructor names.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LessonError, parseLesson } from '../shared/lessons/load.ts';
import type { Lesson } from '../shared/lessons/schema.ts';

export const lessonsDir = fileURLToPath(new URL('../../resources/lessons/', import.meta.url));

export function readLessonFile(path: string): Lesson {
  return parseLesson(readFileSync(path, 'utf8'), relative(process.cwd(), path) || path);
}

/** The built-in lessons, in order. */
export function builtinLessons(dir: string = lessonsDir): Lesson[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readLessonFile(join(dir, f)));
}

/** A lesson by file path, built-in id, or built-in number (1 = the first). */
export function findLesson(ref: string, dir: string = lessonsDir): Lesson {
  if (existsSync(ref) && statSync(ref).isFile()) return readLessonFile(ref);
  const all = builtinLessons(dir);
  const byNumber = /^\d+$/.test(ref) ? all[Number(ref) - 1] : undefined;
  const found = byNumber ?? all.find((l) => l.id === ref);
  if (found === undefined)
    throw new LessonError(
      `no lesson "${ref}": give a lesson file, or one of ${all.map((l, i) => `${i + 1} ${l.id}`).join(', ')}`,
    );
  return found;
}
