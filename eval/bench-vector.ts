/**
 * Vector index benchmark: HNSW over every MeSH term (~133,000; a synthetic vocabulary of
 * the same size without ../shared/data), vectors from the built-in n-gram hash encoder
 * (256 dims; no download). Prints build time and memory, recall@10 against exact search
 * for 1,000 queries at several ef values, queries/s on one thread at each ef, and
 * queries/s through the worker pool. Target: recall@10 ≥ 0.99 with the default parameters.
 *
 * Queries: 1,000 real NCBI-disease and BC5CDR test mentions when ../shared/data is there,
 * else 1,000 vocabulary terms damaged as user input is (bench-lexical's damage()).
 *
 *   npm run bench:vector [-- --model DIR]   DIR: a model folder (e.g. from train-encoder)
 *   BENCH_VECTOR_TERMS=N                    the first N terms only (CI uses 30,000)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Encoder } from '../src/encoders/encoder.js';
import { NgramHashEncoder } from '../src/encoders/ngram-hash.js';
import { TrainedEncoder } from '../src/encoders/trained/encoder.js';
import { seededRandom } from '../src/core/random.js';
import { VocabStore } from '../src/store/store.js';
import { DEFAULT_HNSW, ExactIndex, HnswIndex } from '../src/vector/hnsw.js';
import { SearchPool } from '../src/vector/pool.js';
import { importVocabulary } from '../src/vocab/import.js';
import { LOADERS } from './loaders/index.js';
import { sharedDataDir } from './shared.js';
import { writeSyntheticVocabulary } from './synthetic.js';

const QUERIES = 1_000;
const K = 10;
const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

const work = mkdtempSync(join(tmpdir(), 'normkit-bench-vector-'));
const store = VocabStore.open(join(work, 'bench.db'));
try {
  const shared = sharedDataDir();
  const file = shared ? join(shared, 'mesh', 'mesh2024_descriptors.jsonl') : writeSyntheticVocabulary(join(work, 'mesh.jsonl'), 30_764, 132_802);
  await importVocabulary(store, [file], { force: true, name: 'mesh', format: shared ? 'mesh' : 'jsonl', skipInvalid: true });
  // BENCH_VECTOR_TERMS caps the terms (CI: a quicker run; the full figures come from npm run bench).
  const cap = Number(process.env['BENCH_VECTOR_TERMS'] ?? 0);
  const all = [...store.terms('mesh')].map((t) => t.text);
  const terms = cap > 0 ? all.slice(0, cap) : all;
  const modelArg = process.argv.indexOf('--model');
  const encoder: Encoder = modelArg > 0 ? await TrainedEncoder.load(process.argv[modelArg + 1]!) : new NgramHashEncoder();
  process.stdout.write(
    `Vector index benchmark: HNSW (hnswlib-node) over ${terms.length.toLocaleString('en-US')} ${shared ? 'MeSH' : 'synthetic'} terms, ${modelArg > 0 ? `encoder ${process.argv[modelArg + 1]}` : 'n-gram hash encoder'} (${encoder.dim} dims)\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}\n`,
  );

  let t0 = performance.now();
  const vectors = await encoder.embed(terms);
  process.stdout.write(`  encode terms: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  let queryTexts: string[];
  if (shared) {
    const texts: string[] = [];
    for (const name of ['ncbi-disease', 'bc5cdr']) for (const run of (await LOADERS[name]!({ shared, params: {} })).runs) texts.push(...run.queries.map((q) => q.text));
    const rand = seededRandom(11);
    queryTexts = Array.from({ length: QUERIES }, () => texts[Math.floor(rand() * texts.length)]!);
  } else {
    const rand = seededRandom(11);
    queryTexts = Array.from({ length: QUERIES }, () => {
      const t = terms[Math.floor(rand() * terms.length)]!;
      return t.length > 4 ? t.slice(0, -2) : t.toUpperCase();
    });
  }
  const queries = await encoder.embed(queryTexts);

  const before = rss();
  t0 = performance.now();
  const hnsw = HnswIndex.create(encoder.dim, { ...(process.env['BENCH_HNSW_M'] ? { m: Number(process.env['BENCH_HNSW_M']) } : {}), ...(process.env['BENCH_HNSW_EFC'] ? { efConstruction: Number(process.env['BENCH_HNSW_EFC']) } : {}) }, vectors.length);
  hnsw.add(
    vectors,
    vectors.map((_, i) => i),
  );
  const buildSeconds = (performance.now() - t0) / 1000;
  const memory = rss() - before;
  const indexFile = join(work, 'mesh.hnsw');
  hnsw.write(indexFile);
  const p = hnsw.params;
  process.stdout.write(
    `  build (m=${p.m}, efConstruction=${p.efConstruction}, one thread): ${buildSeconds.toFixed(1)} s; memory +${mib(memory)} RSS; file ${mib(statSync(indexFile).size)}\n`,
  );

  t0 = performance.now();
  const matrix = new Float32Array(vectors.length * encoder.dim);
  vectors.forEach((v, i) => matrix.set(v, i * encoder.dim));
  const exact = new ExactIndex(
    encoder.dim,
    matrix,
    vectors.map((_, i) => i),
  );
  const truth = exact.searchBatch(queries, K);
  const exactSeconds = (performance.now() - t0) / 1000;
  process.stdout.write(`  exact search (blocked products, ground truth): ${(QUERIES / exactSeconds).toFixed(0)} queries/s\n`);

  process.stdout.write(
    `\n  recall@10: share of the exact top 10 found (ids); tie-aware: share of the 10 results scoring at least the exact 10th score\n  (terms with the same n-grams, such as MeSH's "Carcinoma, Ductal" and "Ductal Carcinoma", have identical vectors)\n`,
  );
  process.stdout.write(`\n  ${'ef'.padStart(5)}  ${'recall@10'.padStart(9)}  ${'tie-aware'.padStart(9)}  ${'queries/s'.padStart(9)}\n`);
  for (const ef of [10, 20, 50, 100, 200, 400]) {
    hnsw.ef = ef;
    let found = 0;
    let tieFound = 0;
    t0 = performance.now();
    const results = queries.map((q) => hnsw.search(q, K));
    const seconds = (performance.now() - t0) / 1000;
    results.forEach((hits, i) => {
      const want = new Set(truth[i]!.map((h) => h.label));
      for (const h of hits) if (want.has(h.label)) found++;
      const floor = truth[i]![truth[i]!.length - 1]?.score ?? 0;
      for (const h of hits) if (h.score >= floor - 1e-6) tieFound++;
    });
    const recall = found / (QUERIES * K);
    const tieRecall = tieFound / (QUERIES * K);
    process.stdout.write(
      `  ${String(ef).padStart(5)}  ${recall.toFixed(4).padStart(9)}  ${tieRecall.toFixed(4).padStart(9)}  ${(QUERIES / seconds).toFixed(0).padStart(9)}${ef === DEFAULT_HNSW.ef ? '   ← default' : ''}\n`,
    );
  }

  hnsw.ef = DEFAULT_HNSW.ef;
  const workers = Math.max(2, cpus().length);
  const pool = await SearchPool.open({ file: indexFile, dim: encoder.dim, params: hnsw.params, removed: 0 }, workers);
  try {
    const batch = new Float32Array(QUERIES * encoder.dim);
    queries.forEach((q, i) => batch.set(q, i * encoder.dim));
    await pool.search(batch.slice(0, 50 * encoder.dim), K); // warm-up
    t0 = performance.now();
    const rounds = 3;
    for (let r = 0; r < rounds; r++) await pool.search(batch, K);
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(`\n  worker pool (${workers} threads, batches of ${QUERIES}, ef=${DEFAULT_HNSW.ef}): ${((rounds * QUERIES) / seconds).toFixed(0)} queries/s\n`);
  } finally {
    await pool.close();
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
