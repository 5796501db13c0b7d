// Members in words for sentences: "Priya (Building B)"; a member we do not know by name yet: "member 7".

import type { Member } from '../stores/cluster.ts';
import { buildingOf, personOf } from '../text.ts';

export function shortName(m: Pick<Member, 'id' | 'name'> | undefined, id: number): string {
  if (m === undefined) return `member ${id}`;
  return `${personOf(m.name)} (Building ${buildingOf(m.name, m.id)})`;
}

export function letter(m: Pick<Member, 'id' | 'name'> | undefined, id: number): string {
  return m === undefined ? String(id) : buildingOf(m.name, m.id);
}
