// The doors `npm run lesson` drives a lesson through: the supervisor of a cluster it started itself,
// or the WebSocket API of a running `npm run web` (commands and events on one socket, docs/api.md).

import { WebSocket } from 'ws';
import { z } from 'zod';
import type { Supervisor } from '../cluster/supervisor.ts';
import type { ClusterEvent, CommandResult } from '../shared/contract.ts';
import type { LessonDoor } from '../shared/lessons/runner.ts';

export function supervisorDoor(supervisor: Pick<Supervisor, 'execute' | 'subscribe'>): LessonDoor {
  return {
    execute: (name, input) => supervisor.execute(name, input),
    subscribe: (listener) => supervisor.subscribe((e) => listener([e])),
  };
}

const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello') }).loose(),
  z.object({ type: z.literal('events'), events: z.array(z.looseObject({ seq: z.number() })) }).loose(),
  z.object({ type: z.literal('result'), id: z.number(), status: z.number(), body: z.unknown() }).loose(),
  z.object({ type: z.literal('error'), message: z.string() }).loose(),
]);

export interface RemoteDoor extends LessonDoor {
  close(): void;
}

/** Connect to `npm run web` at `url` (http://host:port); resolves once the server said hello. */
export function connectDoor(url: string, token: string | null): Promise<RemoteDoor> {
  const ws = new URL('/api/events', url);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token !== null) ws.searchParams.set('token', token);
  const socket = new WebSocket(ws);
  const pending = new Map<number, (r: CommandResult) => void>();
  const listeners = new Set<(batch: readonly ClusterEvent[]) => void>();
  let nextId = 1;
  let closed: string | null = null;
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_req, res) =>
      reject(
        new Error(
          `${url} refused the connection: HTTP ${res.statusCode}${res.statusCode === 401 ? ' (a token is needed: --token)' : ''}`,
        ),
      ),
    );
    socket.on('error', (e) => reject(new Error(`cannot connect to ${url}: ${e.message}`)));
    socket.on('close', (code, reason) => {
      closed = `the connection to ${url} closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`;
      for (const answer of pending.values()) answer({ status: 503, body: { error: closed } });
      pending.clear();
    });
    socket.on('message', (data) => {
      const m = serverMessage.safeParse(JSON.parse((data as Buffer).toString('utf8')));
      if (!m.success) return;
      const msg = m.data;
      if (msg.type === 'hello') resolve(door);
      // The server's events are ClusterEvents as the contract defines them.
      else if (msg.type === 'events') for (const l of listeners) l(msg.events as unknown as ClusterEvent[]);
      else if (msg.type === 'result') {
        pending.get(msg.id)?.({ status: msg.status, body: msg.body });
        pending.delete(msg.id);
      }
    });
    const door: RemoteDoor = {
      execute(name, input) {
        if (closed !== null) return Promise.resolve({ status: 503, body: { error: closed } });
        const id = nextId++;
        return new Promise((answer) => {
          pending.set(id, answer);
          socket.send(JSON.stringify({ type: 'command', id, name, input }));
        });
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: () => socket.close(1000),
    };
  });
}
