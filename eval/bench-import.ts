/**
 * `npm run bench`: import time and peak memory for MeSH (30,764 descriptors, 132,802 terms).
 *
 * Reads ../shared/data/mesh when present; otherwise generates a synthetic file of the
 * same shape and size so the benchmark still runs. Each run is a fresh child process
 * (so peak RSS is the import's own) importing into an empty store; prints the median.
 * Target on a 2-core machine: under 15 s and under 500 MB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, sharedDataDir } from './shared.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

function syntheticMesh(file: string): void {
  const words = ['cardiac', 'renal', 'acute', 'chronic', 'syndrome', 'disease', 'infection', 'receptor', 'protein', 'neoplasm', 'hepatic', 'pulmonary', 'deficiency', 'inhibitor', 'factor', 'cell', 'membrane', 'virus', 'bacterial', 'congenital'];
  let seed = 42;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const phrase = (): string => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => words[Math.floor(rnd() * words.length)]).join(' ');
  const lines: string[] = [];
  let terms = 0;
  for (let i = 0; i < 30_764; i++) {
    const n = i < 10_127 ? 7 : i === 10_127 ? 5 : 3; // 30,764 descriptors, 132,802 terms in all
    const t = [`${phrase()} ${i}`, ...Array.from({ length: n - 1 }, (_, j) => `${phrase()} ${i}-${j}`)];
    terms += t.length;
    const tree = i === 0 ? 'C01' : `C01.${String(i).padStart(5, '0')}`;
    lines.push(JSON.stringify({ id: `D${String(i + 1).padStart(6, '0')}`, name: t[0], terms: t, treeNumbers: [tree] }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  process.stdout.write(`(synthetic MeSH-shaped file: ${lines.length} descriptors, ${terms} terms)\n`);
}

const work = mkdtempSync(join(tmpdir(), 'normkit-bench-'));
try {
  const shared = sharedDataDir();
  const file = shared ? join(shared, 'mesh', 'mesh2024_descriptors.jsonl') : join(work, 'mesh-synthetic.jsonl');
  if (!shared) syntheticMesh(file);
  process.stdout.write(`MeSH import benchmark: ${file}\nmachine: ${cpus().length} cores, Node ${process.version}\n`);
  const results: Array<{ seconds: number; peakRssMiB: number; concepts: number; terms: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const db = join(work, `run${i}.db`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'eval/import-child.ts'), db, 'mesh', 'mesh', file], { encoding: 'utf8', cwd: ROOT });
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
