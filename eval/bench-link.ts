/**
 * Linking speed of the `jobs` preset (npm run bench:link; part of npm run bench):
 *
 * 1. Latency: one title at a time (`Linker.link`, k 5) on one core: p50, p99 and titles/s.
 * 2. Throughput: the titles in batches of 64 over the worker pool `normkit serve` uses, one
 *    worker per core: titles/s on the whole machine (issue 8's target: at least 1,000).
 *
 * 3. Cross-lingual: German titles (MELO deu_q_de, test queries used only for timing) one at
 *    a time with the `crosslingual` preset, which translates them through the FreeDict
 *    lexicons of $NORMKIT_LEXICONS (default /usr/share/dictd, imported into the bench store
 *    once); the issue-21 target: at most 3× the cost of a monolingual title (section 1).
 *
 * With ../shared/data: ESCO English and the JobBERT validation titles (eval/bench-titles.ts);
 * the first run trains ESCO's encoder and builds the indexes into $NORMKIT_BENCH_DIR (a few
 * minutes), later runs reuse them. BENCH_LINK_TITLES caps the latency pass (default 5,000).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { storePath } from '../src/core/data-dir.js';
import { importLexicons } from '../src/lexicon/import.js';
import { LexiconStore } from '../src/lexicon/store.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { LinkerPool } from '../src/server/pool.js';
import { VocabStore } from '../src/store/store.js';
import { BENCH_DATA_DIR, benchTitles } from './bench-titles.js';
import { LOADERS } from './loaders/index.js';
import { sharedDataDir } from './shared.js';

const LATENCY_TITLES = Number(process.env['BENCH_LINK_TITLES'] ?? 5000);
const BATCH = 64;
const dataDir = BENCH_DATA_DIR;
const cacheDir = join(dataDir, 'indexes');
const { vocabulary, titles, source } = await benchTitles(dataDir);
const pipeline = preset('jobs');

const store = VocabStore.open(storePath(dataDir), { readonly: true });
const built = performance.now();
const linker = await Linker.build(store, vocabulary, pipeline, { cacheDir, dataDir, encoderThreads: 1 });
const buildSeconds = (performance.now() - built) / 1000;

// 1. One title at a time, after a warm-up.
const sample = titles.slice(0, Math.min(LATENCY_TITLES, titles.length));
for (const t of sample.slice(0, 300)) await linker.link(t, 5);
const times: number[] = [];
const started = performance.now();
for (const t of sample) {
  const t0 = performance.now();
  await linker.link(t, 5);
  times.push(performance.now() - t0);
}
const oneCore = sample.length / ((performance.now() - started) / 1000);
times.sort((a, b) => a - b);
const pct = (p: number): string => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
await linker.close();
store.close();

// 2. Every title, in batches, over the pool.
const cores = availableParallelism();
const pool = await LinkerPool.start({ storePath: storePath(dataDir), cacheDir, dataDir }, { size: cores });
await pool.load({ key: `${vocabulary}#bench`, vocabulary, pipeline, extraTerms: [] });
const batches: string[][] = [];
for (let i = 0; i < titles.length; i += BATCH) batches.push(titles.slice(i, i + BATCH));
await pool.run(`${vocabulary}#bench`, { op: 'normalize', texts: batches[0]!, k: 5, explain: false }); // warm-up
const poolStarted = performance.now();
await Promise.all(batches.map((texts) => pool.run(`${vocabulary}#bench`, { op: 'normalize', texts, k: 5, explain: false })));
const allCores = titles.length / ((performance.now() - poolStarted) / 1000);
await pool.close();

// 3. German titles through the lexicons, one at a time.
let crossRow: string;
const lexiconDir = process.env['NORMKIT_LEXICONS'] ?? '/usr/share/dictd';
const shared = sharedDataDir();
if (!shared || !existsSync(lexiconDir)) crossRow = `skipped: needs ../shared/data (MELO) and the lexicons of ${lexiconDir}`;
else {
  const writable = VocabStore.open(storePath(dataDir));
  const lexicons = new LexiconStore(writable);
  if (!lexicons.lexiconsFor('de', 'en').length) importLexicons(lexicons, lexiconDir);
  writable.close();
  const german = (await LOADERS['melo']!({ shared, params: { datasets: ['deu_q_de_c_en'] } })).runs[0]!.queries.map((q) => q.text).slice(0, 2000);
  const crossStore = VocabStore.open(storePath(dataDir), { readonly: true });
  const cross = await Linker.build(crossStore, vocabulary, preset('crosslingual'), { cacheDir, dataDir, encoderThreads: 1 });
  const t0 = performance.now();
  await cross.link(german[0]!, 5, { lang: 'de' }); // builds (or reads) the German translation table
  const tableSeconds = (performance.now() - t0) / 1000;
  for (const t of german.slice(0, 200)) await cross.link(t, 5, { lang: 'de' });
  const crossStarted = performance.now();
  for (const t of german) await cross.link(t, 5, { lang: 'de' });
  const crossRate = german.length / ((performance.now() - crossStarted) / 1000);
  await cross.close();
  crossStore.close();
  crossRow = `${german.length} German titles (MELO deu_q_de) one at a time, preset crosslingual: ${crossRate.toFixed(0)} titles/s on one core, ${(oneCore / crossRate).toFixed(2)}× the cost of an English title (target ≤ 3×); translation table ready in ${tableSeconds.toFixed(1)} s`;
}

const rows = [
  ['vocabulary', `${vocabulary}, preset jobs (${source}); linker loaded in ${buildSeconds.toFixed(1)} s`],
  ['one title', `${sample.length} titles one at a time, k 5: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, ${oneCore.toFixed(0)} titles/s on one core`],
  ['throughput', `${titles.length} titles in batches of ${BATCH} on ${cores} pool workers: ${allCores.toFixed(0)} titles/s (target ≥ 1,000)`],
  ['cross-lingual', crossRow],
];
process.stdout.write(`\nbench:link\n${rows.map(([k, v]) => `  ${k!.padEnd(13)} ${v}`).join('\n')}\n`);
