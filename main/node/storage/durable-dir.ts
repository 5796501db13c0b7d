// Synchronous file operations with the fsyncs that make them durable, counted for stats().
// A file's data is durable after fsync(file); its creation, rename or removal only after
// fsync(directory). Windows cannot open a directory to fsync it (NTFS journals its metadata), so
// that one step is skipped there.

import fs from 'node:fs';
import path from 'node:path';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export class DurableDir {
  readonly path: string;
  fsyncs = 0;

  private constructor(dir: string) {
    this.path = dir;
  }

  /** Open `dir`, creating it (mode 0700, and its parents) if missing; returns whether it was created. */
  static open(dir: string): { dir: DurableDir; created: boolean } {
    const absolute = path.resolve(dir);
    const first = fs.mkdirSync(absolute, { recursive: true, mode: DIR_MODE });
    const durable = new DurableDir(absolute);
    if (first !== undefined) {
      // Make each new directory's entry in its parent durable, deepest first.
      for (let d = absolute; d !== path.dirname(d); d = path.dirname(d)) {
        durable.fsyncDirectory(path.dirname(d));
        if (d === first) break;
      }
    }
    return { dir: durable, created: first !== undefined };
  }

  file(name: string): string {
    return path.join(this.path, name);
  }

  list(): string[] {
    return fs.readdirSync(this.path);
  }

  fsync(fd: number): void {
    fs.fsyncSync(fd);
    this.fsyncs++;
  }

  fsyncDir(): void {
    this.fsyncDirectory(this.path);
  }

  private fsyncDirectory(dir: string): void {
    if (process.platform === 'win32') return;
    const fd = fs.openSync(dir, 'r');
    try {
      this.fsync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Create a new, empty file; fails if it exists. The caller fsyncs the directory. */
  createExclusive(name: string): number {
    return fs.openSync(this.file(name), 'wx', FILE_MODE);
  }

  /** Write all of `buf` at `position` (writeSync may write less than asked). */
  static writeAll(fd: number, buf: Buffer, position: number): void {
    let done = 0;
    while (done < buf.length) {
      done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
    }
  }

  /** Write `name` atomically: a temporary file, fsync, rename over `name`, fsync the directory. */
  writeAtomic(name: string, buf: Buffer, tempSuffix: string): void {
    const temp = this.file(name + tempSuffix);
    const fd = fs.openSync(temp, 'w', FILE_MODE);
    try {
      DurableDir.writeAll(fd, buf, 0);
      this.fsync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.file(name));
    this.fsyncDir();
  }

  /** Remove files, then make the removal durable with one directory fsync. */
  remove(names: readonly string[]): void {
    if (names.length === 0) return;
    for (const name of names) fs.rmSync(this.file(name), { force: true });
    this.fsyncDir();
  }

  /** Cut a file back to `size` bytes, durably. */
  truncate(name: string, size: number): void {
    const fd = fs.openSync(this.file(name), 'r+');
    try {
      fs.ftruncateSync(fd, size);
      this.fsync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
