// The network sockets processes listen on, from Linux's /proc: a process's open sockets (its file
// descriptors that link to socket:[inode]) joined with the kernel's tables of TCP and UDP sockets
// (/proc/net/tcp, tcp6, udp, udp6). Unix sockets are not in those tables: they are not reachable
// from the network.

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface Listener {
  readonly pid: number;
  readonly proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  readonly address: string;
  readonly port: number;
}

/** TCP sockets in LISTEN state; UDP sockets bound to a port (a UDP socket has no listen). */
const LISTEN = '0A';

function socketInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // the process is gone
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m !== null) inodes.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** An address as /proc writes it: IPv4 as one little-endian word, IPv6 as four. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** Every TCP or UDP socket the processes `pids` listen on. */
export function listenersOf(pids: readonly number[]): Listener[] {
  const owner = new Map<number, number>();
  for (const pid of pids) for (const inode of socketInodes(pid)) owner.set(inode, pid);
  const found: Listener[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let table: string;
    try {
      table = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue; // e.g. IPv6 disabled
    }
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [address, port] = f[1]!.split(':') as [string, string];
      const pid = owner.get(Number(f[9]));
      const listening = proto.startsWith('tcp') ? f[3] === LISTEN : parseInt(port, 16) !== 0;
      if (pid !== undefined && listening)
        found.push({ pid, proto, address: decodeAddress(address), port: parseInt(port, 16) });
    }
  }
  return found;
}
