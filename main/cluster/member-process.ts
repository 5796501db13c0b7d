// One member's OS process as the supervisor sees it: start, the fault signals (SIGKILL = crash,
// SIGSTOP/SIGCONT = freeze/thaw), and its validated messages.

import type { ChildProcess } from 'node:child_process';
import { fromNodeSchema, type FromNode, type NodeConfig, type ToNode } from '../node/control-protocol.ts';
import { spawnMember } from './spawn.ts';

export const canFreeze = process.platform !== 'win32';

export interface MemberProcessEvents {
  readonly message: (m: FromNode) => void;
  /** A message from the process that failed validation (it is ignored). */
  readonly invalid: (reason: string) => void;
  readonly exit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export class MemberProcess {
  private readonly child: ChildProcess;
  exited = false;

  constructor(config: NodeConfig, events: MemberProcessEvents, entry?: string) {
    this.child = spawnMember(entry);
    this.child.on('message', (raw: unknown) => {
      const parsed = fromNodeSchema.safeParse(raw);
      if (parsed.success) events.message(parsed.data);
      else events.invalid(parsed.error.issues[0]?.message ?? 'invalid message');
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      events.exit(code, signal);
    });
    // A child that died before its channel opened reports it through 'exit' as well.
    this.child.on('error', () => undefined);
    this.send({ t: 'init', config });
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  send(message: ToNode): void {
    if (!this.exited && this.child.connected) this.child.send(message);
  }

  /** A crash: the process gets no chance to flush or say goodbye. Resolves once it is gone. */
  kill(): Promise<void> {
    if (this.exited) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    return gone;
  }

  freeze(): void {
    if (!canFreeze) throw new Error('freezing a member needs SIGSTOP, which this operating system does not have');
    if (!this.exited) this.child.kill('SIGSTOP');
  }

  thaw(): void {
    if (!canFreeze) throw new Error('thawing a member needs SIGCONT, which this operating system does not have');
    if (!this.exited) this.child.kill('SIGCONT');
  }

  /** A clean stop, for members removed from the society and for shutdown. */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      if (canFreeze) this.child.kill('SIGCONT'); // a frozen process cannot handle SIGTERM
      this.child.kill('SIGTERM');
      setTimeout(() => void this.kill(), 2000).unref();
    });
  }
}
