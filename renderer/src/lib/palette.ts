// Colours from the Okabe-Ito palette, which stays distinguishable under the common forms of colour
// blindness. Colour never carries meaning alone: terms are also written (T3), roles have words and
// shapes, messages have shapes and a legend.

export const okabeIto = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

const termCycle = [
  okabeIto.blue,
  okabeIto.orange,
  okabeIto.bluishGreen,
  okabeIto.reddishPurple,
  okabeIto.skyBlue,
  okabeIto.vermillion,
  okabeIto.yellow,
] as const;

/** The k-th of several lines in a chart: the term colours, black instead of the pale yellow. */
export function seriesColour(k: number): string {
  const cycle = [...termCycle.slice(0, -1), okabeIto.black];
  return cycle[k % cycle.length]!;
}

/** The colour of a term's entries in the minutes books (cycles after seven terms). */
export function termColour(term: number): string {
  return termCycle[(((term - 1) % termCycle.length) + termCycle.length) % termCycle.length]!;
}

/** Text on a term colour: white on the dark blue, black on every other (all at least 4.5:1). */
export function termInk(term: number): string {
  return termColour(term) === okabeIto.blue ? '#FFFFFF' : '#000000';
}
