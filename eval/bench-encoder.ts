/**
 * Encoder throughput on onnxruntime-node with random-weight BERT models written on the
 * spot (test/helpers/tiny-bert.ts), so it runs anywhere:
 *   - the test fixture (hidden 16, 2 layers): mostly tokenization and batching overhead;
 *   - a MiniLM-L6-shaped model (hidden 384, 6 layers, 12 heads, FFN 1536): the compute
 *     of all-MiniLM-L6-v2 / multilingual-e5-small, with a small vocabulary.
 * Texts are 2,000 synthetic job titles; the fixture tokenizer's small vocabulary splits
 * most words into letters, so they are longer in tokens than with a real WordPiece
 * vocabulary (the mean is printed). Prints texts/s per batch size (median of BENCH_RUNS).
 * int8 is not timed: the fixture's int8 file dequantizes its weights (QDQ), which says
 * nothing about the speed of a real dynamically quantized model.
 *
 * Usage: tsx eval/bench-encoder.ts [--device cpu|cuda|auto] [--threads N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TextTokenizer } from '../src/encoders/onnx/tokenize.js';
import { TransformerEncoder } from '../src/encoders/onnx/transformer.js';
import type { Device } from '../src/encoders/onnx/runtime.js';
import { writeTinyBert } from '../test/helpers/tiny-bert.js';
import { syntheticTitles } from './synthetic.js';

const { values } = parseArgs({ options: { device: { type: 'string', default: 'cpu' }, threads: { type: 'string' } } });
const device = values.device as Device;
const threads = values.threads ? Number(values.threads) : undefined;
const TEXTS = syntheticTitles(Number(process.env['BENCH_TEXTS'] ?? 2_000), 3);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

const work = mkdtempSync(join(tmpdir(), 'normkit-bench-encoder-'));
try {
  process.stdout.write(`Encoder benchmark: ${TEXTS.length} texts, device ${device}${threads ? `, ${threads} threads` : ''}\nmachine: ${cpus().length} cores, Node ${process.version}\n`);
  const models = [
    { name: 'fixture (hidden 16, 2 layers)', options: { pooling: 'mean' as const, quantized: false } },
    { name: 'MiniLM-L6-shaped (hidden 384, 6 layers)', options: { pooling: 'mean' as const, hidden: 384, layers: 6, heads: 12, ffn: 1536, maxPositions: 512, quantized: false } },
  ];
  for (const m of models) {
    const dir = writeTinyBert(join(work, m.name.split(' ')[0] as string), m.options);
    if (m === models[0]) {
      const tok = await TextTokenizer.load(dir);
      const mean = TEXTS.reduce((a, t) => a + tok.encode(t, 512).ids.length, 0) / TEXTS.length;
      process.stdout.write(`  mean length: ${mean.toFixed(1)} tokens per text\n`);
    }
    for (const precision of ['fp32'] as const) {
      for (const batchSize of [1, 32]) {
        const enc = await TransformerEncoder.load(dir, { device, batchSize, precision, ...(threads ? { threads } : {}) });
        await enc.embed(TEXTS.slice(0, 64));
        const rates: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const t0 = performance.now();
          await enc.embed(TEXTS);
          rates.push(TEXTS.length / ((performance.now() - t0) / 1000));
        }
        rates.sort((a, b) => a - b);
        process.stdout.write(`  ${m.name}, ${precision}, batch ${String(batchSize).padStart(2)}: ${(rates[Math.floor(rates.length / 2)] as number).toFixed(0)} texts/s on ${enc.device}\n`);
        await enc.close();
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
