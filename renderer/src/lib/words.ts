// Words kept as a message key and its arguments rather than as finished text, so that what is
// already on screen (notices, failures, results) is said again in the new language the moment the
// language changes (say.ts renders them). Plain data: made without vue-i18n, testable in Node.

export interface Words {
  readonly key: string;
  readonly params?: Readonly<Record<string, Arg>>;
}
/** A member in a sentence, "Priya (Building B)"; `member` is its name, null when not known. */
export interface MemberRef {
  readonly member: string | null;
  readonly id: number;
}
/** A fraction shown as a percentage: 0.3 is "30%". */
export interface Percent {
  readonly percent: number;
}
/** A string is said as it is (a building letter, the server's own words); a number is formatted. */
export type Arg = string | number | Words | MemberRef | Percent;
export type Params = Readonly<Record<string, Arg>>;

export function words(key: string, params?: Params): Words {
  return params === undefined ? { key } : { key, params };
}

/** Someone with a name: a member of the window's store, or of a ClusterView. */
export interface Named {
  readonly id: number;
  readonly name: string;
}

export function memberRef(m: Named | undefined, id: number): MemberRef {
  return { member: m?.name ?? null, id };
}
