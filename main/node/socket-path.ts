// Where member `id` listens, inside the cluster's private socket directory, and the checks that
// keep that directory private. node-ipc turns the path into a named pipe on Windows.
//
// Whoever can write into the socket directory can stand in for a member (or listen in on one), so
// it must belong to us and be closed to everyone else: created 0700, and an existing one refused
// unless it is a real directory (not a symbolic link) owned by this user with no group or other
// permissions. node-ipc's own check would quietly chmod a too-open directory; we refuse it instead,
// because someone else may already have put something in it.

import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeId } from '../raft/types.ts';

export function socketPath(socketDir: string, id: NodeId): string {
  return join(socketDir, `n${id}.sock`);
}

/** The socket directory cannot be trusted; the message says why and what to do. */
export class SocketDirError extends Error {
  override name = 'SocketDirError';
  readonly dir: string;

  constructor(dir: string, problem: string) {
    super(
      `refusing the socket directory ${dir}: ${problem}. Members talk through sockets in it, so only this user ` +
        'may own and enter it; let the app create a fresh one.',
    );
    this.dir = dir;
  }
}

const PRIVATE_MODE = 0o700;

/** Create `dir` mode 0700 if it is missing; otherwise check that it is private to this user. Throws SocketDirError. */
export function ensurePrivateSocketDir(dir: string): void {
  let st = lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_MODE });
    st = lstatSync(dir);
  }
  if (st.isSymbolicLink()) throw new SocketDirError(dir, 'it is a symbolic link');
  if (!st.isDirectory()) throw new SocketDirError(dir, 'it is not a directory');
  // Windows has no owner ids or mode bits here: named pipes are not files in this directory.
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (st.uid !== uid) throw new SocketDirError(dir, `it belongs to user ${st.uid}, not to this user (${uid})`);
  if ((st.mode & 0o077) !== 0)
    throw new SocketDirError(
      dir,
      `its mode is 0${(st.mode & 0o777).toString(8)}: group or others may enter it (it must be 0700)`,
    );
}
