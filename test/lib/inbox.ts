// Messages as they arrive, for a test to wait on: `next(match)` resolves with the first message
// after those already taken that matches, and throws after `ms` if none comes.

export class Inbox<T> {
  /** Everything that arrived, in order. */
  readonly items: T[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Let waiters look again (the source has ended, say). */
  wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  async next<U extends T>(match: (m: T) => m is U, ms: number, what: string): Promise<U>;
  async next(match: (m: T) => boolean, ms: number, what: string): Promise<T>;
  async next(match: (m: T) => boolean, ms: number, what: string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      while (this.cursor < this.items.length) {
        const m = this.items[this.cursor++]!;
        if (match(m)) return m;
      }
      if (Date.now() > deadline) throw new Error(`no matching ${what} within ${ms} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}
