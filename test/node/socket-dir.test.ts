// The members' socket directory is private: created 0700, and a directory that another user owns,
// that group or others may enter, or that is a symbolic link is refused with the reason, left as
// it was, and a member given one refuses to start and says why.

import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Supervisor } from '../../main/cluster/supervisor.ts';
import { ensurePrivateSocketDir, SocketDirError } from '../../main/node/socket-path.ts';
import { forkMember, isFatal, isStarted, soloConfig } from '../lib/member.ts';

const posix = process.platform !== 'win32';
const root = process.getuid?.() === 0;
/** A user id that is not ours (only root can give a directory away). */
const STRANGER = 4242;

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rs-sockdir-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function refused(dir: string, why: RegExp): void {
  assert.throws(
    () => {
      ensurePrivateSocketDir(dir);
    },
    (e: unknown) => e instanceof SocketDirError && e.dir === dir && e.message.includes(dir) && why.test(e.message),
  );
}

test('a missing socket directory is created 0700, parents included', { skip: !posix }, (t) => {
  const dir = join(scratch(t), 'a', 'sockets');
  ensurePrivateSocketDir(dir);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  ensurePrivateSocketDir(dir); // and accepted as it is
});

test('the supervisor makes its socket directory private', { skip: !posix }, (t) => {
  const sup = new Supervisor({ nodes: 1, dataDir: join(scratch(t), 'data') });
  t.after(() => {
    rmSync(sup.socketDir, { recursive: true, force: true });
  });
  const st = statSync(sup.socketDir);
  assert.equal(st.mode & 0o777, 0o700);
  assert.equal(st.uid, process.getuid!());
  ensurePrivateSocketDir(sup.socketDir);
});

test('group or other permissions are refused, and the directory is left as it was', { skip: !posix }, (t) => {
  for (const mode of [0o755, 0o770, 0o701, 0o777]) {
    const dir = join(scratch(t), `m${mode.toString(8)}`);
    mkdirSync(dir);
    chmodSync(dir, mode);
    refused(dir, new RegExp(`mode is 0${mode.toString(8)}.*must be 0700`));
    assert.equal(statSync(dir).mode & 0o777, mode, 'not quietly chmodded');
  }
});

test(
  'a directory of another user is refused',
  { skip: !posix || !root ? 'needs root to give a directory away' : false },
  (t) => {
    const dir = join(scratch(t), 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, STRANGER, STRANGER);
    refused(dir, new RegExp(`belongs to user ${STRANGER}, not to this user \\(${process.getuid!()}\\)`));
    assert.equal(lstatSync(dir).uid, STRANGER);
  },
);

test('a symbolic link or a file is refused', { skip: !posix }, (t) => {
  const base = scratch(t);
  const real = join(base, 'real');
  mkdirSync(real, { mode: 0o700 });
  const link = join(base, 'link');
  symlinkSync(real, link);
  refused(link, /symbolic link/);
  const file = join(base, 'file');
  writeFileSync(file, '');
  refused(file, /not a directory/);
});

test(
  'a member given a socket directory that is not private refuses to start and says why',
  { skip: !posix },
  async (t) => {
    const config = soloConfig(t);
    mkdirSync(config.socketDir, { mode: 0o700 });
    chmodSync(config.socketDir, 0o777);
    const member = await forkMember(t, config);
    const fatal = await member.next(isFatal);
    assert.match(fatal.message, /^cannot start: refusing the socket directory .*mode is 0777/);
    assert.equal(await member.exited, 3);
    assert.equal(member.received.some(isStarted), false);
  },
);
