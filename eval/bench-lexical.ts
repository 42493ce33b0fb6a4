/**
 * Lexical candidate generation: build time, memory and single-thread queries/s of the
 * `lexical` preset on ESCO (English occupations, ~34,000 terms) and MeSH (~133,000
 * terms). Target: 2,000 queries/s or more on MeSH, k = 10.
 *
 * Reads the vocabularies from ../shared/data when present, else synthetic ones of the
 * same size. Two query sets per vocabulary:
 *   - real queries, when ../shared/data is there: the JobBERT validation titles (ESCO) and the
 *     NCBI-disease and BC5CDR test mentions (MeSH), as the eval suite reads them;
 *   - 2,000 vocabulary terms, each damaged the way user input is (a dropped word, swapped
 *     letters, different case), chosen with a fixed seed: longer than real mentions, so
 *     slower, and available everywhere.
 * Reports the median of BENCH_RUNS timed passes (default 3) after a warm-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../src/core/random.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { LOADERS } from './loaders/index.js';
import { sharedDataDir } from './shared.js';
import { writeSyntheticVocabulary } from './synthetic.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const QUERIES = 2_000;

function damage(text: string, rand: () => number): string {
  const words = text.split(' ');
  const r = rand();
  if (r < 0.3 && words.length > 2) words.splice(Math.floor(rand() * words.length), 1);
  else if (r < 0.6) {
    const w = Math.floor(rand() * words.length);
    const word = words[w] as string;
    if (word.length > 3) {
      const i = 1 + Math.floor(rand() * (word.length - 2));
      words[w] = word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2);
    }
  } else if (r < 0.8) return text.toUpperCase();
  return words.join(' ');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const work = mkdtempSync(join(tmpdir(), 'normkit-bench-lexical-'));
const store = VocabStore.open(join(work, 'bench.db'));
try {
  const shared = sharedDataDir();
  process.stdout.write(`Lexical generator benchmark (preset "lexical", k = 10, one thread)\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}\n`);
  const targets = [
    { name: 'esco', format: 'esco', file: shared && join(shared, 'esco_occupations', 'occupations_en.jsonl'), size: [3_007, 33_962] as const, real: ['jobbert'] },
    { name: 'mesh', format: 'mesh', file: shared && join(shared, 'mesh', 'mesh2024_descriptors.jsonl'), size: [30_764, 132_802] as const, real: ['ncbi-disease', 'bc5cdr'] },
  ];
  for (const target of targets) {
    const synthetic = !target.file;
    const file = target.file ?? writeSyntheticVocabulary(join(work, `${target.name}.jsonl`), target.size[0], target.size[1]);
    await importVocabulary(store, [file], { force: true, name: target.name, format: synthetic ? 'jsonl' : target.format, skipInvalid: true });

    const before = heap();
    const started = performance.now();
    const linker = await Linker.build(store, target.name, preset('lexical'));
    const buildSeconds = (performance.now() - started) / 1000;
    const indexBytes = heap() - before;

    const rand = seededRandom(7);
    const terms = linker.index.terms;
    const sets: Array<[string, string[]]> = [
      ['damaged terms', Array.from({ length: QUERIES }, () => damage((terms[Math.floor(rand() * terms.length)] as { text: string }).text, rand))],
    ];
    if (shared) {
      const real: string[] = [];
      for (const loader of target.real) {
        const loaded = await (LOADERS[loader] as (typeof LOADERS)[string])({ shared, params: {} });
        for (const run of loaded.runs) if (run.split !== 'train') real.push(...run.queries.map((q) => q.text));
      }
      sets.unshift([`${target.real.join(' + ')} queries`, real]);
    }
    if (synthetic) process.stdout.write('  (no ../shared/data: a synthetic vocabulary of the same size, built from 20 words, so every gram has far longer postings than in a real one; its figures are a floor, not a measurement of the real vocabulary)\n');
    process.stdout.write(
      `${target.name}${synthetic ? ' (synthetic, same size)' : ''}: ${linker.concepts.toLocaleString('en-US')} concepts, ${linker.terms.toLocaleString('en-US')} terms\n` +
        `  build ${buildSeconds.toFixed(2)} s, index memory ≈ ${mib(indexBytes)} (heap + buffers), serialized ${mib(linker.index.toBuffer().length)}\n`,
    );
    for (const [label, queries] of sets) {
      for (const q of queries.slice(0, 200)) await linker.link(q, 10);
      const rates: number[] = [];
      const rawRates: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        let t0 = performance.now();
        for (const q of queries) await linker.link(q, 10);
        rates.push(queries.length / ((performance.now() - t0) / 1000));
        const lowered = queries.map((q) => q.toLowerCase());
        t0 = performance.now();
        for (const q of lowered) linker.index.search(q, 10);
        rawRates.push(queries.length / ((performance.now() - t0) / 1000));
      }
      const qps = median(rates);
      const chars = queries.reduce((a, q) => a + q.length, 0) / Math.max(1, queries.length);
      process.stdout.write(
        `  ${label} (${queries.length.toLocaleString('en-US')}, ${chars.toFixed(0)} chars on average): link() ${qps.toFixed(0)} queries/s, index search alone ${median(rawRates).toFixed(0)} queries/s` +
          (target.name === 'mesh' ? `  [target ≥ 2,000: ${qps >= 2000 ? 'met' : 'not met'}]` : '') +
          '\n',
      );
    }
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
