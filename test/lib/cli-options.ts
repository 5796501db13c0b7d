// What the command-line tools of the test beds (npm run sim, nemesis, crash-points, demo) share:
// --help prints the usage, and a wrong option is refused with one line naming the tool and the
// usage, exit code 2 (not a stack trace).

import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; args: string[]; strict: true }>
>;

export interface OptionReader {
  /** node:util's parseArgs (strict), answering --help / -h and refusing unknown or malformed options. */
  readonly parse: <O extends ParseArgsOptionsConfig>(options: O) => Parsed<O>;
  /** Refuse the command line with `message`. */
  readonly fail: (message: string) => never;
  /** The option `--name`'s value as a whole number in [min, max], or a refusal. */
  readonly int: (name: string, value: string, min: number, max: number) => number;
}

export function optionReader(
  tool: string,
  usage: string,
  argv: readonly string[] = process.argv.slice(2),
): OptionReader {
  const fail = (message: string): never => {
    console.error(`${tool}: ${message}\n${usage}`);
    process.exit(2);
  };
  const parse = <O extends ParseArgsOptionsConfig>(options: O): Parsed<O> => {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(usage);
      process.exit(0);
    }
    try {
      return parseArgs({ options, args: [...argv], strict: true });
    } catch (e) {
      if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) return fail(e.message);
      throw e;
    }
  };
  const int = (name: string, value: string, min: number, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      fail(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
  return { parse, fail, int };
}
