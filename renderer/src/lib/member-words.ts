// Members' names in the current language. The supervisor's names are data, in English; the page
// says the person in the current language ("राजेश - बिल्डिंग A" in Hindi), and a name it does not
// know stays as it came. The building letter stays as painted on the building.

import { i18n } from '../i18n/index.ts';
import { buildingOf, personOf } from './names.ts';
import type { Named } from './words.ts';

/** The person in the current language: "राजेश" for "Rajesh - Building A" in Hindi. */
export function personWords(name: string): string {
  const { t, n } = i18n.global;
  const person = personOf(name);
  const key = `members.people.${person}`;
  if (/^\w+$/.test(person) && i18n.global.te(key, 'en')) return t(key);
  const numbered = /^Representative (\d+)$/.exec(person);
  return numbered === null ? person : t('members.representative', { n: n(Number(numbered[1]), 'integer') });
}

/** "Rajesh - Building A" in the current language; a name of another form as it came. */
export function fullName(name: string): string {
  if (!/ - Building \S+$/.test(name)) return name;
  return i18n.global.t('members.fullName', { person: personWords(name), building: buildingOf(name, 0) });
}

/** "Priya (Building B)" for sentences; a member not known by name yet: "member 7". */
export function shortName(m: Named | undefined, id: number): string {
  const { t } = i18n.global;
  if (m === undefined) return t('members.unknown', { id: String(id) });
  return t('members.shortName', { person: personWords(m.name), building: buildingOf(m.name, m.id) });
}
