/**
 * The HTML evaluation report: one self-contained file (Chart.js and the data inline, no
 * network) with the summary table, Success@k curves, per-language bars, ablation deltas
 * with their 95% intervals, the notes and how the results were produced.
 *
 * Charts are configured here, embedded as JSON and drawn by a small inline script with
 * animation off; it sets `window.__normkitChartsReady = true` once every chart exists
 * (eval/report/screenshot.ts waits for it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HEADLINE_METRICS, type BenchmarkResult, type RunResult } from '../results.js';

export interface ReportInfo {
  title?: string;
  command: string;
  date: string;
  machine: string;
}

export type ChartKind = 'curve' | 'lang' | 'ablation';

interface Point {
  x: number;
  y: number;
}

interface Interval {
  lo: number;
  hi: number;
}

interface Dataset {
  label: string;
  data: Array<number | null> | Point[];
  borderColor: string | string[];
  backgroundColor: string | string[];
  borderWidth?: number;
  pointRadius?: number;
  minBarLength?: number;
  /** Drawn by the inline errorBars plugin (ablation charts). */
  errorBars?: Interval[];
}

/** A Chart.js configuration, JSON-serializable (no functions). */
interface ChartConfig {
  type: 'line' | 'bar';
  data: { labels?: string[]; datasets: Dataset[] };
  options: object;
}

export interface ChartSpec {
  id: string;
  kind: ChartKind;
  title: string;
  config: ChartConfig;
  /** Spans the whole row of the grid (many bars). */
  wide?: boolean;
}

/** Bar charts with more bars than this take a whole row. */
const WIDE_BARS = 12;
/** Zero-valued bars are drawn this many pixels tall, so they show. */
const MIN_BAR_PX = 2;

type UnplacedChart = Omit<ChartSpec, 'id'>;

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const WORSE = '#d62728';
const BETTER = '#2ca02c';

// ---------------------------------------------------------------- escaping and formatting

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no `<`, `>`, `&` or line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A metric to 3 decimals; an en dash when absent or not a finite number. */
export function formatMetric(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(3) : '–';
}

export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? Math.round(value).toString() : value.toFixed(1);
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

// ---------------------------------------------------------------- Chart.js source

let chartJsCache: string | undefined;

/** Path of the installed Chart.js 4 UMD build (its package exports only the ESM/CJS entries). */
export function chartJsPath(): string {
  const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const path = ['chart.umd.min.js', 'chart.umd.js'].map((file) => join(dist, file)).find((p) => existsSync(p));
  if (path) return path;
  throw new Error(`Chart.js UMD build not found in ${dist} (npm install chart.js@4)`);
}

function chartJsSource(): string {
  chartJsCache ??= readFileSync(chartJsPath(), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return chartJsCache;
}

// ---------------------------------------------------------------- chart specs

function groupsInOrder(results: BenchmarkResult[]): Map<string, BenchmarkResult[]> {
  const groups = new Map<string, BenchmarkResult[]>();
  for (const b of results) groups.set(b.group, [...(groups.get(b.group) ?? []), b]);
  return groups;
}

/** The benchmark's curve: its only run's, else the mean over runs up to the shortest curve. */
export function benchmarkCurve(b: BenchmarkResult): number[] {
  const curves = b.runs.map((r) => r.successCurve).filter((c) => c.length > 0);
  if (curves.length === 0) return [];
  const length = Math.min(...curves.map((c) => c.length));
  return Array.from({ length }, (_, k) => curves.reduce((sum, c) => sum + (c[k] ?? 0), 0) / curves.length);
}

function curveChart(group: string, benchmarks: BenchmarkResult[]): UnplacedChart | undefined {
  const datasets: Dataset[] = [];
  for (const b of benchmarks) {
    const curve = benchmarkCurve(b);
    if (curve.length === 0) continue;
    const color = PALETTE[datasets.length % PALETTE.length]!;
    const label = b.runs.length > 1 ? `${b.benchmark} (mean of ${b.runs.length} runs)` : b.benchmark;
    datasets.push({
      label,
      data: curve.map((y, i) => ({ x: i + 1, y })),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: curve.length > 30 ? 0 : 2,
    });
  }
  if (datasets.length === 0) return undefined;
  return {
    kind: 'curve',
    title: `Success@k — ${group}`,
    config: {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: { type: 'logarithmic', min: 1, title: { display: true, text: 'k' } },
          y: { min: 0, max: 1, title: { display: true, text: 'Success@k' } },
        },
      },
    },
  };
}

/** Bar labels: the languages, or the run names when a language has several runs (e.g. MELO's c_xx / c_en). */
function runLabels(runs: RunResult[]): string[] {
  const langs = runs.map((r) => r.lang ?? r.name);
  return new Set(langs).size === langs.length ? langs : runs.map((r) => r.name);
}

function langChart(b: BenchmarkResult): UnplacedChart {
  return {
    kind: 'lang',
    title: `${b.title}: ${b.headline} by language`,
    wide: b.runs.length > WIDE_BARS,
    config: {
      type: 'bar',
      data: {
        labels: runLabels(b.runs),
        datasets: [
          {
            label: b.headline,
            data: b.runs.map((r) => finiteOrNull(r.metrics[b.headline])),
            borderColor: PALETTE[0]!,
            backgroundColor: PALETTE[0]!,
            minBarLength: MIN_BAR_PX,
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { min: 0, suggestedMax: 1, title: { display: true, text: b.headline } } },
      },
    },
  };
}

/** One chart per benchmark: a bar per (run, stage switched off). */
function ablationChart(b: BenchmarkResult): UnplacedChart | undefined {
  const withAblations = b.runs.filter((run) => run.ablations.length > 0);
  const rows = withAblations.flatMap((run) =>
    run.ablations.flatMap((a) => {
      const d = a.delta[b.headline];
      const stage = withAblations.length > 1 ? `${run.name} · ${a.stage}` : a.stage;
      return d && [d.mean, d.lo, d.hi].every(Number.isFinite) ? [{ stage, ...d }] : [];
    }),
  );
  if (rows.length === 0) return undefined;
  const extent = rows.flatMap((r) => [r.lo, r.hi, r.mean, 0]);
  const colors = rows.map((r) => (r.mean < 0 ? WORSE : BETTER));
  return {
    kind: 'ablation',
    title: `${b.title}: Δ ${b.headline} without each stage`,
    wide: rows.length > WIDE_BARS,
    config: {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.stage),
        datasets: [
          {
            label: `Δ ${b.headline}`,
            data: rows.map((r) => r.mean),
            borderColor: colors,
            backgroundColor: colors,
            minBarLength: MIN_BAR_PX,
            errorBars: rows.map((r) => ({ lo: r.lo, hi: r.hi })),
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: {
          y: {
            suggestedMin: Math.min(...extent),
            suggestedMax: Math.max(...extent),
            title: { display: true, text: `Δ ${b.headline} (ablated − full), 95% CI` },
          },
        },
      },
    },
  };
}

export interface ReportCharts {
  curves: ChartSpec[];
  langs: ChartSpec[];
  ablations: ChartSpec[];
}

/** Every chart of the report, in page order, with ids chart-1, chart-2… */
export function buildCharts(results: BenchmarkResult[]): ReportCharts {
  const curves = [...groupsInOrder(results)].flatMap(([group, bs]) => curveChart(group, bs) ?? []);
  // one bar is no chart: single-language benchmarks are in the summary table only
  const langs = results.filter((b) => b.runs.length > 1 && b.runs.some((r) => r.lang !== undefined)).map(langChart);
  const ablations = results.flatMap((b) => ablationChart(b) ?? []);
  let next = 0;
  const place = (c: UnplacedChart): ChartSpec => ({ id: `chart-${++next}`, ...c });
  return { curves: curves.map(place), langs: langs.map(place), ablations: ablations.map(place) };
}

// ---------------------------------------------------------------- HTML sections

function summaryRow(cells: string[], headlineIndex: number, className = ''): string {
  const tds = cells.map((c, i) => {
    const numeric = i >= 2 ? ' class="num"' : '';
    const text = i === headlineIndex ? `<strong>${escapeHtml(c)}</strong>` : escapeHtml(c);
    return `<td${numeric}>${text}</td>`;
  });
  return `<tr${className ? ` class="${className}"` : ''}>${tds.join('')}</tr>`;
}

function summaryTable(results: BenchmarkResult[]): string {
  const head = ['benchmark', 'run', 'n', ...HEADLINE_METRICS, 'queries/s'].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = results.flatMap((b) => {
    const metricIndex = (HEADLINE_METRICS as readonly string[]).indexOf(b.headline);
    const headline = metricIndex < 0 ? -1 : 3 + metricIndex; // column of the headline metric, bolded
    const runRows = b.runs.map((r) =>
      summaryRow([b.benchmark, r.name, String(r.n), ...HEADLINE_METRICS.map((m) => formatMetric(r.metrics[m])), formatRate(r.queriesPerSecond)], headline),
    );
    if (!b.macro || b.runs.length < 2) return runRows;
    const n = b.runs.reduce((sum, r) => sum + r.n, 0);
    const macro = b.macro;
    return [...runRows, summaryRow([b.benchmark, 'macro average', String(n), ...HEADLINE_METRICS.map((m) => formatMetric(macro[m])), '–'], headline, 'macro')];
  });
  if (rows.length === 0) return '<p>No benchmark results.</p>';
  return `<div class="table-wrap"><table id="summary"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function chartFigure(spec: ChartSpec): string {
  return `<figure class="chart${spec.wide ? ' wide' : ''}">
<figcaption>${escapeHtml(spec.title)}</figcaption>
<div class="chart-box"><canvas id="${spec.id}" data-chart="${spec.kind}" role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>
</figure>`;
}

function chartGrid(specs: ChartSpec[], empty: string): string {
  return specs.length === 0 ? `<p class="empty">${escapeHtml(empty)}</p>` : `<div class="grid">\n${specs.map(chartFigure).join('\n')}\n</div>`;
}

const ABLATION_LEGEND =
  '<p>Each bar is the mean change of the headline metric when one stage is switched off (ablated − full); ' +
  'whiskers are the paired bootstrap 95% interval. Red: the metric drops without the stage, so the stage helps.</p>';

function noAblationsMessage(results: BenchmarkResult[]): string {
  return results.some((b) => b.runs.some((r) => r.ablations.length > 0))
    ? 'No ablation reports a delta of its benchmark’s headline metric.'
    : 'No run has ablations: every stage was left on.';
}

function notesSection(results: BenchmarkResult[]): string {
  const withNotes = results.filter((b) => b.notes.length > 0);
  if (withNotes.length === 0) return '<p class="empty">No notes.</p>';
  return withNotes
    .map((b) => `<h3>${escapeHtml(b.title)} <code>${escapeHtml(b.benchmark)}</code></h3>\n<ul>${b.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`)
    .join('\n');
}

function provenanceTable(results: BenchmarkResult[]): string {
  if (results.length === 0) return '';
  const head = ['benchmark', 'title', 'group', 'preset', 'headline', 'seconds', 'date', 'machine', 'command'].map((h) => `<th>${h}</th>`).join('');
  const rows = results.map((b) => {
    const cells = [b.benchmark, b.title, b.group, b.preset, b.headline, b.seconds.toFixed(1), b.date, b.machine].map((c) => `<td>${escapeHtml(c)}</td>`);
    return `<tr>${cells.join('')}<td><code>${escapeHtml(b.command)}</code></td></tr>`;
  });
  return `<div class="table-wrap"><table id="provenance"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

const CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; background: #fff; }
body { margin: 0 auto; padding: 1.5rem; max-width: 1400px; line-height: 1.45; }
h1 { margin: 0 0 .5rem; font-size: 1.6rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d8dde6; padding-bottom: .25rem; font-size: 1.25rem; }
h3 { font-size: 1rem; margin-bottom: .25rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.meta dt { font-weight: 600; color: #5a6478; }
dl.meta dd { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; background: #f3f5f8; padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #e6e9ef; text-align: left; vertical-align: top; }
th { background: #f3f5f8; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.macro td { font-style: italic; background: #fafbfc; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 1.25rem; }
figure.chart { margin: 0; border: 1px solid #e6e9ef; border-radius: 6px; padding: .75rem; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { font-weight: 600; margin-bottom: .5rem; }
.chart-box { position: relative; height: 320px; }
.empty { color: #5a6478; font-style: italic; }
`;

/**
 * Draws the chart script: parses the embedded data, registers the error-bar plugin, creates
 * every chart with animation off, then sets window.__normkitChartsReady.
 */
const APP_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('normkit-data').textContent);
  var errorBars = {
    id: 'normkitErrorBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      chart.data.datasets.forEach(function (dataset, i) {
        if (!dataset.errorBars) return;
        chart.getDatasetMeta(i).data.forEach(function (bar, j) {
          var interval = dataset.errorBars[j];
          if (!interval) return;
          var top = y.getPixelForValue(interval.hi);
          var bottom = y.getPixelForValue(interval.lo);
          var half = Math.min(10, (bar.width || 20) / 4);
          ctx.save();
          ctx.strokeStyle = '#1d2330';
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bottom);
          ctx.moveTo(bar.x - half, top); ctx.lineTo(bar.x + half, top);
          ctx.moveTo(bar.x - half, bottom); ctx.lineTo(bar.x + half, bottom);
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  // log-scale k axis: label 1, 2, 5, 10, 20, 50… only
  function logTick(value) {
    return /^[125]0*$/.test(String(value)) ? String(value) : '';
  }
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    var config = spec.config;
    config.options.animation = false;
    config.plugins = spec.kind === 'ablation' ? [errorBars] : [];
    if (spec.kind === 'curve') config.options.scales.x.ticks = { callback: logTick };
    new Chart(canvas, config);
  });
  window.__normkitChartsReady = true;
})();
`;

// ---------------------------------------------------------------- the page

export function renderHtmlReport(results: BenchmarkResult[], info: ReportInfo): string {
  const title = info.title ?? 'normkit evaluation report';
  const charts = buildCharts(results);
  const all = [...charts.curves, ...charts.langs, ...charts.ablations];
  // the raw results travel with the page, so its numbers can be read back from the source
  const data = { charts: all.map((c) => ({ id: c.id, kind: c.kind, config: c.config })), results };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="normkit">
<meta name="normkit:charts" content="${all.length}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<dl class="meta">
<dt>date</dt><dd>${escapeHtml(info.date)}</dd>
<dt>machine</dt><dd>${escapeHtml(info.machine)}</dd>
<dt>command</dt><dd><code>${escapeHtml(info.command)}</code></dd>
<dt>benchmarks</dt><dd>${results.length}</dd>
</dl>
</header>
<section id="summary-section">
<h2>Summary</h2>
${summaryTable(results)}
</section>
<section id="curves">
<h2>Success@k</h2>
${chartGrid(charts.curves, 'No run reports a Success@k curve.')}
</section>
<section id="languages">
<h2>By language</h2>
${chartGrid(charts.langs, 'No benchmark has per-language runs.')}
</section>
<section id="ablations">
<h2>Ablations</h2>
${charts.ablations.length > 0 ? ABLATION_LEGEND : ''}
${chartGrid(charts.ablations, noAblationsMessage(results))}
</section>
<section id="notes">
<h2>Notes</h2>
${notesSection(results)}
</section>
<section id="provenance-section">
<h2>How these results were produced</h2>
${provenanceTable(results)}
</section>
<script id="chartjs">${chartJsSource()}</script>
<script type="application/json" id="normkit-data">${jsonForScript(data)}</script>
<script id="normkit-app">${APP_SCRIPT}</script>
</body>
</html>
`;
}
