// What the command-line tools of the test beds (npm run sim, nemesis, crash-points) share: a wrong
// option is refused with one line naming the tool, and exit code 2.

export interface OptionReader {
  /** Refuse the command line with `message`. */
  readonly fail: (message: string) => never;
  /** The option `--name`'s value as a whole number in [min, max], or a refusal. */
  readonly int: (name: string, value: string, min: number, max: number) => number;
}

export function optionReader(tool: string): OptionReader {
  const fail = (message: string): never => {
    console.error(`${tool}: ${message}`);
    process.exit(2);
  };
  const int = (name: string, value: string, min: number, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      fail(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
  return { fail, int };
}
