// Chart.js with only the parts the Inside panel draws (line charts on linear axes, some as points, with
// legend and tooltips), registered once, and the look they share: large type and thick lines for a
// projector, Okabe-Ito colours, no animation (the data moves a few times a second; the chart just
// shows the latest). Chart.js sets its canvas styles through the CSSOM, which the page's
// Content-Security-Policy allows; it injects no style sheets.

import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

export type Dataset = ChartDataset<'line', { x: number; y: number | null }[]>;

const dashes: readonly (readonly number[])[] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [14, 6], [4, 4]];

/** The k-th dash pattern (solid first), so no line is told apart by colour alone. */
export function dash(k: number): readonly number[] {
  return dashes[k % dashes.length]!;
}

Chart.defaults.font.size = 13;

/**
 * The type of every chart (Chart.js's defaults, read by legends, titles and ticks alike), for a
 * language. A canvas draws with the first face in the list that is loaded and has the letters, so
 * for Hindi the Devanagari face comes first (it has Latin letters too).
 */
export function useChartFont(locale: string): void {
  Chart.defaults.font.family =
    locale === 'hi'
      ? "'Noto Sans Devanagari', 'Noto Sans', system-ui, sans-serif"
      : "'Noto Sans', 'Noto Sans Devanagari', system-ui, sans-serif";
}

export interface AxisWords {
  readonly x: string;
  readonly y: string;
  /** A tick of the time axis, e.g. "-30 s". */
  readonly tick: (seconds: number) => string;
}

export function lineChart(canvas: HTMLCanvasElement, spanSeconds: number, words: AxisWords): Chart<'line'> {
  const ink = '#161616';
  const config: ChartConfiguration<'line', { x: number; y: number | null }[]> = {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      spanGaps: false,
      color: ink,
      elements: { line: { borderWidth: 3 }, point: { hitRadius: 6 } },
      scales: {
        x: {
          type: 'linear',
          min: -spanSeconds,
          max: 0,
          title: { display: true, text: words.x, color: ink },
          ticks: { color: ink, callback: (v) => words.tick(Number(v)) },
          grid: { color: '#e2ddd2' },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          title: { display: true, text: words.y, color: ink },
          ticks: { color: ink, precision: 0 },
          grid: { color: '#e2ddd2' },
        },
      },
      plugins: {
        legend: { position: 'top', labels: { color: ink, boxWidth: 28, usePointStyle: false } },
        tooltip: { mode: 'nearest', intersect: false },
      },
    },
  };
  return new Chart(canvas, config);
}
