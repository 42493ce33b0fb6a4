/**
 * `npm run bench`: import time and peak memory for MeSH (30,764 descriptors, 132,802 terms).
 *
 * Reads ../shared/data/mesh when present; otherwise generates a synthetic file of the
 * same shape and size so the benchmark still runs. Each run is a fresh child process
 * (so peak RSS is the import's own) importing into an empty store; prints the median.
 * Target on a 2-core machine: under 15 s and under 500 MB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, sharedDataDir } from './shared.js';
import { writeSyntheticVocabulary } from './synthetic.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

const work = mkdtempSync(join(tmpdir(), 'normkit-bench-'));
try {
  const shared = sharedDataDir();
  const file = shared ? join(shared, 'mesh', 'mesh2024_descriptors.jsonl') : join(work, 'mesh-synthetic.jsonl');
  if (!shared) {
    writeSyntheticVocabulary(file, 30_764, 132_802);
    process.stdout.write('(synthetic MeSH-sized file: 30,764 concepts, 132,802 terms)\n');
  }
  process.stdout.write(`MeSH import benchmark: ${file}\nmachine: ${cpus().length} cores, Node ${process.version}\n`);
  const results: Array<{ seconds: number; peakRssMiB: number; concepts: number; terms: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const db = join(work, `run${i}.db`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'eval/import-child.ts'), db, shared ? 'mesh' : 'jsonl', 'mesh', file], { encoding: 'utf8', cwd: ROOT });
    const r = JSON.parse(out.trim().split('\n').pop()!) as (typeof results)[number];
    results.push(r);
    process.stdout.write(`  run ${i + 1}: ${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB (${r.concepts} concepts, ${r.terms} terms)\n`);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = median(results.map((r) => r.seconds));
  const m = median(results.map((r) => r.peakRssMiB));
  process.stdout.write(`median: import ${s.toFixed(2)} s (target < 15 s), peak RSS ${m.toFixed(0)} MiB = ${((m * 1048576) / 1e6).toFixed(0)} MB (target < 500 MB)\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
