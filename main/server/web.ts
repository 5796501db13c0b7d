// `npm run web`: a real cluster behind the HTTP + WebSocket API, for a browser or curl. One line on
// stdout says where it is; SIGINT/SIGTERM stop the members, close the server and exit 0.

import { mkdtempSync, rmSync } from 'node:fs';
import QRCode from 'qrcode';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor, type SupervisorOptions } from '../cluster/supervisor.ts';
import { allowedHosts } from './auth.ts';
import { onOrphaned } from './orphan.ts';
import { createApi, type Api } from './http-api.ts';
import { ViewerJoin } from './join.ts';
import { parseWebArgs, UsageError, webUsage, type ClusterOptions, type WebOptions } from './options.ts';

export interface WebServer {
  /** http://HOST:PORT with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly supervisor: Supervisor;
  readonly api: Api;
  /** How viewers join (with a viewer token); null without one. */
  readonly join: ViewerJoin | null;
  readonly dataDir: string;
  /** Whether dataDir is a fresh temporary directory (removed by close()). */
  readonly tempDataDir: boolean;
  /** Stop everything: WebSockets, the HTTP server, the members; remove a temporary data dir. */
  close(): Promise<void>;
}

/** Supervisor settings the command line does not offer (tests and the reliability scripts set them). */
export type Tuning = Partial<Pick<SupervisorOptions, 'snapshotThreshold' | 'segmentBytes'>>;

/** A Supervisor for these options, with its data directory (a fresh temp one unless given). */
export function makeSupervisor(
  o: ClusterOptions,
  tuning: Tuning = {},
): { supervisor: Supervisor; dataDir: string; temp: boolean } {
  const temp = o.dataDir === null;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'raft-society-'));
  const supervisor = new Supervisor({
    nodes: o.nodes,
    dataDir,
    electionTimeoutMs: o.electionTimeoutMs,
    heartbeatMs: o.heartbeatMs,
    timeScale: o.timeScale,
    ...tuning,
  });
  return { supervisor, dataDir, temp };
}

const hostInUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Listen first (a busy port fails before any member is spawned), then start the society. */
export async function startWeb(o: WebOptions, tuning: Tuning = {}): Promise<WebServer> {
  const { supervisor, dataDir, temp } = makeSupervisor(o, tuning);
  let hosts: Set<string> | null = null;
  let join: ViewerJoin | null = null;
  const api = createApi({
    door: supervisor,
    auth: { token: o.token, viewerToken: o.viewerToken },
    hosts: () => hosts,
    staticDir: o.staticDir,
    join: () => join,
  });
  const server = createServer(api.handle);
  server.on('upgrade', api.upgrade);
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await api.close();
      server.close();
      server.closeAllConnections();
      await supervisor.stop();
      if (temp) rmSync(dataDir, { recursive: true, force: true });
    })());
  try {
    const port = await listen(server, o.port, o.host);
    hosts = allowedHosts(o.host, port);
    if (o.viewerToken !== null) join = new ViewerJoin({ host: o.host, port, viewerToken: o.viewerToken });
    await supervisor.start();
    const url = `http://${hostInUrl(o.host)}:${port}`;
    return { url, port, supervisor, api, join, dataDir, tempDataDir: temp, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The one line `npm run web` prints. */
export function announce(o: WebOptions, w: WebServer): string {
  const notes = [
    w.tempDataDir ? `data in a fresh temp dir ${w.dataDir}, removed on exit` : `data in ${w.dataDir}`,
    `election timeout ${o.electionTimeoutMs[0]}-${o.electionTimeoutMs[1]} ms`,
    `heartbeat ${o.heartbeatMs} ms`,
    `time scale ${o.timeScale}`,
    o.token === null ? 'no token' : `token required${o.viewerToken === null ? '' : ' (viewer token accepted)'}`,
    o.staticDir === null ? 'API only' : `UI from ${o.staticDir}`,
    'Ctrl+C stops',
  ];
  return `Raft Society cluster of ${o.nodes} at ${w.url} (${notes.join('; ')})`;
}

/**
 * What `--workshop` prints after its first line: where the instructor and the viewers go, for every
 * address of this machine the room can reach, and a QR code of the first viewer link.
 */
export async function workshopBanner(o: WebOptions, w: WebServer): Promise<string> {
  const links = w.join?.links() ?? [];
  const lines = ['', 'Workshop:'];
  if (!links.some((l) => l.lan))
    lines.push('  no network address found: only this machine can join (connect to the room’s network and restart)');
  for (const l of links) {
    const base = `http://${hostInUrl(l.address)}:${w.port}`;
    lines.push(
      `  on ${l.address}:`,
      `    viewers (may watch, not act):  ${l.shortUrl}   or   ${l.url}`,
      `    instructor (keep it private):  ${base}/?token=${encodeURIComponent(o.token ?? '')}`,
    );
  }
  lines.push('  the short join code gives viewer rights only; the instructor’s page shows it as a QR code too (Share)');
  const first = links[0];
  const qr = first === undefined ? '' : await QRCode.toString(first.url, { type: 'terminal', small: true });
  return `${lines.join('\n')}\n${qr === '' ? '' : `\nviewers, scan to join ${first!.address}:\n${qr}`}\n`;
}

/** The command line: returns the exit code once the server has stopped (or failed to start). */
export async function main(argv: readonly string[]): Promise<number> {
  let o: WebOptions | null;
  try {
    o = parseWebArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`npm run web: ${e.message}\n(run with --help for the options)\n`);
    return 2;
  }
  if (o === null) {
    process.stdout.write(`${webUsage}\n`);
    return 0;
  }
  let w: WebServer;
  try {
    w = await startWeb(o);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'EADDRINUSE'
        ? `port ${o.port} on ${o.host} is already in use (try --port 0 for any free port)`
        : err.code === 'EADDRNOTAVAIL'
          ? `${o.host} is not an address of this machine`
          : err.code === 'EACCES'
            ? `not allowed to listen on port ${o.port} of ${o.host}`
            : err.message;
    process.stderr.write(`npm run web: cannot start: ${why}\n`);
    return 1;
  }
  process.stdout.write(`${announce(o, w)}\n`);
  if (o.workshop) process.stdout.write(await workshopBanner(o, w));
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`npm run web: ${signal} again, exiting now\n`);
        resolve(1);
        return;
      }
      stopping = true;
      w.close().then(
        () => resolve(0),
        (e: unknown) => {
          process.stderr.write(`npm run web: while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    onOrphaned(() => stop('SIGHUP'));
  });
}
