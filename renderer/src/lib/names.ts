// Members by name: the supervisor names them "Rajesh - Building A" (main/cluster/names.ts). These
// read the parts of such a name; member-words.ts says them in the current language.

import type { Named } from './words.ts';

/** "A" for "Rajesh - Building A"; the member's building, or its id. */
export function buildingOf(name: string, id: number): string {
  const m = /Building (\S+)$/.exec(name);
  return m?.[1] ?? String(id);
}

/** "Rajesh" for "Rajesh - Building A". */
export function personOf(name: string): string {
  return name.split(' - ')[0] ?? name;
}

/** The member's building letter, or its id when we do not know it. */
export function letter(m: Named | undefined, id: number): string {
  return m === undefined ? String(id) : buildingOf(m.name, m.id);
}
