import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from './helpers/cli.js';

const CONDITIONS = join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl');

/** A small ICD-9-like source vocabulary (written for this test). */
const SOURCE = [
  { id: '410', name: 'Acute myocardial infarction', parents: [] },
  { id: '585', name: 'Chronic kidney disease', parents: [] },
  { id: '585.X', name: 'Chronic kidney disease of unrecorded stage and origin', parents: ['585'] },
  { id: '250', name: 'Type 2 diabetes mellitus', parents: [] },
  { id: '250.8', name: 'Other specified manifestations', parents: ['250'] },
];

type Row = Record<'source_id' | 'source_label' | 'rank' | 'target_id' | 'target_label' | 'score' | 'similarity' | 'confidence' | 'match' | 'level', string>;

function read(file: string): Row[] {
  return parse(readFileSync(file, 'utf8'), { delimiter: '\t', columns: true, relax_quotes: true }) as Row[];
}

test('CLI: map writes a crosswalk TSV (top-k, scores, match type), falls back to a covering ancestor, uses parent context, resumes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-map-'));
  const src = join(dir, 'icd9.jsonl');
  writeFileSync(src, SOURCE.map((c) => JSON.stringify({ ...c, lang: 'en' })).join('\n') + '\n');
  assert.equal(runCli(['vocab', 'import', CONDITIONS, '--name', 'icd10'], dir).status, 0);
  assert.equal(runCli(['vocab', 'import', src, '--name', 'icd9'], dir).status, 0);

  const out = join(dir, 'crosswalk.tsv');
  const r = runCli(['map', '--from', 'icd9', '--to', 'icd10', '--output', out, '--preset', 'medical', '--k', '3', '--min-similarity', '0.8', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { sources: number; mapped: number; byMatch: Record<string, number> };
  assert.equal(summary.sources, SOURCE.length);
  const rows = read(out);
  assert.deepEqual(Object.keys(rows[0]!), ['source_id', 'source_label', 'rank', 'target_id', 'target_label', 'score', 'similarity', 'confidence', 'match', 'level']);
  assert.deepEqual([...new Set(rows.map((x) => x.source_id))], SOURCE.map((c) => c.id));
  for (const id of SOURCE.map((c) => c.id)) {
    const block = rows.filter((x) => x.source_id === id);
    assert.deepEqual(block.map((x) => Number(x.rank)), block.map((_, i) => i + 1), `ranks of ${id}`);
  }
  const mi = rows.find((x) => x.source_id === '410' && x.rank === '1')!;
  assert.equal(mi.target_id, 'I21.9');
  assert.equal(mi.match, 'exact');
  // A weak best candidate: the closest ancestor covering the top candidates comes first, with its level.
  const ckd = rows.filter((x) => x.source_id === '585.X');
  assert.equal(ckd[0]!.match, 'ancestor');
  assert.equal(ckd[0]!.target_id, 'N18');
  assert.ok(Number(ckd[0]!.level) >= 1);
  assert.ok(ckd.slice(1).every((x) => x.match === 'candidate' && x.target_id.startsWith('N18')));

  // Parent labels as context: "Other specified manifestations" alone is not about diabetes.
  const ctx = join(dir, 'context.tsv');
  assert.equal(runCli(['map', '--from', 'icd9', '--to', 'icd10', '--output', ctx, '--preset', 'medical', '--k', '3', '--context', 'parents'], dir).status, 0);
  const other = read(ctx).find((x) => x.source_id === '250.8' && x.rank === '1')!;
  assert.match(other.target_id, /^E11/);

  // Interrupted after the first source concept and half a line: --resume completes it.
  const text = readFileSync(out, 'utf8');
  const lines = text.split('\n');
  const firstBlockEnd = 1 + rows.filter((x) => x.source_id === '410').length;
  const partial = join(dir, 'partial.tsv');
  writeFileSync(partial, `${lines.slice(0, firstBlockEnd).join('\n')}\n${lines[firstBlockEnd]!.slice(0, 7)}`);
  const resumed = runCli(['map', '--from', 'icd9', '--to', 'icd10', '--output', partial, '--preset', 'medical', '--k', '3', '--min-similarity', '0.8', '--resume', '--json'], dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal((JSON.parse(resumed.stdout) as { resumed: number }).resumed, 1);
  assert.equal(readFileSync(partial, 'utf8'), text);

  assert.equal(runCli(['map', '--from', 'nope', '--to', 'icd10', '--output', join(dir, 'x.tsv')], dir).status, 4);
});
