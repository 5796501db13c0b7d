// Charts of the results, drawn by chart.js in headless Chromium and saved as PNG: generated from
// the results JSON every run, never drawn by hand. Nothing is fetched: chart.js is loaded from
// node_modules into a blank page.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { launchChromium } from '../chromium.ts';
import { paperPoints } from './paper.ts';
import type { BenchResults } from './results.ts';

const chartJs = join(dirname(fileURLToPath(import.meta.resolve('chart.js'))), 'chart.umd.js');

export interface ChartSpec {
  /** File name in the charts directory, e.g. "failover-cdf.png". */
  readonly file: string;
  readonly title: string;
  readonly config: ChartConfiguration;
}

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];
const WIDTH = 900;
const HEIGHT = 480;

/** The empirical CDF as points: every trial's downtime against the % of trials at or below it. */
function cdf(samples: readonly number[]): { x: number; y: number }[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const start = sorted.length === 0 ? [] : [{ x: sorted[0]!, y: 0 }];
  return [...start, ...sorted.map((x, i) => ({ x, y: ((i + 1) / sorted.length) * 100 }))];
}

function failoverChart(r: BenchResults, file: string, title: string, names: readonly string[]): ChartSpec | null {
  const ranges = (r.failover && 'ranges' in r.failover ? r.failover.ranges : []).filter((x) => names.includes(x.name));
  if (ranges.length === 0) return null;
  const datasets: ChartDataset<'line' | 'scatter', { x: number; y: number }[]>[] = [];
  ranges.forEach((range, i) => {
    const color = palette[i % palette.length]!;
    datasets.push({
      type: 'line',
      label: `${range.name} ms (measured, ${range.trials.length} trials)`,
      data: cdf(range.trials.map((t) => t.downtimeMs)),
      borderColor: color,
      backgroundColor: color,
      stepped: true,
      pointRadius: 0,
      borderWidth: 2,
    });
    const points = paperPoints.filter((p) => p.range === range.name && p.percentile !== null);
    if (points.length > 0)
      datasets.push({
        type: 'scatter',
        label: `${range.name} ms (paper)`,
        data: points.map((p) => ({ x: p.ms, y: p.percentile! })),
        borderColor: color,
        backgroundColor: color,
        pointStyle: 'crossRot',
        pointRadius: 9,
        pointBorderWidth: 3,
        // The paper's worst cases sit at 100%: draw them whole.
        clip: false,
      });
  });
  return {
    file,
    title,
    config: {
      type: 'line',
      data: { datasets },
      options: {
        plugins: {
          title: { display: true, text: title },
          legend: { position: 'bottom', labels: { usePointStyle: true } },
        },
        scales: {
          x: { type: 'logarithmic', title: { display: true, text: 'time without a leader (ms), log scale' } },
          y: { min: 0, max: 100, title: { display: true, text: 'cumulative % of trials' } },
        },
      },
    },
  };
}

function throughputCharts(r: BenchResults): ChartSpec[] {
  if (r.throughput === null || !('rows' in r.throughput)) return [];
  const rows = r.throughput.rows;
  const labels = rows.map((x) => `concurrency ${x.concurrency}`);
  const systems = [
    { label: 'Raft Society', pick: (x: (typeof rows)[number]) => x.ours },
    { label: 'Raft Society, message telemetry on', pick: (x: (typeof rows)[number]) => x.oursWithMessageTelemetry },
    ...(rows.every((x) => x.etcd !== null) ? [{ label: 'etcd', pick: (x: (typeof rows)[number]) => x.etcd! }] : []),
  ];
  const bars = (metric: (x: (typeof rows)[number]) => number, i: number, label: string): ChartDataset<'bar'> => ({
    label,
    data: rows.map(metric),
    backgroundColor: palette[i % palette.length]!,
  });
  return [
    {
      file: 'throughput.png',
      title: 'Durable writes per second, 3 members, closed loop',
      config: {
        type: 'bar',
        data: { labels, datasets: systems.map((s, i) => bars((x) => s.pick(x).writesPerSec, i, s.label)) },
        options: {
          plugins: { title: { display: true, text: 'Durable writes per second (3 members, fsync)' } },
          scales: { y: { title: { display: true, text: 'writes/s' } } },
        },
      },
    },
    {
      file: 'latency.png',
      title: 'Write latency p50 and p99',
      config: {
        type: 'bar',
        data: {
          labels,
          datasets: systems.flatMap((s, i) => [
            bars((x) => s.pick(x).latencyMs.p50, i, `${s.label} p50`),
            { ...bars((x) => s.pick(x).latencyMs.p99, i, `${s.label} p99`), backgroundColor: `${palette[i]!}88` },
          ]),
        },
        options: {
          plugins: { title: { display: true, text: 'Write latency, p50 and p99 (ms, log scale)' } },
          scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms' } } },
        },
      },
    },
  ];
}

function scaleCharts(r: BenchResults): ChartSpec[] {
  if (r.scale === null || !('points' in r.scale)) return [];
  const points = r.scale.points;
  const line = (
    label: string,
    y: (p: (typeof points)[number]) => number,
    i: number,
    yAxisID = 'y',
  ): ChartDataset<'line', { x: number; y: number }[]> => ({
    label,
    data: points.map((p) => ({ x: p.nodes, y: y(p) })),
    yAxisID,
    borderColor: palette[i]!,
    backgroundColor: palette[i]!,
  });
  const x = { type: 'linear' as const, title: { display: true, text: 'members' } };
  return [
    {
      file: 'scale-cost.png',
      title: 'Scale: memory and time to a leader',
      config: {
        type: 'line',
        data: {
          datasets: [
            line('total RSS, members + server (MiB)', (p) => p.membersRssMiB + p.serverRssMiB, 0),
            line('spawn to first leader (ms)', (p) => p.electMs, 1, 'y1'),
          ],
        },
        options: {
          plugins: { title: { display: true, text: 'Scale: memory and time to the first leader' } },
          scales: {
            x,
            y: { position: 'left', min: 0, title: { display: true, text: 'MiB' } },
            y1: { position: 'right', min: 0, title: { display: true, text: 'ms' }, grid: { drawOnChartArea: false } },
          },
        },
      },
    },
    {
      file: 'scale-writes.png',
      title: 'Scale: durable writes per second',
      config: {
        type: 'line',
        data: { datasets: [line(`writes/s (concurrency ${r.scale.concurrency})`, (p) => p.writesPerSec, 2)] },
        options: {
          plugins: { title: { display: true, text: 'Scale: durable writes per second' } },
          scales: { x, y: { min: 0, title: { display: true, text: 'writes/s' } } },
        },
      },
    },
  ];
}

function uiChart(r: BenchResults): ChartSpec[] {
  if (r.ui === null || !('frameDeltasMs' in r.ui)) return [];
  const bins = [8.3, 16.7, 25, 33.3, 50, 66.7, 100, 200, Infinity];
  const counts = bins.map(() => 0);
  for (const d of r.ui.frameDeltasMs) counts[bins.findIndex((b) => d <= b + 0.05)]!++;
  return [
    {
      file: 'ui-frames.png',
      title: 'UI frame intervals',
      config: {
        type: 'bar',
        data: {
          labels: bins.map((b, i) => (b === Infinity ? `> ${bins[i - 1]} ms` : `<= ${b} ms`)),
          datasets: [{ label: 'frames', data: counts, backgroundColor: palette[0]! }],
        },
        options: {
          plugins: {
            title: { display: true, text: `Frame intervals, ${r.ui.members} members animating (headless Chromium)` },
          },
          scales: { y: { type: 'logarithmic', min: 0.5, title: { display: true, text: 'frames (log scale)' } } },
        },
      },
    },
  ];
}

export function chartSpecs(r: BenchResults): ChartSpec[] {
  return [
    failoverChart(r, 'failover-randomness.png', 'Failover: varying the randomness (paper Figure 16, top)', [
      '150-155',
      '150-175',
      '150-200',
      '150-300',
    ]),
    failoverChart(r, 'failover-scale.png', 'Failover: scaling the timeout (paper Figure 16, bottom)', [
      '12-24',
      '25-50',
      '150-300',
    ]),
    ...throughputCharts(r),
    ...scaleCharts(r),
    ...uiChart(r),
  ].filter((s): s is ChartSpec => s !== null);
}

/** Draw every chart into `dir`; returns the files written. */
export async function renderCharts(specs: readonly ChartSpec[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 2 });
    const written: string[] = [];
    for (const spec of specs) {
      await page.setContent(
        `<!doctype html><body style="margin:0;background:#fff"><canvas id="c" width="${WIDTH}" height="${HEIGHT}"></canvas></body>`,
      );
      await page.addScriptTag({ path: chartJs });
      await page.evaluate(`(() => {
        const config = ${JSON.stringify(spec.config)};
        config.options = { ...config.options, animation: false, responsive: false };
        new Chart(document.getElementById('c'), config);
      })()`);
      const path = join(dir, spec.file);
      await page.locator('#c').screenshot({ path });
      written.push(path);
    }
    return written;
  } finally {
    await browser.close();
  }
}
