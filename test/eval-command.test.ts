import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateLinker, KEPT_CANDIDATES } from '../src/metrics/evaluate.js';
import { runEval } from '../src/metrics/run-eval.js';
import { Linker } from '../src/pipeline/linker.js';
import { ABLATIONS, preset } from '../src/pipeline/presets.js';
import { compareRanked } from '../src/core/rank.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const VOCAB = [
  { id: 'mi', name: 'Myocardial infarction', synonyms: ['heart attack'], types: ['disease'] },
  { id: 'hf', name: 'Heart failure', synonyms: ['cardiac failure'], types: ['disease'] },
  { id: 'asa', name: 'Aspirin', synonyms: ['acetylsalicylic acid'], types: ['chemical'] },
  { id: 'ast', name: 'Asthma', types: ['disease'] },
];
const QUERIES = [
  { qid: 'q1', text: 'heart attack', gold: ['mi'] },
  { qid: 'q2', text: 'Cardiac Failure!', gold: ['hf'] },
  { qid: 'q3', text: 'asthma', gold: ['ast', 'hf'] },
  { qid: 'q4', text: 'zzzz', gold: ['asa'] },
  { qid: 'q5', text: 'unknown thing', gold: [] },
];

function files(dir: string): { vocab: string; queries: string } {
  const vocab = join(dir, 'vocab.jsonl');
  const queries = join(dir, 'queries.jsonl');
  writeFileSync(vocab, VOCAB.map((c) => JSON.stringify(c)).join('\n'));
  writeFileSync(queries, QUERIES.map((q) => JSON.stringify(q)).join('\n'));
  return { vocab, queries };
}

test('normkit eval --json prints exactly the documented keys, with the expected values', (t) => {
  const dir = tempDir(t);
  const { vocab, queries } = files(dir);
  const r = runCli(['eval', vocab, queries, '--json', '--errors', join(dir, 'errors.jsonl')], dir);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, number>;
  assert.deepEqual(Object.keys(out).sort(), ['index_build_seconds', 'map', 'mrr', 'n', 'n10_skewness', 'ndcg@10', 'queries_per_second', 'recall@10', 'success@1', 'success@10', 'success@5'].sort());
  assert.equal(out['n'], 4, 'the NIL query (empty gold) is not scored');
  assert.equal(out['success@1'], 0.75, 'q1, q2, q3 right at rank 1; q4 has no shared n-gram');
  assert.equal(out['success@10'], 0.75);
  assert.ok(out['queries_per_second']! > 0);

  const lines = readFileSync(join(dir, 'errors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 5);
  const q2 = lines.find((l) => l['qid'] === 'q2')!;
  assert.equal(q2['normalized'], 'cardiac failure');
  assert.equal(q2['goldRank'], 1);
  assert.deepEqual((q2['gold'] as Array<{ id: string; name: string }>)[0], { id: 'hf', name: 'Heart failure' });
  assert.equal((q2['top5'] as Array<{ term: string }>)[0]!.term, 'cardiac failure');
  assert.deepEqual(q2['rulesFired'], []);
  assert.equal(lines.find((l) => l['qid'] === 'q4')!['goldRank'], null);

  const table = runCli(['eval', vocab, queries], dir);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /lexical on eval-[0-9a-f]{12}: 4 queries scored, 1 NIL queries not scored/);
  assert.match(table.stdout, /success@1\s+0\.7500/);
});

test('eval imports a vocabulary file once and reuses the cached index', async (t) => {
  const dir = tempDir(t);
  const { vocab, queries } = files(dir);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  const first = await runEval(store, vocab, queries, { dataDir: dir, pipeline: preset('lexical') });
  assert.equal(first.importedNow, true);
  const second = await runEval(store, vocab, queries, { dataDir: dir, pipeline: preset('lexical') });
  assert.equal(second.importedNow, false);
  assert.equal(second.vocabulary, first.vocabulary);
  assert.deepEqual(second.summary['success@1'], first.summary['success@1']);
  const cached = readdirSync(join(dir, 'indexes', first.vocabulary));
  assert.equal(cached.length, 1);
  assert.match(cached[0]!, /^lexical-[0-9a-f]{20}\.bin$/);
  // An edited file is another vocabulary.
  writeFileSync(vocab, `${readFileSync(vocab, 'utf8')}\n${JSON.stringify({ id: 'new', name: 'New thing' })}\n`);
  const third = await runEval(store, vocab, queries, { dataDir: dir, pipeline: preset('lexical') });
  assert.notEqual(third.vocabulary, first.vocabulary);
  await assert.rejects(runEval(store, 'no-such-vocab', queries, { dataDir: dir, pipeline: preset('lexical') }), /neither a vocabulary file nor an imported vocabulary/);
});

test('linker: type filter, extra terms, cache reuse and a damaged cache file', async (t) => {
  const dir = tempDir(t);
  const { vocab } = files(dir);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  await importVocabulary(store, [vocab], { name: 'v' });
  const cacheDir = join(dir, 'idx');
  const diseases = await Linker.build(store, 'v', { ...preset('lexical'), filter: { types: ['disease'] } }, { cacheDir });
  assert.equal(diseases.concepts, 3);
  assert.equal(diseases.hasConcept('asa'), false);
  assert.ok((await diseases.link('aspirin', 5)).candidates.every((c) => c.conceptId !== 'asa'));

  const plain = await Linker.build(store, 'v', preset('lexical'), { cacheDir });
  assert.notEqual((await plain.link('MI', 1)).candidates[0]?.conceptId, 'mi', '"MI" shares no 3-gram with the terms of mi');
  const extra = await Linker.build(store, 'v', preset('lexical'), { cacheDir, extraTerms: [{ conceptId: 'mi', text: 'MI', lang: 'en' }, { conceptId: 'gone', text: 'x', lang: 'en' }] });
  assert.equal((await extra.link('MI', 1)).candidates[0]!.conceptId, 'mi');
  assert.equal(extra.terms, plain.terms + 1, 'the extra term of an unknown concept is ignored');

  const again = await Linker.build(store, 'v', preset('lexical'), { cacheDir });
  assert.equal(again.fromCache, true);
  assert.equal(plain.fromCache, false);
  assert.equal(readdirSync(join(cacheDir, 'v')).length, 3, 'one cache file per configuration: filtered, plain, with extra terms');
  for (const f of readdirSync(join(cacheDir, 'v'))) writeFileSync(join(cacheDir, 'v', f), 'garbage');
  const rebuilt = await Linker.build(store, 'v', preset('lexical'), { cacheDir });
  assert.equal(rebuilt.fromCache, false);
  assert.deepEqual((await rebuilt.link('heart attack', 3)), (await plain.link('heart attack', 3)));
});

test('evaluateLinker: NIL queries, gold outside the vocabulary, Success@k curve', async (t) => {
  const dir = tempDir(t);
  const { vocab } = files(dir);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  await importVocabulary(store, [vocab], { name: 'v' });
  const linker = await Linker.build(store, 'v', preset('lexical'));
  const report = await evaluateLinker(linker, [...QUERIES, { qid: 'q6', text: 'heart', gold: ['not-in-vocab'] }], { depth: 4, curveMax: 10 });
  assert.equal(report.n, 5);
  assert.equal(report.nil, 1);
  assert.equal(report.goldMissing, 1);
  assert.equal(report.successCurve.length, 4, 'the curve stops at the depth');
  assert.ok(report.successCurve.every((v, i) => i === 0 || v >= report.successCurve[i - 1]!), 'Success@k never decreases');
  assert.equal(report.successCurve[0], report.metrics['success@1']);
});

test('evaluateLinker scores the whole depth but keeps only the top candidates of each outcome', async (t) => {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  await importVocabulary(store, [join(import.meta.dirname, '..', 'data', 'demo', 'occupations.jsonl')], { name: 'occ' });
  const linker = await Linker.build(store, 'occ', preset('lexical'));
  const full = (await linker.link('nurse', 40)).candidates;
  assert.ok(full.length > KEPT_CANDIDATES + 5, `${full.length} candidates`);
  // A gold concept ranked below what an outcome keeps still counts in the metrics.
  const deep = full[KEPT_CANDIDATES + 3]!.conceptId;
  const report = await evaluateLinker(linker, [{ qid: 'q', text: 'nurse', gold: [deep] }], { depth: 40, metrics: ['success@20', 'mrr'] });
  const [o] = report.outcomes;
  assert.equal(o!.candidates.length, KEPT_CANDIDATES);
  assert.deepEqual(o!.candidates, full.slice(0, KEPT_CANDIDATES));
  assert.equal(o!.goldRank, KEPT_CANDIDATES + 4);
  assert.equal(report.metrics['success@20'], 1);
  assert.ok(Math.abs(report.metrics['mrr']! - 1 / (KEPT_CANDIDATES + 4)) < 1e-12);
});

test('ablations switch a stage off, and the ranking order is trec_eval\'s', () => {
  const full = preset('lexical');
  const off = ABLATIONS['normalize']!.apply(full)!;
  assert.equal(off.normalize.fold, 'lowercase');
  assert.equal(ABLATIONS['normalize']!.apply(off), undefined, 'already off: nothing to ablate');
  const ranked = [
    { id: 'a', score: 0.5 },
    { id: 'c', score: 0.9 },
    { id: 'b', score: 0.5 },
  ].sort(compareRanked);
  assert.deepEqual(ranked.map((r) => r.id), ['c', 'b', 'a']);
});

test('eval CLI errors: unknown preset, conflicting options, invalid pipeline file', (t) => {
  const dir = tempDir(t);
  const { vocab, queries } = files(dir);
  const bad = runCli(['eval', vocab, queries, '--preset', 'nope'], dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown preset "nope" \(known: lexical, jobs, medical, map, crosslingual, medical-crosslingual\)/);
  const both = runCli(['eval', vocab, queries, '--preset', 'lexical', '--pipeline', 'x.json'], dir);
  assert.equal(both.status, 2);
  const pipe = join(dir, 'pipe.json');
  writeFileSync(pipe, JSON.stringify({ name: 'mine', generators: [{ type: 'lexical', n: 9 }] }));
  const invalid = runCli(['eval', vocab, queries, '--pipeline', pipe], dir);
  assert.equal(invalid.status, 3);
  assert.match(invalid.stderr, /pipe\.json:1 \(field "generators\[0\]\.n"\)/);
  writeFileSync(pipe, JSON.stringify({ name: 'mine', normalize: { fold: 'lowercase' }, generators: [{ type: 'lexical', n: 4, bm25Weight: 0 }] }));
  const ok = runCli(['eval', vocab, queries, '--pipeline', pipe, '--json'], dir);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { n: number }).n, 4);
});
