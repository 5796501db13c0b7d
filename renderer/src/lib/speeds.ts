// The speeds offered for the cluster (its time scale), and a speed in words: "1×", "1/10".

import { words, type Words } from './words.ts';

export const speeds = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01] as const;

export function speedWords(scale: number): Words {
  return scale >= 1 ? words('controls.realTime') : words('controls.slower', { times: Math.round(10 / scale) / 10 });
}
