// Session files on disk: saved with an <a download> (gzip-compressed when large), opened from an
// <input type=file> (plain or gzip, told apart by their first bytes). The same in a browser and in
// the desktop window: no door is involved. Reading checks everything with parseSessionFile.

import { parseSessionFile, type SessionFile, type SessionParse } from '../../../main/shared/session-file.ts';

/** Past this much JSON, the file is gzip-compressed (a session's events compress about tenfold). */
const COMPRESS_FROM = 4 * 1024 * 1024;
/** Larger files are refused before reading: the JSON would not fit in one string. */
export const MAX_FILE_MB = 400;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** "raft-society-session-2026-11-23-101500", from the local date and time. */
export function sessionFileName(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `raft-society-session-${date}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
}

async function gzip(text: string): Promise<Blob> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

/** Offer the session as a download; resolves with the file name given. */
export async function saveSession(file: SessionFile, at: Date): Promise<string> {
  const text = JSON.stringify(file);
  const large = text.length > COMPRESS_FROM;
  const name = `${sessionFileName(at)}.json${large ? '.gz' : ''}`;
  const blob = large ? await gzip(text) : new Blob([text], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference to the blob by now; give it a moment all the same.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
  return name;
}

/** Read a file the learner chose: its text (ungzipped if need be), then the session in it. */
export async function openSessionFile(file: Blob): Promise<SessionParse> {
  if (file.size > MAX_FILE_MB * 1024 * 1024)
    return { ok: false, error: `the file is larger than ${MAX_FILE_MB} MB, too large to be a session` };
  try {
    const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
    const zipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    const text = zipped
      ? await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text()
      : await file.text();
    return parseSessionFile(text);
  } catch (e) {
    return { ok: false, error: `the file could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
}
