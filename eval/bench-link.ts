/**
 * Linking speed of the `jobs` preset (npm run bench:link; part of npm run bench):
 *
 * 1. Latency: one title at a time (`Linker.link`, k 5) on one core: p50, p99 and titles/s.
 * 2. Throughput: the titles in batches of 64 over the worker pool `normkit serve` uses, one
 *    worker per core: titles/s on the whole machine (issue 8's target: at least 1,000).
 *
 * With ../shared/data: ESCO English and the JobBERT validation titles (eval/bench-titles.ts);
 * the first run trains ESCO's encoder and builds the indexes into $NORMKIT_BENCH_DIR (a few
 * minutes), later runs reuse them. BENCH_LINK_TITLES caps the latency pass (default 5,000).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { storePath } from '../src/core/data-dir.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { LinkerPool } from '../src/server/pool.js';
import { VocabStore } from '../src/store/store.js';
import { BENCH_DATA_DIR, benchTitles } from './bench-titles.js';

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

const rows = [
  ['vocabulary', `${vocabulary}, preset jobs (${source}); linker loaded in ${buildSeconds.toFixed(1)} s`],
  ['one title', `${sample.length} titles one at a time, k 5: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, ${oneCore.toFixed(0)} titles/s on one core`],
  ['throughput', `${titles.length} titles in batches of ${BATCH} on ${cores} pool workers: ${allCores.toFixed(0)} titles/s (target ≥ 1,000)`],
];
process.stdout.write(`\nbench:link\n${rows.map(([k, v]) => `  ${k!.padEnd(11)} ${v}`).join('\n')}\n`);
