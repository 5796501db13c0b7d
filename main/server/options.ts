// Command-line options of `npm run web` and `npm run cluster`: parsed strictly, every value checked,
// every mistake explained in one line (the caller prints it and exits 2).

import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** A mistake on the command line: the message says what is wrong and what is expected. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ClusterOptions {
  readonly nodes: number;
  /** null: a fresh temporary directory, removed again on exit. */
  readonly dataDir: string | null;
  readonly electionTimeoutMs: readonly [number, number];
  readonly heartbeatMs: number;
  readonly timeScale: number;
}

export interface WebOptions extends ClusterOptions {
  readonly port: number;
  readonly host: string;
  readonly token: string | null;
  readonly viewerToken: string | null;
  readonly staticDir: string | null;
  /** --workshop: serve the room (all interfaces unless --host), tokens generated when not given. */
  readonly workshop: boolean;
}

export const MAX_NODES = 15;
/** The built UI (`npm run build:renderer`): what `npm run web` serves at / unless told otherwise. */
export const defaultStaticDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
export const TOKEN_ENV = 'RAFT_SOCIETY_TOKEN';
export const VIEWER_TOKEN_ENV = 'RAFT_SOCIETY_VIEWER_TOKEN';

const clusterOptionSpec = {
  nodes: { type: 'string' },
  'data-dir': { type: 'string' },
  'election-timeout': { type: 'string' },
  heartbeat: { type: 'string' },
  'time-scale': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const webOptionSpec = {
  ...clusterOptionSpec,
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  'viewer-token': { type: 'string' },
  static: { type: 'string' },
  workshop: { type: 'boolean' },
} as const;

const clusterUsageLines = [
  '  --nodes N                 members of the society, 1-15 (default 5)',
  '  --data-dir DIR            where members keep their minutes books (default: a fresh temp dir)',
  '  --election-timeout A-B    election timeout range in ms (default 150-300)',
  '  --heartbeat MS            heartbeat interval in ms, below the election timeout (default 50)',
  '  --time-scale X            slow motion factor, 0.01-1 (default 1 = real time)',
];

export const webUsage = [
  'usage: npm run web -- [options]',
  '  --workshop                serve a workshop: every interface (unless --host), a controller token and a',
  '                            viewer token made up when not given, join links and a QR code printed',
  '  --port P                  port to serve on, 0 = any free port (default 8080)',
  '  --host H                  address to bind (default 127.0.0.1; any other needs --token)',
  `  --token T                 bearer token required for every /api request (or env ${TOKEN_ENV})`,
  `  --viewer-token V          read-only token: may look and subscribe, not command (or env ${VIEWER_TOKEN_ENV})`,
  '  --static DIR              serve a built UI from DIR at / (default: out/renderer, built when',
  '                            missing or stale; "none": the API only)',
  ...clusterUsageLines,
].join('\n');

export const clusterUsage = ['usage: npm run cluster -- [options]', ...clusterUsageLines].join('\n');

/** Whether `host` only ever reaches this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function integer(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

/** A fresh secret token: 144 random bits, URL-safe (24 characters). */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

function token(name: string, raw: string): string {
  if (!/^[\x21-\x7e]{8,256}$/.test(raw))
    throw new UsageError(`--${name} must be 8 to 256 printable characters without spaces`);
  return raw;
}

function parse<T extends typeof clusterOptionSpec | typeof webOptionSpec>(
  argv: readonly string[],
  spec: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }).values;
  } catch (e) {
    // parseArgs explains unknown options, missing values and stray arguments well; keep its words.
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify.*$/s, '') : String(e));
  }
}

function clusterOptions(v: {
  nodes?: string | undefined;
  'data-dir'?: string | undefined;
  'election-timeout'?: string | undefined;
  heartbeat?: string | undefined;
  'time-scale'?: string | undefined;
}): ClusterOptions {
  const nodes = v.nodes === undefined ? 5 : integer('nodes', v.nodes, 1, MAX_NODES);
  let electionTimeoutMs: [number, number] = [150, 300];
  if (v['election-timeout'] !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(v['election-timeout']);
    const [min, max] = m === null ? [NaN, NaN] : [Number(m[1]), Number(m[2])];
    if (!(min >= 20 && max >= min && max <= 60_000))
      throw new UsageError(
        `--election-timeout must be MIN-MAX in ms with 20 <= MIN <= MAX <= 60000 (e.g. 150-300), got "${v['election-timeout']}"`,
      );
    electionTimeoutMs = [min, max];
  }
  const heartbeatMs = v.heartbeat === undefined ? 50 : integer('heartbeat', v.heartbeat, 10, 60_000);
  if (heartbeatMs >= electionTimeoutMs[0])
    throw new UsageError(
      `--heartbeat (${heartbeatMs} ms) must be shorter than the shortest election timeout (${electionTimeoutMs[0]} ms)`,
    );
  let timeScale = 1;
  if (v['time-scale'] !== undefined) {
    timeScale = /^(\d+(\.\d*)?|\.\d+)$/.test(v['time-scale']) ? Number(v['time-scale']) : NaN;
    if (!(timeScale >= 0.01 && timeScale <= 1))
      throw new UsageError(
        `--time-scale must be a number from 0.01 (slow motion) to 1 (real time), got "${v['time-scale']}"`,
      );
  }
  const dataDir = v['data-dir'] ?? null;
  if (dataDir?.trim() === '') throw new UsageError('--data-dir must not be empty');
  if (dataDir !== null) {
    const st = statSync(dataDir, { throwIfNoEntry: false });
    if (st !== undefined && !st.isDirectory()) throw new UsageError(`--data-dir ${dataDir} is not a directory`);
  }
  return { nodes, dataDir, electionTimeoutMs, heartbeatMs, timeScale };
}

/** The options of `npm run cluster`; null when the user asked for --help. */
export function parseClusterArgs(argv: readonly string[]): ClusterOptions | null {
  const v = parse(argv, clusterOptionSpec);
  return v.help === true ? null : clusterOptions(v);
}

/** The options of `npm run web`; null when the user asked for --help. */
export function parseWebArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): WebOptions | null {
  const v = parse(argv, webOptionSpec);
  if (v.help === true) return null;
  const cluster = clusterOptions(v);
  const port = v.port === undefined ? 8080 : integer('port', v.port, 0, 65_535);
  const workshop = v.workshop === true;
  // A workshop is for the room: every interface by default (0.0.0.0: IPv4, which every phone and laptop has).
  const host = v.host ?? (workshop ? '0.0.0.0' : '127.0.0.1');
  if (isIP(host) === 0 && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host))
    throw new UsageError(`--host must be an IP address or a host name, got "${host}"`);
  const rawToken = v.token ?? env[TOKEN_ENV] ?? null;
  const rawViewer = v['viewer-token'] ?? env[VIEWER_TOKEN_ENV] ?? null;
  const tokenValue = rawToken === null ? (workshop ? newToken() : null) : token('token', rawToken);
  const viewerToken = rawViewer === null ? (workshop ? newToken() : null) : token('viewer-token', rawViewer);
  if (tokenValue === null && !isLoopback(host))
    throw new UsageError(
      `refusing to serve on ${host} without a token: anyone who can reach it could crash members and rewrite the minutes. ` +
        `Pass --token T (8+ characters) or bind to 127.0.0.1.`,
    );
  if (viewerToken !== null && tokenValue === null)
    throw new UsageError('--viewer-token needs --token as well (otherwise anyone could command the cluster)');
  if (viewerToken !== null && viewerToken === tokenValue)
    throw new UsageError('--viewer-token must differ from --token');
  const staticDir =
    v.static === 'none'
      ? null
      : (v.static ?? (existsSync(join(defaultStaticDir, 'index.html')) ? defaultStaticDir : null));
  if (staticDir !== null && statSync(staticDir, { throwIfNoEntry: false })?.isDirectory() !== true)
    throw new UsageError(`--static ${staticDir} is not a directory`);
  if (workshop && staticDir === null)
    throw new UsageError('--workshop needs the UI (the room joins with a browser); leave out --static none');
  return { ...cluster, port, host, token: tokenValue, viewerToken, staticDir, workshop };
}
