// A log entry in plain words for the minutes book: what the member recorded, not its encoding.

import type { EntryView } from '../shared/contract.ts';
import type { Entry } from '../raft/types.ts';
import { commandSchema } from '../statemachine/commands.ts';

export function entryView(e: Entry): EntryView {
  const base = { index: e.index, term: e.term };
  const p = e.payload;
  switch (p.kind) {
    case 'noop':
      return { ...base, kind: 'noop', label: 'new chairman takes office (no-op)' };
    case 'membership': {
      const words = {
        addVoter: 'add voter',
        addLearner: 'add learner',
        promoteLearner: 'promote learner',
        remove: 'remove member',
      };
      return { ...base, kind: 'membership', label: `${words[p.change.kind]} ${p.change.node}` };
    }
    case 'command': {
      let raw: unknown;
      try {
        raw = JSON.parse(p.data);
      } catch {
        raw = undefined;
      }
      const c = commandSchema.safeParse(raw);
      if (!c.success) return { ...base, kind: 'command', label: 'unreadable command (refused by every member)' };
      const op = c.data.op;
      const label =
        op.op === 'decide'
          ? `decision: ${op.text}`
          : op.op === 'set'
            ? `set ${op.key} = ${op.value}`
            : `cas ${op.key}: ${op.expected ?? '(absent)'} -> ${op.value}`;
      return { ...base, kind: 'command', label };
    }
  }
}
