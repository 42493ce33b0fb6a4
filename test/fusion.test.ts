import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NgramHashEncoder } from '../src/encoders/ngram-hash.js';
import { InputError } from '../src/core/errors.js';
import { loadPipeline, parsePipeline, type PipelineInput } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { ABLATIONS } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { conceptTextOf } from '../src/pipeline/stages/rerank.js';

const OCCUPATIONS = join(import.meta.dirname, '..', 'data', 'demo', 'occupations.jsonl');

async function occupations(): Promise<{ store: VocabStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-fusion-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  await importVocabulary(store, [OCCUPATIONS], { name: 'occ' });
  return { store, dir };
}

function pipeline(extra: Partial<PipelineInput> = {}): ReturnType<typeof parsePipeline> {
  return parsePipeline({
    name: 'fused',
    generators: [
      { type: 'lexical', bm25Weight: 0 },
      { type: 'dense', model: 'ngram-hash', k: 50 },
    ],
    fusion: { method: 'weighted', weights: [0.3, 0.7] },
    ...extra,
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

test('pipeline config: one lexical generator first, then dense ones; fusion weights per generator, errors name the field', () => {
  assert.throws(() => parsePipeline({ name: 'x', generators: [{ type: 'dense' }] }), (err: unknown) => err instanceof InputError && /generators\[0\]/.test(err.message));
  assert.throws(
    () => parsePipeline({ name: 'x', generators: [{ type: 'lexical' }, { type: 'dense' }], fusion: { weights: [1] } }),
    (err: unknown) => err instanceof InputError && err.problems[0]!.field === 'fusion.weights' && /1 weights for 2 generators/.test(err.message),
  );
  assert.throws(
    () => parsePipeline({ name: 'x', generators: [{ type: 'lexical', commonGrams: 0 }] }),
    (err: unknown) => err instanceof InputError && err.problems[0]!.field === 'generators[0].commonGrams',
  );
  const p = parsePipeline({ name: 'x', generators: [{ type: 'lexical' }, { type: 'dense' }] });
  assert.equal(p.generators[1]!.type === 'dense' && p.generators[1]!.model, 'trained');
  assert.equal(p.generators[0].commonGrams, undefined, 'every gram searched unless asked');
  assert.equal(p.fusion.method, 'weighted');
  // The ablation removes the dense generators and their weights.
  const lexicalOnly = ABLATIONS['dense']!.apply(pipeline())!;
  assert.equal(lexicalOnly.generators.length, 1);
  assert.equal(lexicalOnly.fusion.weights, undefined);
  assert.equal(ABLATIONS['dense']!.apply(lexicalOnly), undefined);
});

test('weighted fusion: every candidate carries each generator exact score and rank; the fused score is their weighted sum', async () => {
  const { store, dir } = await occupations();
  const cacheDir = join(dir, 'idx');
  const linker = await Linker.build(store, 'occ', pipeline(), { cacheDir });
  const lexical = await Linker.build(store, 'occ', parsePipeline({ name: 'lex', generators: [{ type: 'lexical', bm25Weight: 0 }] }));
  const encoder = new NgramHashEncoder();
  const query = 'nurse for the night shift';
  const [qv] = await encoder.embed([query]);
  const r = await linker.link(query, 8);
  assert.equal(r.candidates.length, 8);
  const [a, b] = linker.config.fusion.weights!;
  for (const c of r.candidates) {
    assert.equal(c.generator, 'fusion');
    const [lex, dense] = c.generators!;
    assert.equal(lex!.generator, 'lexical');
    assert.equal(dense!.generator, 'dense:ngram-hash');
    assert.ok(Math.abs(c.score - (a! * lex!.score + b! * dense!.score)) < 1e-9, `${c.conceptId}: fused ${c.score}`);
    // The dense score is the encoder's cosine of the query and the matched term, whether or not HNSW returned it.
    const [tv] = await encoder.embed([c.term.text]);
    assert.ok(Math.abs(dense!.score - dot(qv!, tv!)) < 1e-5, `${c.term.text}: dense ${dense!.score} vs ${dot(qv!, tv!)}`);
    // The lexical score is the lexical generator's own score for that term.
    const own = lexical.index.searchTerms(r.normalized, lexical.index.size).find((h) => lexical.index.terms[h.term]!.text === c.term.text && lexical.index.terms[h.term]!.conceptId === c.conceptId);
    assert.ok(Math.abs(lex!.score - (own?.score ?? 0)) < 1e-9, `${c.term.text}: lexical ${lex!.score} vs ${own?.score}`);
    for (const g of [lex!, dense!]) assert.ok(g.rank === null || (Number.isInteger(g.rank) && g.rank >= 1));
  }
  for (let i = 1; i < r.candidates.length; i++) assert.ok(r.candidates[i - 1]!.score >= r.candidates[i]!.score);
  assert.equal(new Set(r.candidates.map((c) => c.conceptId)).size, r.candidates.length, 'one row per concept');

  // The term vectors and the HNSW graph are cached; a second build reads them and answers the same.
  const files = readdirSync(join(cacheDir, 'occ'));
  assert.ok(files.some((f) => /^dense-.*\.vec$/.test(f)) && files.some((f) => /^dense-.*\.hnsw$/.test(f)), files.join(', '));
  const again = await Linker.build(store, 'occ', pipeline(), { cacheDir });
  assert.equal(again.fromCache, true);
  assert.deepEqual((await again.link(query, 8)).candidates, r.candidates);
  // Batched linking gives what one-by-one linking gives.
  const many = await linker.linkMany([{ text: query }, { text: 'forklift driver' }], 8);
  assert.deepEqual(many[0]!.candidates, r.candidates);
  assert.deepEqual(many[1]!.candidates, (await linker.link('forklift driver', 8)).candidates);
  await linker.close();
  await again.close();
  store.close();
});

test('reciprocal-rank fusion scores Σ w / (rrfK + rank) over the generators that returned the term', async () => {
  const { store } = await occupations();
  const linker = await Linker.build(store, 'occ', pipeline({ fusion: { method: 'rrf', weights: [1, 2], rrfK: 10 } }));
  const r = await linker.link('registered nurse', 5);
  for (const c of r.candidates) {
    const expected = c.generators!.reduce((s, g, i) => s + (g.rank === null ? 0 : [1, 2][i]! / (10 + g.rank)), 0);
    assert.ok(Math.abs(c.score - expected) < 1e-12, `${c.conceptId}: ${c.score} vs ${expected}`);
  }
  assert.equal(r.candidates[0]!.conceptId, 'registered-nurse');
  await linker.close();
  store.close();
});

test('model "trained": the encoder is trained on the vocabulary once, cached by what it learned from, and fused with the hubness correction', async () => {
  const { store, dir } = await occupations();
  const cacheDir = join(dir, 'idx');
  const config = parsePipeline({
    name: 'trained',
    generators: [{ type: 'lexical' }, { type: 'dense', model: 'trained', training: { epochs: 2, dim: 32 } }],
    hubness: { method: 'is', beta1: 2, bankSize: 200 },
  });
  const linker = await Linker.build(store, 'occ', config, { cacheDir });
  const encoders = readdirSync(join(cacheDir, 'encoders'));
  assert.equal(encoders.length, 1);
  const metadata = JSON.parse(readFileSync(join(cacheDir, 'encoders', encoders[0]!, 'normkit-encoder.json'), 'utf8')) as { vocabulary: { name: string }; dim: number };
  assert.equal(metadata.vocabulary.name, 'occ');
  assert.equal(metadata.dim, 32);
  const r = await linker.link('infirmière de nuit', 3);
  assert.ok(r.candidates.every((c) => c.hubness?.method === 'is' && c.generators?.length === 2));
  // Built again: nothing is retrained (the model folder is untouched) and the answer is the same.
  const mtime = statSync(join(cacheDir, 'encoders', encoders[0]!, 'normkit-encoder.json')).mtimeMs;
  const again = await Linker.build(store, 'occ', config, { cacheDir });
  assert.equal(statSync(join(cacheDir, 'encoders', encoders[0]!, 'normkit-encoder.json')).mtimeMs, mtime);
  assert.deepEqual((await again.link('infirmière de nuit', 3)).candidates, r.candidates);
  // Labeled pairs (extra terms) are training data too: another encoder.
  const labeled = await Linker.build(store, 'occ', config, { cacheDir, extraTerms: [{ conceptId: 'registered-nurse', text: 'night nurse', lang: 'en' }] });
  assert.equal(readdirSync(join(cacheDir, 'encoders')).length, 2);
  assert.ok(existsSync(join(cacheDir, 'encoders')));
  for (const l of [linker, again, labeled]) await l.close();
  store.close();
});

test('CLI: build trains and caches what the jobs preset needs, then reuses it; link shows each generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-buildcli-'));
  assert.equal(runCli(['vocab', 'import', OCCUPATIONS, '--name', 'occ'], dir).status, 0);
  const first = runCli(['build', '--vocab', 'occ', '--preset', 'jobs', '--json'], dir);
  assert.equal(first.status, 0, first.stderr);
  const a = JSON.parse(first.stdout) as { fromCache: boolean; generators: Array<{ generator: string; fromCache?: boolean }>; terms: number };
  assert.equal(a.fromCache, false);
  assert.deepEqual(a.generators.map((g) => g.generator), ['lexical', 'dense:trained']);
  assert.ok(existsSync(join(dir, 'indexes', 'encoders')));
  const second = JSON.parse(runCli(['build', '--vocab', 'occ', '--preset', 'jobs', '--json'], dir).stdout) as typeof a;
  assert.equal(second.fromCache, true);
  assert.equal(second.generators[1]!.fromCache, true);
  const link = runCli(['link', 'occ', 'infirmière', '--preset', 'jobs', '--k', '3'], dir);
  assert.equal(link.status, 0, link.stderr);
  assert.match(link.stdout, /lexical\s+dense:trained\s+generator/);
  assert.match(link.stdout, /registered-nurse/);
  const missing = runCli(['build', '--vocab', 'nope', '--preset', 'jobs'], dir);
  assert.equal(missing.status, 4, missing.stderr);
});

test('pipeline files may be YAML or JSON; errors give the file, line and field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-pipe-'));
  const good = join(dir, 'p.yaml');
  writeFileSync(good, 'name: fused\ngenerators:\n  - type: lexical\n  - type: dense\n    model: ngram-hash\nfusion:\n  method: rrf\n');
  const p = await loadPipeline(good);
  assert.equal(p.fusion.method, 'rrf');
  assert.equal(p.generators.length, 2);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: x\ngenerators:\n  - type: lexical\n    k: -3\n');
  await assert.rejects(loadPipeline(bad), (err: unknown) => err instanceof InputError && err.problems[0]!.line === 4 && err.problems[0]!.field === 'generators[0].k' && err.problems[0]!.file === bad);
  const weights = join(dir, 'w.json');
  writeFileSync(weights, JSON.stringify({ name: 'x', generators: [{ type: 'lexical' }], fusion: { weights: [0.5, 0.5] } }, null, 2));
  await assert.rejects(loadPipeline(weights), (err: unknown) => err instanceof InputError && err.problems[0]!.field === 'fusion.weights' && typeof err.problems[0]!.line === 'number');
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"name": "x", "generators": [');
  await assert.rejects(loadPipeline(broken), (err: unknown) => err instanceof InputError && err.problems[0]!.reason === 'malformed-pipeline');
});

test('CLI: link --input links every line (JSONL fields kept, plain text, stdin), writes results incrementally and resumes after an interruption', async () => {
  const { spawnSync } = await import('node:child_process');
  const { ROOT } = await import('./helpers/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'normkit-linkfile-'));
  const CONDITIONS = join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl');
  assert.equal(runCli(['vocab', 'import', CONDITIONS, '--name', 'cond'], dir).status, 0);
  const texts = ['heart attack', 'high blood pressure', 'broken hip', 'diarrhoea', 'T2DM', 'asthma attack'];
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, texts.map((t, i) => JSON.stringify({ id: `q${i}`, text: t })).join('\n') + '\n');
  const full = join(dir, 'full.jsonl');
  const r = runCli(['link', 'cond', '--input', input, '--output', full, '--preset', 'medical', '--k', '3'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(full, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; candidates: Array<{ conceptId: string }> });
  assert.deepEqual(rows.map((x) => x.id), texts.map((_, i) => `q${i}`));
  assert.deepEqual(rows.map((x) => x.text), texts);
  assert.equal(rows[0]!.candidates[0]!.conceptId, 'I21.9');
  assert.ok(rows.every((x) => x.candidates.length <= 3));

  // An interrupted run: two complete results and half of the third.
  const lines = readFileSync(full, 'utf8').split('\n');
  const partial = join(dir, 'partial.jsonl');
  writeFileSync(partial, `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 20)}`);
  const resumed = runCli(['link', 'cond', '--input', input, '--output', partial, '--resume', '--preset', 'medical', '--k', '3'], dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /linked 4 texts .*\(2 already done\)/);
  assert.equal(readFileSync(partial, 'utf8'), readFileSync(full, 'utf8'));

  // Plain text on stdin, results on stdout.
  const piped = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli.ts'), '--data-dir', dir, 'link', 'cond', '--input', '-', '--preset', 'medical', '--k', '1'], {
    cwd: ROOT,
    encoding: 'utf8',
    input: 'heart attack\n\nbroken hip\n',
    env: { ...process.env, NORMKIT_HOME: '' },
  });
  assert.equal(piped.status, 0, piped.stderr);
  const out = piped.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; candidates: Array<{ conceptId: string }> });
  assert.deepEqual(out.map((x) => x.text), ['heart attack', 'broken hip']);
  assert.equal(out[1]!.candidates[0]!.conceptId, 'S72.009A');

  // Bad lines: located; skipped with --skip-invalid; text and --input are exclusive.
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"text": "heart attack"}\n{"txt": "oops"}\nnot json\n');
  const failed = runCli(['link', 'cond', '--input', bad, '--preset', 'medical'], dir);
  assert.equal(failed.status, 3);
  assert.match(failed.stderr, /bad\.jsonl:2 \(field "text"\)/);
  const skipped = runCli(['link', 'cond', '--input', bad, '--skip-invalid', '--output', join(dir, 'skipped.jsonl'), '--preset', 'medical'], dir);
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.match(skipped.stderr, /linked 1 texts.*skipped 2 bad lines/s);
  assert.equal(runCli(['link', 'cond', 'heart', '--input', bad], dir).status, 2);
  assert.equal(runCli(['link', 'cond', '--input', bad, '--resume'], dir).status, 3);
});

test('rerank stage: a cross-encoder re-scores the top candidates (mention against name and synonyms), blended by weight, explained', async () => {
  const { writeTinyBert } = await import('./helpers/tiny-bert.js');
  const { CrossEncoder } = await import('../src/encoders/onnx/cross-encoder.js');
  const { store, dir } = await occupations();
  const model = writeTinyBert(join(dir, 'cross'), { kind: 'cross-encoder' });
  const base = { name: 'r', generators: [{ type: 'lexical' as const }] };
  const plain = await Linker.build(store, 'occ', parsePipeline(base));
  const reranked = await Linker.build(store, 'occ', parsePipeline({ ...base, rerank: { type: 'cross-encoder', model, top: 5, synonyms: 2 } }));
  const before = await plain.link('night nurse', 8);
  const after = await reranked.link('night nurse', 8);
  // The top 5 are the same concepts, re-ordered by the cross-encoder; the rest keep their order.
  assert.deepEqual(new Set(after.candidates.slice(0, 5).map((c) => c.conceptId)), new Set(before.candidates.slice(0, 5).map((c) => c.conceptId)));
  assert.deepEqual(after.candidates.slice(5).map((c) => c.conceptId), before.candidates.slice(5).map((c) => c.conceptId));
  const cross = await CrossEncoder.load(model);
  for (const c of after.candidates.slice(0, 5)) {
    assert.equal(c.rerank!.model, model);
    assert.ok(Math.abs(c.score - 1 / (1 + Math.exp(-c.rerank!.score))) < 1e-6, 'weight 1: the cross-encoder probability');
    const prior = before.candidates.find((b) => b.conceptId === c.conceptId)!;
    assert.ok(Math.abs(c.rerank!.before - prior.score) < 1e-12);
  }
  for (let i = 1; i < 5; i++) assert.ok(after.candidates[i - 1]!.score >= after.candidates[i]!.score);
  // The logit is the model's score of (mention, "name; synonym; synonym").
  const top = after.candidates[0]!;
  const concept = store.concept('occ', top.conceptId);
  const [expected] = await cross.scorePairs([['night nurse', conceptTextOf(reranked.index, 2)(top)]]);
  assert.ok(Math.abs(top.rerank!.score - expected!) < 1e-5);
  assert.ok((conceptTextOf(reranked.index, 2)(top)).startsWith(concept.name));
  // weight 0: the order of the similarities, the reranker only explains.
  const blended = await Linker.build(store, 'occ', parsePipeline({ ...base, rerank: { type: 'cross-encoder', model, top: 5, weight: 0 } }));
  assert.deepEqual((await blended.link('night nurse', 5)).candidates.map((c) => c.conceptId), before.candidates.slice(0, 5).map((c) => c.conceptId));
  await cross.close();
  for (const l of [plain, reranked, blended]) await l.close();
  store.close();
});

test('normalize.raw: with also both generators search the title as written; with dense only the dense generator does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-raw-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  const file = join(dir, 'jobs.jsonl');
  writeFileSync(file, `${JSON.stringify({ id: 'ja', name: 'junior accountant' })}\n${JSON.stringify({ id: 'acc', name: 'accountant' })}\n${JSON.stringify({ id: 'nurse', name: 'nurse' })}\n`);
  await importVocabulary(store, [file], { name: 'jobs', format: 'jsonl' });
  const lexicalOnly = (raw: 'also' | 'dense') => parsePipeline({ name: 'l', normalize: { pack: 'jobs', raw }, generators: [{ type: 'lexical', bm25Weight: 0 }] });
  const fused = (raw: 'also' | 'dense') => pipeline({ normalize: { pack: 'jobs', raw } });
  const top = async (config: ReturnType<typeof parsePipeline>) => (await (await Linker.build(store, 'jobs', config)).link('Junior Accountant', 3)).candidates;
  // The pack drops the seniority: the normalized title is "accountant".
  assert.equal((await top(lexicalOnly('also')))[0]!.conceptId, 'ja');
  assert.equal((await top(lexicalOnly('dense')))[0]!.conceptId, 'acc');
  const lexicalOf = (cs: Awaited<ReturnType<typeof top>>, id: string) => cs.find((c) => c.conceptId === id)!.generators!.find((g) => g.generator === 'lexical')!.score;
  const denseOf = (cs: Awaited<ReturnType<typeof top>>, id: string) => cs.find((c) => c.conceptId === id)!.generators!.find((g) => g.generator !== 'lexical')!.score;
  const also = await top(fused('also'));
  const dense = await top(fused('dense'));
  // "junior accountant" is a perfect lexical match of the title as written only.
  assert.ok(lexicalOf(also, 'ja') > 0.999);
  assert.ok(lexicalOf(dense, 'ja') < 0.99);
  // The encoder sees the title as written either way.
  assert.ok(Math.abs(denseOf(also, 'ja') - denseOf(dense, 'ja')) < 1e-9);
  assert.ok(denseOf(dense, 'ja') > 0.999);
  store.close();
});
