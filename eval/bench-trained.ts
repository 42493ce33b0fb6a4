/**
 * The self-trained encoder: end-to-end training time (featurize, mine hard negatives,
 * train with early stopping, export fp32 and int8 ONNX) on ESCO English (~34,000 terms)
 * and MeSH (~133,000 terms), model size, and encode throughput on one core through
 * onnxruntime-node. Targets: under 5 (ESCO) and 15 (MeSH) minutes; at least 20,000 short
 * texts/s on one core.
 *
 * Reads the vocabularies from ../shared/data when present, else synthetic ones of the
 * same size. `BENCH_TRAINED=esco` (or `mesh`) runs one of them.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { VocabStore } from '../src/store/store.js';
import { TrainedEncoder } from '../src/encoders/trained/encoder.js';
import { trainAndSave } from '../src/encoders/trained/vocabulary.js';
import { importVocabulary } from '../src/vocab/import.js';
import { sharedDataDir } from './shared.js';
import { writeSyntheticVocabulary } from './synthetic.js';

const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
const only = process.env['BENCH_TRAINED'];

const work = mkdtempSync(join(tmpdir(), 'normkit-bench-trained-'));
const store = VocabStore.open(join(work, 'bench.db'));
try {
  const shared = sharedDataDir();
  process.stdout.write(`Self-trained encoder benchmark (defaults of normkit train-encoder)\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}\n`);
  const targets = [
    { name: 'esco', format: 'esco', file: shared && join(shared, 'esco_occupations', 'occupations_en.jsonl'), size: [3_007, 33_962] as const, limit: 5 },
    { name: 'mesh', format: 'mesh', file: shared && join(shared, 'mesh', 'mesh2024_descriptors.jsonl'), size: [30_764, 132_802] as const, limit: 15 },
  ].filter((t) => !only || only === t.name);
  for (const target of targets) {
    const synthetic = !target.file;
    const file = target.file ?? writeSyntheticVocabulary(join(work, `${target.name}.jsonl`), target.size[0], target.size[1]);
    await importVocabulary(store, [file], { force: true, name: target.name, format: synthetic ? 'jsonl' : target.format, skipInvalid: true });
    const dir = join(work, `${target.name}-encoder`);
    const started = performance.now();
    const { result } = await trainAndSave(store, target.name, dir);
    const minutes = (performance.now() - started) / 60_000;
    const fp32 = statSync(join(dir, 'onnx', 'model.onnx')).size;
    const int8 = statSync(join(dir, 'onnx', 'model_quantized.onnx')).size;
    process.stdout.write(
      `  ${target.name}${synthetic ? ' (synthetic)' : ''}: ${result.counts.terms.toLocaleString('en-US')} terms, ${result.steps} steps (best ${result.bestStep}, held-out Success@1 ${result.validation.toFixed(4)}): ${minutes.toFixed(1)} min end to end (target < ${target.limit})\n    model ${mib(fp32)} fp32, ${mib(int8)} int8\n`,
    );
    const texts = [...store.terms(target.name)].slice(0, 20_000).map((t) => t.text);
    for (const precision of ['fp32', 'int8'] as const) {
      const enc = await TrainedEncoder.load(dir, { threads: 1, precision });
      await enc.embed(texts.slice(0, 500)); // warm-up
      const t0 = performance.now();
      await enc.embed(texts);
      const rate = texts.length / ((performance.now() - t0) / 1000);
      process.stdout.write(`    encode (${precision}, one core, ${texts.length.toLocaleString('en-US')} terms): ${rate.toFixed(0)} texts/s (target ≥ 20,000)\n`);
      await enc.close();
    }
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
