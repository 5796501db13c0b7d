// A connection between two members, both directions, described for drawing and for words: up,
// severed both ways, or severed one way (which way), and any delay or loss on it. The words are
// said in the current language (a change of language recomputes them).

import type { LinkView } from '../../../main/shared/contract.ts';
import type { Member } from '../stores/cluster.ts';
import { lerp, type Point } from './geometry.ts';
import { buildingOf } from './names.ts';
import { say } from './say.ts';

export interface LinkState {
  readonly state: 'up' | 'cut' | 'oneway';
  readonly abCut: boolean;
  readonly baCut: boolean;
  readonly mid: Point;
  /** "slow 200 ms · 30% lost", or ''. */
  readonly faultText: string;
  /** The blocked direction of a one-way cut: its angle (degrees) and words. */
  readonly blocked: { readonly angle: number; readonly words: string } | null;
  /** The whole state in words, for screen readers. */
  readonly words: string;
  /** Where a label goes: a little off the line's middle. */
  readonly labelAt: Point;
}

export function describeLink(
  a: Pick<Member, 'id' | 'name'>,
  b: Pick<Member, 'id' | 'name'>,
  pa: Point,
  pb: Point,
  ab: LinkView | undefined,
  ba: LinkView | undefined,
): LinkState {
  const la = buildingOf(a.name, a.id);
  const lb = buildingOf(b.name, b.id);
  const abCut = ab?.state === 'cut';
  const baCut = ba?.state === 'cut';
  const state = abCut && baCut ? 'cut' : abCut || baCut ? 'oneway' : 'up';
  const mid = lerp(pa, pb, 0.5);
  const delay = Math.max(ab?.delayMs ?? 0, ba?.delayMs ?? 0);
  const loss = Math.max(ab?.loss ?? 0, ba?.loss ?? 0);
  const faultText = [
    delay > 0 ? say('hall.link.slow', { delay }) : '',
    loss > 0 ? say('hall.link.lossy', { loss: { percent: loss } }) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  let blocked: LinkState['blocked'] = null;
  if (state === 'oneway') {
    const [from, to] = abCut ? [pa, pb] : [pb, pa];
    blocked = {
      angle: (Math.atan2(to.y - from.y, to.x - from.x) * 180) / Math.PI,
      words: say('hall.link.oneWay', abCut ? { from: la, to: lb } : { from: lb, to: la }),
    };
  }
  const base = state === 'up' ? say('hall.link.up') : state === 'cut' ? say('hall.link.cut') : blocked!.words;
  const dx = pb.x - pa.x;
  const dy = pb.y - pa.y;
  const len = Math.hypot(dx, dy) || 1;
  return {
    state,
    abCut,
    baCut,
    mid,
    faultText,
    blocked,
    words: faultText === '' ? base : say('hall.link.faults', { state: base, faults: faultText }),
    labelAt: { x: mid.x + (-dy / len) * 20, y: mid.y + (dx / len) * 20 },
  };
}
