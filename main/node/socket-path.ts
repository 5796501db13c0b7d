// Where member `id` listens, inside the cluster's private socket directory. node-ipc turns the
// path into a named pipe on Windows.

import { join } from 'node:path';
import type { NodeId } from '../raft/types.ts';

export function socketPath(socketDir: string, id: NodeId): string {
  return join(socketDir, `n${id}.sock`);
}
