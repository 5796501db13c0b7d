// Harmony Heights' building representatives: the default names of members, in order.

const representatives = [
  'Rajesh',
  'Priya',
  'Mohan',
  'Sunita',
  'Arjun',
  'Kavita',
  'Vikram',
  'Meera',
  'Farhan',
  'Lakshmi',
  'Daniel',
  'Anjali',
  'Suresh',
  'Nisha',
  'Imran',
];

/** "Rajesh - Building A" for member 1, and so on; past the list, a numbered representative. */
export function memberName(id: number): string {
  const building = id <= 26 ? String.fromCharCode(64 + id) : String(id);
  return `${representatives[id - 1] ?? `Representative ${id}`} - Building ${building}`;
}
