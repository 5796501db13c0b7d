// How viewers join a workshop: the links to the viewer page for each address of this machine that
// the room can reach, and a short code (/j/<code>) that is easy to type from the projector. The
// code leads to the viewer page, so it is worth exactly the viewer token: looking, never commanding.
// It is short, so wrong guesses are limited per client address.

import { randomInt } from 'node:crypto';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { JoinLink } from '../shared/bridge.ts';
import { sameSecret } from './auth.ts';
import { isLoopback } from './options.ts';

/** Letters and digits that cannot be mistaken for one another when read off a screen (no i l o 0 1). */
export const JOIN_CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 31^6 ≈ 8.9e8 codes: at the guess limit below, one client would need centuries. */
export const JOIN_CODE_LENGTH = 6;
/** Wrong codes one client address may try per window before it is told to wait (429). */
export const JOIN_GUESSES = 20;
export const JOIN_WINDOW_MS = 60_000;
/** Client addresses remembered for the guess limit at most (a flood of addresses resets it). */
const TRACKED_CLIENTS = 10_000;

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET.charAt(randomInt(JOIN_CODE_ALPHABET.length));
  return code;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** This machine's IPv4 addresses that other machines can reach (not loopback), in the OS's order. */
export function lanAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  const found = Object.values(interfaces)
    .flat()
    .filter((i): i is NetworkInterfaceInfo => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
  return [...new Set(found)];
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === '';
const inUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** The addresses viewers can use for a server bound to `host`: every LAN address for a wildcard. */
export function joinAddresses(host: string, interfaces?: Interfaces): { address: string; lan: boolean }[] {
  if (!isWildcard(host)) return [{ address: host, lan: !isLoopback(host) }];
  const lan = lanAddresses(interfaces);
  // No network at all: the machine itself can still watch.
  return lan.length > 0 ? lan.map((address) => ({ address, lan: true })) : [{ address: '127.0.0.1', lan: false }];
}

export type JoinAnswer =
  { readonly status: 302; readonly location: string } | { readonly status: 404 | 429; readonly error: string };

export interface ViewerJoinOptions {
  readonly host: string;
  readonly port: number;
  readonly viewerToken: string;
  readonly code?: string;
  /** The network interfaces (the OS's, read again each time: a laptop may join the Wi-Fi later). */
  readonly interfaces?: () => Interfaces;
}

export class ViewerJoin {
  readonly code: string;
  private readonly o: ViewerJoinOptions;
  private readonly guesses = new Map<string, { count: number; since: number }>();

  constructor(o: ViewerJoinOptions) {
    this.o = o;
    this.code = o.code ?? newJoinCode();
  }

  /** The viewer page relative to the server: what /j/<code> redirects to. */
  get viewerPath(): string {
    return `/?token=${encodeURIComponent(this.o.viewerToken)}`;
  }

  links(): JoinLink[] {
    return joinAddresses(this.o.host, this.o.interfaces?.()).map(({ address, lan }) => {
      const base = `http://${inUrl(address)}:${this.o.port}`;
      return { address, lan, url: `${base}${this.viewerPath}`, shortUrl: `${base}/j/${this.code}` };
    });
  }

  /** GET /j/<code> from `client`: to the viewer page, or refused (a wrong code, too many of them). */
  answer(code: string, client: string, now = Date.now()): JoinAnswer {
    const seen = this.guesses.get(client);
    const recent = seen !== undefined && now - seen.since < JOIN_WINDOW_MS ? seen : null;
    if (recent !== null && recent.count >= JOIN_GUESSES)
      return { status: 429, error: 'too many wrong join codes; wait a minute and check the code on the screen' };
    if (sameSecret(code.toLowerCase(), this.code)) return { status: 302, location: this.viewerPath };
    if (recent === null && this.guesses.size >= TRACKED_CLIENTS) this.guesses.clear();
    this.guesses.set(client, { count: (recent?.count ?? 0) + 1, since: recent?.since ?? now });
    return { status: 404, error: 'no such join code; check the address on the instructor’s screen' };
  }
}
