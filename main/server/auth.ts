// Who is asking: the full token may do everything, the viewer token may only look. Tokens are
// compared in constant time (both hashed first, so their lengths are equal and not leaked), and
// requests are checked for the DNS-rebinding and cross-site tricks a browser page could play.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Access } from '../shared/bridge.ts';
import { isLoopback } from './options.ts';

export type { Access };

export interface AuthConfig {
  readonly token: string | null;
  readonly viewerToken: string | null;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The token a request presents: `Authorization: Bearer T`, else `?token=T`; null when none. */
export function presentedToken(headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer +(\S+) *$/i.exec(auth);
    return m === null ? '' : m[1]!;
  }
  return query.get('token');
}

/**
 * What a request may do: 'admin', 'viewer', or null when it must be refused (401). Without any
 * configured token (only allowed on loopback) everyone is admin.
 */
export function accessOf(config: AuthConfig, presented: string | null): Access | null {
  if (config.token === null) return 'admin';
  if (presented === null) return null;
  // Both comparisons always run, so timing does not tell which token was close.
  const admin = sameSecret(presented, config.token);
  const viewer = config.viewerToken !== null && sameSecret(presented, config.viewerToken);
  return admin ? 'admin' : viewer ? 'viewer' : null;
}

/** The Host header values a loopback-bound server answers to; null means "any" (not loopback). */
export function allowedHosts(boundHost: string, port: number): Set<string> | null {
  if (!isLoopback(boundHost)) return null;
  const names = new Set([boundHost.includes(':') ? `[${boundHost}]` : boundHost, 'localhost']);
  if (boundHost === 'localhost') names.add('127.0.0.1').add('[::1]');
  const withPort = [...names].map((n) => `${n.toLowerCase()}:${port}`);
  // On port 80 a browser sends the bare name.
  return new Set(port === 80 ? [...withPort, ...[...names].map((n) => n.toLowerCase())] : withPort);
}

/**
 * Why a request must be refused because of where it comes from, or null when it may proceed:
 * a Host that is not ours (421: DNS rebinding onto a loopback server), or an Origin /
 * Sec-Fetch-Site that says another site's page sent it (403: no CORS here, same origin only).
 */
export function originProblem(
  headers: IncomingHttpHeaders,
  hosts: Set<string> | null,
): { status: 400 | 403 | 421; error: string } | null {
  const host = headers.host?.toLowerCase();
  if (host === undefined) return { status: 400, error: 'a Host header is required' };
  if (hosts !== null && !hosts.has(host))
    return { status: 421, error: `this server answers to ${[...hosts].join(' or ')}, not to Host "${host}"` };
  const origin = headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`)
    return { status: 403, error: `cross-origin requests are refused (Origin ${origin})` };
  if (headers['sec-fetch-site'] === 'cross-site') return { status: 403, error: 'cross-site requests are refused' };
  return null;
}
