// The one error that stops a member from starting: its data directory holds something it cannot
// trust. It names the file and the byte offset so a person can look at exactly that spot.

const ADVICE =
  'The member refuses to start rather than guess and lose acknowledged data. Do not edit or delete files to get ' +
  'past this: move the whole data directory aside (keep it for diagnosis) and either restore it from a backup or ' +
  'replace this member (remove it from the cluster, then add a fresh one).';

export class StorageCorruptError extends Error {
  override name = 'StorageCorruptError';
  /** Full path of the file that cannot be trusted. */
  readonly file: string;
  /** Byte offset in `file` where the problem starts (the start of the record at fault). */
  readonly offset: number;
  /** The problem alone, without file, offset or advice. */
  readonly reason: string;

  constructor(file: string, offset: number, reason: string) {
    super(`${file} is corrupt at byte ${offset}: ${reason}. ${ADVICE}`);
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }
}
