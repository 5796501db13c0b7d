// What the Raft paper published about failover (extended version, Figure 16 and §9.3; ATC'14
// Figure 14). The text states the 150-155 median, the 150-200 worst case and the 12-24 mean and
// worst case; the 150-300 points were read off the figure (as quoted in the benchmarks issue).
// The paper ran 1,000 trials per range on LogCabin, 5 servers, broadcast time ~15 ms, no PreVote.

export interface PaperPoint {
  readonly range: string;
  /** The CDF point: % of trials at or below `ms`; null for the mean. */
  readonly percentile: number | null;
  readonly ms: number;
  readonly what: string;
  readonly source: 'text' | 'figure';
}

export const paperPoints: readonly PaperPoint[] = [
  { range: '150-155', percentile: 50, ms: 287, what: 'median', source: 'text' },
  { range: '150-200', percentile: 100, ms: 513, what: 'worst of 1,000', source: 'text' },
  { range: '150-300', percentile: 50, ms: 171, what: 'median', source: 'figure' },
  { range: '150-300', percentile: 99, ms: 405, what: '99th percentile', source: 'figure' },
  { range: '150-300', percentile: 100, ms: 603, what: 'worst of 1,000', source: 'figure' },
  { range: '12-24', percentile: null, ms: 35, what: 'mean', source: 'text' },
  { range: '12-24', percentile: 100, ms: 152, what: 'worst of 1,000', source: 'text' },
];
