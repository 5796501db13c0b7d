// What a lesson knows from the event stream, beyond the view a `cluster.get` returns: each
// member's minutes book as its `append` events wrote it, and what happened since the current step
// began (overwrites, snapshots, roles taken, elections won and lost, commit index advances).

import type { ClusterEvent, MemberView } from '../contract.ts';

export interface BookEntry {
  readonly term: number;
  readonly label: string;
}

interface CommitAdvance {
  readonly node: number;
  readonly from: number;
  readonly to: number;
  readonly byChairman: boolean;
}

/** Happenings since the step (or its attempt) began. */
class SinceMark {
  readonly overwrites = new Set<number>();
  readonly snapshots: { readonly node: number; readonly how: 'taken' | 'installed' }[] = [];
  readonly roles = new Map<number, Set<MemberView['role']>>();
  readonly candidates = new Map<number, Set<number>>();
  readonly leaderTerms = new Set<number>();
  maxTerm = 0;
}

export class Observer {
  /** Each member's minutes book: index -> entry, as seen since the lesson opened. */
  private readonly books = new Map<number, Map<number, BookEntry>>();
  /** The index of the last snapshot each member installed (its book below it is unknown). */
  private readonly installed = new Map<number, number>();
  private readonly commits = new Map<number, number>();
  /** Every commit index advance since the lesson opened (a commit, once made, stays a fact). */
  private readonly advances: CommitAdvance[] = [];
  private since = new SinceMark();

  /** Forget what happened so far: a step (or an attempt) begins. */
  mark(): void {
    this.since = new SinceMark();
  }

  add(e: ClusterEvent): void {
    switch (e.kind) {
      case 'append': {
        const first = e.entries[0];
        if (first === undefined) return;
        const book = this.book(e.node);
        // As in the member's log: an append from an index replaces everything from there on.
        for (const i of [...book.keys()]) if (i >= first.index) book.delete(i);
        for (const x of e.entries) book.set(x.index, { term: x.term, label: x.label });
        if (e.overwrote !== null) this.since.overwrites.add(e.node);
        return;
      }
      case 'snapshot':
        this.since.snapshots.push({ node: e.node, how: e.how });
        if (e.how === 'installed') {
          this.installed.set(e.node, e.index);
          const book = this.book(e.node);
          for (const i of [...book.keys()]) if (i <= e.index) book.delete(i);
        }
        return;
      case 'state': {
        const s = this.since;
        let seen = s.roles.get(e.node);
        if (seen === undefined) s.roles.set(e.node, (seen = new Set()));
        seen.add(e.role);
        if (e.role === 'candidate') {
          let c = s.candidates.get(e.term);
          if (c === undefined) s.candidates.set(e.term, (c = new Set()));
          c.add(e.node);
        }
        if (e.role === 'leader') s.leaderTerms.add(e.term);
        s.maxTerm = Math.max(s.maxTerm, e.term);
        const before = this.commits.get(e.node);
        if (before !== undefined && e.commit > before)
          this.advances.push({ node: e.node, from: before, to: e.commit, byChairman: e.role === 'leader' });
        this.commits.set(e.node, e.commit);
        return;
      }
      default:
        return;
    }
  }

  private book(node: number): Map<number, BookEntry> {
    let b = this.books.get(node);
    if (b === undefined) this.books.set(node, (b = new Map<number, BookEntry>()));
    return b;
  }

  /** Where a member's book holds the last entry with this label, if it does. */
  indexOf(node: number, label: string): number | null {
    let found: number | null = null;
    for (const [i, x] of this.books.get(node) ?? []) if (x.label === label && (found === null || i > found)) found = i;
    return found;
  }

  entryAt(node: number, index: number): BookEntry | undefined {
    return this.books.get(node)?.get(index);
  }

  /** The index of the last snapshot the member installed from the chairman, or 0. */
  installedUpTo(node: number): number {
    return this.installed.get(node) ?? 0;
  }

  overwrote(node: number): boolean {
    return this.since.overwrites.has(node);
  }

  snapshotSeen(node: number, how: 'taken' | 'installed'): boolean {
    return this.since.snapshots.some((s) => s.node === node && s.how === how);
  }

  wasRole(node: number, role: MemberView['role']): boolean {
    return this.since.roles.get(node)?.has(role) ?? false;
  }

  /** A term in which two or more candidates stood and nobody won, and that is over. */
  splitVote(): boolean {
    const s = this.since;
    for (const [term, who] of s.candidates)
      if (who.size >= 2 && !s.leaderTerms.has(term) && s.maxTerm > term) return true;
    return false;
  }

  /**
   * Whether a chairman committed the entry with this label by committing an entry of a newer term
   * (Figure 8): its commit index went from below the entry straight to an entry whose term is newer
   * than the entry's. Looks at everything since the lesson opened, not only the current step.
   */
  committedWithNewerTerm(label: string): boolean {
    return this.advances.some((a) => {
      if (!a.byChairman) return false;
      const i = this.indexOf(a.node, label);
      if (i === null || !(a.from < i && i <= a.to)) return false;
      const old = this.entryAt(a.node, i)!;
      const landed = this.entryAt(a.node, a.to);
      return landed !== undefined && landed.term > old.term;
    });
  }
}
