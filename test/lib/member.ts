// One real member process, forked the way the supervisor forks it (main/cluster/spawn.ts), for
// tests that talk to it directly over its control channel: what they send is not checked on the
// way, and every message it sends back is kept.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { spawnMember } from '../../main/cluster/spawn.ts';
import type { FromNode, NodeConfig } from '../../main/node/control-protocol.ts';
import { socketPath } from '../../main/node/socket-path.ts';
import { ensureMemberBundle } from '../../scripts/build-member.ts';
import { Inbox } from './inbox.ts';

export interface ForkedMember {
  readonly child: ChildProcess;
  readonly config: NodeConfig;
  /** Everything it sent, in order. */
  readonly received: FromNode[];
  /** Resolves with its exit code (or signal) once it has exited. */
  readonly exited: Promise<number | string>;
  /** The next message (after those already taken) matching `match`; throws after `ms`. */
  next<T extends FromNode>(match: (m: FromNode) => m is T, ms?: number): Promise<T>;
  send(message: unknown): void;
}

/** A one-member society's configuration in fresh temporary directories (removed after the test). */
export function soloConfig(t: TestContext, overrides: Partial<NodeConfig> = {}): NodeConfig {
  const root = mkdtempSync(join(tmpdir(), 'rs-member-'));
  t.after(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const socketDir = join(root, 'sockets');
  return {
    id: 1,
    dataDir: join(root, 'n1'),
    socketDir,
    peers: [{ id: 1, path: socketPath(socketDir, 1) }],
    initial: { voters: [1], learners: [] },
    tickMs: 10,
    timeScale: 1,
    electionTicksMin: 15,
    electionTicksMax: 30,
    heartbeatTicks: 5,
    preVote: true,
    checkQuorum: true,
    maxInflight: 32,
    maxEntriesPerAppend: 256,
    maxAppendBytes: 1024 * 1024,
    snapshotThreshold: 1000,
    segmentBytes: 8 * 1024 * 1024,
    rules: { cut: [], faults: [] },
    messageTelemetry: true,
    ...overrides,
  };
}

/** Fork a member and send it `first` (normally `{ t: 'init', config }`); it is killed after the test. */
export async function forkMember(
  t: TestContext,
  config: NodeConfig,
  first: unknown = { t: 'init', config },
): Promise<ForkedMember> {
  await ensureMemberBundle();
  const child = spawnMember();
  const inbox = new Inbox<FromNode>();
  child.on('message', (m: FromNode) => {
    inbox.push(m);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      inbox.wake();
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const member: ForkedMember = {
    child,
    config,
    received: inbox.items,
    exited,
    next: (match, ms = 10_000) => inbox.next(match, ms, 'message from the member'),
    send(message) {
      if (child.connected) child.send(message as object);
    },
  };
  member.send(first);
  return member;
}

export const isStarted = (m: FromNode): m is Extract<FromNode, { t: 'started' }> => m.t === 'started';
export const isFatal = (m: FromNode): m is Extract<FromNode, { t: 'fatal' }> => m.t === 'fatal';
export const isReply = (m: FromNode): m is Extract<FromNode, { t: 'reply' }> => m.t === 'reply';
