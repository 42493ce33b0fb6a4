import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { renderHtmlReport } from '../eval/report/html.js';
import type { AblationResult, BenchmarkResult, RunResult } from '../eval/results.js';

const INFO = { title: 'Fixture report', command: 'tsx eval/run.ts --all', date: '2025-01-02T03:04:05Z', machine: 'test-box (8 cores)' };
const EVIL = 'x</script><script>window.__pwned = 1</script>';

function curve(start: number, length: number): number[] {
  return Array.from({ length }, (_, k) => Math.min(1, start + (1 - start) * (1 - 1 / (k + 1))));
}

function run(name: string, s1: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    name,
    split: 'test',
    n: 100,
    dropped: {},
    metrics: { 'success@1': s1, 'success@5': s1 + 0.1, 'success@10': s1 + 0.15, 'recall@10': s1 + 0.12, mrr: s1 + 0.05, 'ndcg@10': s1 + 0.07, map: s1 + 0.04 },
    successCurve: curve(s1, 20),
    queriesPerSecond: 1234.56,
    indexBuildSeconds: 1.5,
    vocabulary: { name: 'v', concepts: 10, terms: 20 },
    ablations: [],
    ...extra,
  };
}

function benchmark(id: string, group: string, runs: RunResult[], extra: Partial<BenchmarkResult> = {}): BenchmarkResult {
  return {
    benchmark: id,
    group,
    title: `Title of ${id}`,
    preset: 'default',
    headline: 'success@1',
    runs,
    notes: [],
    date: '2025-01-01',
    machine: 'box',
    command: `tsx eval/run.ts ${id}`,
    seconds: 12.34,
    ...extra,
  };
}

const ABLATIONS: AblationResult[] = [
  { stage: 'normalize', metrics: { 'success@1': 0.4 }, delta: { 'success@1': { mean: -0.1, lo: -0.15, hi: -0.05 } } },
  { stage: 'train-synonyms', metrics: { 'success@1': 0.52 }, delta: { 'success@1': { mean: 0.02, lo: -0.01, hi: 0.05 } } },
];

/** Two groups (2 curve charts), two per-language benchmarks (2 bar charts), one run with ablations. */
function fixture(): BenchmarkResult[] {
  return [
    benchmark('melo', 'jobs', [run('usa_en', 0.5, { lang: 'en', n: 120 }), run('fra_fr', 0.4, { lang: 'fr' }), run('deu_de', 0.3, { lang: 'de' })], {
      macro: { 'success@1': 0.4, mrr: 0.45 },
      notes: ['MELO note: <b>not bold</b>'],
    }),
    benchmark('jobs-other', 'jobs', [run('test', 0.6, { ablations: ABLATIONS })]),
    benchmark('hpo', 'medical', [run('es', 0.7, { lang: 'es' }), run('fr', 0.65, { lang: 'fr' })]),
    benchmark('evil', 'medical', [run(EVIL, 0.2, { metrics: { 'success@1': 0.2 }, queriesPerSecond: 42.04 })]),
  ];
}

function count(haystack: string, needle: RegExp): number {
  return haystack.match(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`))?.length ?? 0;
}

/** The text content of `<script id="ID" …>…</script>`. */
function scriptById(html: string, id: string): string {
  const m = new RegExp(`<script[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</script>`).exec(html);
  assert.ok(m, `script #${id} not found`);
  return m[1]!;
}

/** Cells of the summary table's body rows, HTML-decoded. */
function summaryRows(html: string): string[][] {
  const table = /<table id="summary">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  assert.ok(table, 'summary table not found');
  const decode = (s: string): string => s.replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  return [...table[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => decode(c[1]!)));
}

interface FakeChart {
  canvas: unknown;
  config: { type: string; options: { animation?: unknown }; plugins: unknown[]; data: { datasets: unknown[] } };
}

/** Runs the page's inline app script against a fake DOM and a fake Chart class. */
function runAppScript(html: string): { charts: FakeChart[]; ready: unknown; canvases: string[] } {
  const data = scriptById(html, 'normkit-data');
  const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]!);
  const charts: FakeChart[] = [];
  const window: Record<string, unknown> = {};
  class Chart {
    static defaults: Record<string, unknown> = {};
    constructor(canvas: unknown, config: FakeChart['config']) {
      charts.push({ canvas, config });
    }
  }
  const document = {
    getElementById: (id: string) => (id === 'normkit-data' ? { textContent: data } : canvases.includes(id) ? { id } : null),
  };
  runInNewContext(scriptById(html, 'normkit-app'), { window, document, Chart });
  return { charts, ready: window['__normkitChartsReady'], canvases };
}

test('the report is self-contained and embeds Chart.js 4', () => {
  const html = renderHtmlReport(fixture(), INFO);
  assert.equal(count(html, /<(script|link|img|iframe|source|embed)\b[^>]*\s(src|href)\s*=/i), 0, 'no external files');
  assert.equal(count(html, /(src|href|action)\s*=\s*["']?\s*(https?:)?\/\//i), 0, 'no network URLs in attributes');
  assert.equal(count(html, /url\(\s*["']?\s*(https?:)?\/\//i), 0, 'no network URLs in CSS');
  assert.equal(count(html, /@import/i), 0);
  assert.match(html, /<meta name="generator" content="normkit">/);

  const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const umd = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8');
  assert.match(umd, /Chart\.js v4\./);
  assert.ok(scriptById(html, 'chartjs') === umd, 'the Chart.js UMD build is inlined verbatim');
});

test('one canvas per chart: a Success@k curve per group, per-language bars, ablation bars', () => {
  const html = renderHtmlReport(fixture(), INFO);
  assert.equal(count(html, /<canvas\b/), 5);
  assert.equal(count(html, /<canvas[^>]*data-chart="curve"/), 2);
  assert.equal(count(html, /<canvas[^>]*data-chart="lang"/), 2);
  assert.equal(count(html, /<canvas[^>]*data-chart="ablation"/), 1);
  assert.match(html, /<meta name="normkit:charts" content="5">/);

  const data = JSON.parse(scriptById(html, 'normkit-data')) as { charts: Array<{ id: string; kind: string; config: { data: { labels?: string[]; datasets: Array<{ label: string; data: unknown[]; errorBars?: unknown[] }> } } }> };
  const canvasIds = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(data.charts.map((c) => c.id), canvasIds, 'every chart has its canvas, in order');

  const [jobs, medical, melo, hpo] = data.charts;
  assert.deepEqual(jobs!.config.data.datasets.map((d) => d.label), ['melo (mean of 3 runs)', 'jobs-other']);
  assert.equal(jobs!.config.data.datasets[0]!.data.length, 20, 'curve from k = 1 to successCurve.length');
  assert.deepEqual(jobs!.config.data.datasets[0]!.data[0], { x: 1, y: (0.5 + 0.4 + 0.3) / 3 }, 'macro-average curve');
  assert.deepEqual(medical!.config.data.datasets.map((d) => d.label), ['hpo (mean of 2 runs)', 'evil']);
  assert.deepEqual(melo!.config.data.labels, ['en', 'fr', 'de']);
  assert.deepEqual(melo!.config.data.datasets[0]!.data, [0.5, 0.4, 0.3]);
  assert.deepEqual(hpo!.config.data.labels, ['es', 'fr']);
});

test('per-language bars: only for several runs; run names when a language repeats; wide when many', () => {
  const many = ['de', 'fr', 'nl'].flatMap((l) => [run(`q_${l}_c_${l}`, 0.4, { lang: l }), run(`q_${l}_c_en`, 0, { lang: l })]);
  const results = [
    benchmark('one-lang', 'medical', [run('es', 0.3, { lang: 'es' })]),
    benchmark('paired', 'jobs', many),
    benchmark('wide', 'jobs', Array.from({ length: 13 }, (_, i) => run(`r${i}`, 0.5, { lang: `l${i}` }))),
  ];
  const html = renderHtmlReport(results, INFO);
  const data = JSON.parse(scriptById(html, 'normkit-data')) as { charts: Array<{ id: string; kind: string; config: { data: { labels: string[]; datasets: Array<{ data: number[]; minBarLength?: number }> } } }> };
  const langs = data.charts.filter((c) => c.kind === 'lang');
  assert.equal(langs.length, 2, 'no chart for a single-language benchmark');
  assert.deepEqual(langs[0]!.config.data.labels, many.map((r) => r.name));
  assert.equal(langs[0]!.config.data.datasets[0]!.data[1], 0);
  assert.ok((langs[0]!.config.data.datasets[0]!.minBarLength ?? 0) > 0, 'zero bars stay visible');
  assert.deepEqual(langs[1]!.config.data.labels.slice(0, 2), ['l0', 'l1']);
  const figureOf = (id: string): string => new RegExp(`<figure class="([^"]*)">\\s*<figcaption>[^<]*</figcaption>\\s*<div class="chart-box"><canvas id="${id}"`).exec(html)?.[1] ?? 'missing';
  assert.equal(figureOf(langs[0]!.id), 'chart');
  assert.equal(figureOf(langs[1]!.id), 'chart wide');
});

test('ablation bars use the headline delta with its 95% interval', () => {
  const html = renderHtmlReport(fixture(), INFO);
  const data = JSON.parse(scriptById(html, 'normkit-data')) as { charts: Array<{ kind: string; config: { data: { labels: string[]; datasets: Array<{ data: number[]; errorBars: unknown[] }> } } }> };
  const ablation = data.charts.find((c) => c.kind === 'ablation');
  assert.ok(ablation);
  assert.deepEqual(ablation.config.data.labels, ['normalize', 'train-synonyms']);
  assert.deepEqual(ablation.config.data.datasets[0]!.data, [-0.1, 0.02]);
  assert.deepEqual(ablation.config.data.datasets[0]!.errorBars, [{ lo: -0.15, hi: -0.05 }, { lo: -0.01, hi: 0.05 }]);
  assert.doesNotMatch(html, /No run has ablations/);
});

test('without ablations the report says so instead of drawing an empty chart', () => {
  const results = fixture();
  results[1]!.runs[0]!.ablations = [];
  const html = renderHtmlReport(results, INFO);
  assert.equal(count(html, /<canvas[^>]*data-chart="ablation"/), 0);
  assert.match(html, /No run has ablations/);
  assert.equal(count(html, /<canvas\b/), 4);
});

test('ablations without a delta of the headline metric draw no chart, and the report says why', () => {
  const results = fixture();
  results[1]!.headline = 'mrr';
  const html = renderHtmlReport(results, INFO);
  assert.equal(count(html, /<canvas[^>]*data-chart="ablation"/), 0);
  assert.doesNotMatch(html, /No run has ablations/);
  assert.match(html, /No ablation reports a delta of its benchmark’s headline metric/);
});

test('the summary table: one row per run, a macro row, headline metrics to 3 decimals', () => {
  const rows = summaryRows(renderHtmlReport(fixture(), INFO));
  assert.deepEqual(
    rows.map((r) => `${r[0]}/${r[1]}`),
    ['melo/usa_en', 'melo/fra_fr', 'melo/deu_de', 'melo/macro average', 'jobs-other/test', 'hpo/es', 'hpo/fr', `evil/${EVIL}`],
  );
  assert.deepEqual(rows[0], ['melo', 'usa_en', '120', '0.500', '0.600', '0.650', '0.620', '0.550', '0.570', '0.540', '1235']);
  assert.deepEqual(rows[3], ['melo', 'macro average', '320', '0.400', '–', '–', '–', '0.450', '–', '–', '–']);
  assert.deepEqual(rows[7], ['evil', EVIL, '100', '0.200', '–', '–', '–', '–', '–', '–', '42.0']);
});

test('</script> in the data is escaped and the page still works', () => {
  const html = renderHtmlReport(fixture(), INFO);
  assert.equal(count(html, /<script\b/i), 3, 'only the report’s own scripts');
  assert.equal(count(html, /<\/script/i), 3, 'no premature </script>');
  assert.doesNotMatch(html, /<script>window\.__pwned/);
  assert.match(html, /<td>x&#60;\/script&#62;&#60;script&#62;window.__pwned = 1&#60;\/script&#62;<\/td>/);
  assert.match(html, /<li>MELO note: &#60;b&#62;not bold&#60;\/b&#62;<\/li>/);
  const data = JSON.parse(scriptById(html, 'normkit-data')) as { results: BenchmarkResult[] };
  assert.deepEqual(data.results, fixture(), 'the embedded results read back unchanged');
  assert.equal(data.results[3]!.runs[0]!.name, EVIL);
});

test('the inline script creates every chart without animation, then sets the ready flag', () => {
  const { charts, ready, canvases } = runAppScript(renderHtmlReport(fixture(), INFO));
  assert.equal(charts.length, 5);
  assert.deepEqual(charts.map((c) => (c.canvas as { id: string }).id), canvases);
  assert.ok(charts.every((c) => c.config.options.animation === false));
  assert.deepEqual(charts.map((c) => c.config.plugins.length), [0, 0, 0, 0, 1], 'error-bar plugin on the ablation chart only');
  assert.equal(ready, true);
});

test('notes, command, machine and date are shown', () => {
  const html = renderHtmlReport(fixture(), INFO);
  assert.match(html, /<title>Fixture report<\/title>/);
  assert.match(html, /<code>tsx eval\/run\.ts --all<\/code>/);
  assert.match(html, /test-box \(8 cores\)/);
  assert.match(html, /2025-01-02T03:04:05Z/);
  assert.match(html, /<code>tsx eval\/run\.ts hpo<\/code>/);
});

test('an empty result list still renders a valid page', () => {
  const html = renderHtmlReport([], { command: 'c', date: 'd', machine: 'm' });
  assert.equal(count(html, /<canvas\b/), 0);
  assert.match(html, /No benchmark results\./);
  assert.match(html, /<title>normkit evaluation report<\/title>/);
  assert.equal(runAppScript(html).ready, true);
});
