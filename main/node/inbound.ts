// What a member accepts from a peer's connection, checked before the engine sees it: a well-formed
// Raft message (raft-schemas.ts), sent by the peer that said hello on that connection and addressed
// to this member, and, for a snapshot, an image the state machine can restore. A snapshot is
// written to disk before it is installed, so an image that could not be restored would stop the
// member from ever starting again.

import type { Message, NodeId } from '../raft/types.ts';
import { SocietyState } from '../statemachine/society-state.ts';
import { firstIssue } from '../shared/first-issue.ts';
import { messageSchema } from './raft-schemas.ts';

export type Inbound =
  { readonly ok: true; readonly message: Message } | { readonly ok: false; readonly reason: string };

export function checkInbound(data: unknown, from: NodeId, self: NodeId): Inbound {
  const parsed = messageSchema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: `invalid message from n${from}: ${firstIssue(parsed.error)}` };
  const m = parsed.data;
  if (m.from !== from || m.to !== self) return { ok: false, reason: `misaddressed message on n${from}'s connection` };
  if (m.type === 'snapshot') {
    try {
      SocietyState.restore(m.snapshot.data, m.snapshot.index);
    } catch (e) {
      return { ok: false, reason: `unusable snapshot from n${from}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return { ok: true, message: m };
}
