import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bankNormalizer, correctScores, kOccurrence, logAddExp, skewness, type BankHits, type HubnessParams } from '../src/hubness/dbnorm.js';
import { correctionOf, diagnoseHubness, sampleTermQueries, tuneHubness, withHubness } from '../src/tuning/hubness.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';

// A gallery of 3 items and a bank of 2 items whose every similarity is known, with hits
// fetched deeper than the gallery (no tail): the bank sums are exact.
//            g0    g1    g2
//   b0      0.9   0.8   0.1
//   b1      0.2   0.85  0.3
const BANK: BankHits[] = [
  { items: [0, 1, 2], scores: [0.9, 0.8, 0.1] },
  { items: [1, 2, 0], scores: [0.85, 0.3, 0.2] },
];
const sims = [
  [0.9, 0.8, 0.1],
  [0.2, 0.85, 0.3],
];

function params(method: HubnessParams['method'], beta1 = 2, beta2 = 3): HubnessParams {
  return { method, beta1, beta2, activationK: 1 };
}

test('bank sums: log Z(g) = log Σ_b exp(β s(b, g)), computed by hand', () => {
  const n = bankNormalizer(BANK, 3, 2, 1, 10);
  for (let g = 0; g < 3; g++) {
    const expected = Math.log(Math.exp(2 * sims[0]![g]!) + Math.exp(2 * sims[1]![g]!));
    assert.ok(Math.abs(n.logZ[g]! - expected) < 1e-12, `g${g}: ${n.logZ[g]} vs ${expected}`);
  }
  // Activation set with k = 1: each bank item's top-1 (b0 → g0, b1 → g1).
  assert.deepEqual([...n.active], [1, 1, 0]);
  assert.deepEqual([...bankNormalizer(BANK, 3, 2, 2, 10).active], [1, 1, 1]);
});

test('IS: exp(β₁ s) / Z_Q(g), ranked as its logarithm', () => {
  const q = bankNormalizer(BANK, 3, 2, 1, 10);
  // Query similarities: g0 0.7, g1 0.72, g2 0.4. g1 is near both bank items (a hub).
  const cands = [
    { item: 0, score: 0.7 },
    { item: 1, score: 0.72 },
    { item: 2, score: 0.4 },
  ];
  const out = correctScores(cands, params('is'), { query: q });
  const byHand = cands.map((c) => ({ item: c.item, v: Math.exp(2 * c.score) / (Math.exp(2 * sims[0]![c.item]!) + Math.exp(2 * sims[1]![c.item]!)) }));
  byHand.sort((a, b) => b.v - a.v);
  assert.deepEqual(
    out.map((o) => o.item),
    byHand.map((b) => b.item),
  );
  for (const o of out) assert.ok(Math.abs(Math.exp(o.score) - byHand.find((b) => b.item === o.item)!.v) < 1e-12);
  // Uncorrected, g1 would have been first.
  assert.equal(correctScores(cands, params('none'), { query: q })[0]!.item, 1);
});

test('DIS: corrects only when the query top-1 is in the activation set', () => {
  const q = bankNormalizer(BANK, 3, 2, 1, 10);
  const active = [
    { item: 1, score: 0.72 },
    { item: 0, score: 0.7 },
  ];
  assert.deepEqual(
    correctScores(active, params('dis'), { query: q }).map((o) => o.item),
    correctScores(active, params('is'), { query: q }).map((o) => o.item),
  );
  // Top-1 g2 is in no bank item's top-1: scores keep their order (β₁ s).
  const inactive = [
    { item: 2, score: 0.75 },
    { item: 1, score: 0.74 },
  ];
  const out = correctScores(inactive, params('dis'), { query: q });
  assert.deepEqual(
    out.map((o) => o.item),
    [2, 1],
  );
  assert.ok(Math.abs(out[0]!.score - 2 * 0.75) < 1e-12);
});

test('DualIS and DualDIS: the product of the query-bank and gallery-bank factors', () => {
  const q = bankNormalizer(BANK, 3, 2, 1, 10);
  // Gallery bank: each gallery item's similarities to the other gallery items (self left out).
  const gg = [
    [1, 0.5, 0.2],
    [0.5, 1, 0.6],
    [0.2, 0.6, 1],
  ];
  const galleryHits: BankHits[] = [0, 1, 2].map((h) => ({ items: [0, 1, 2].filter((g) => g !== h), scores: [0, 1, 2].filter((g) => g !== h).map((g) => gg[h]![g]!) }));
  const g = bankNormalizer(galleryHits, 3, 3, 1, 10);
  const zG = (item: number): number => [0, 1, 2].filter((h) => h !== item).reduce((a, h) => a + Math.exp(3 * gg[h]![item]!), 0);
  const zQ = (item: number): number => Math.exp(2 * sims[0]![item]!) + Math.exp(2 * sims[1]![item]!);
  const cands = [
    { item: 0, score: 0.6 },
    { item: 1, score: 0.65 },
    { item: 2, score: 0.55 },
  ];
  const out = correctScores(cands, params('dualis'), { query: q, gallery: g });
  for (const o of out) {
    const s = cands.find((c) => c.item === o.item)!.score;
    const byHand = ((Math.exp(2 * s) / zQ(o.item)) * Math.exp(3 * s)) / zG(o.item);
    assert.ok(Math.abs(Math.exp(o.score) - byHand) < 1e-12, `item ${o.item}`);
  }
  // DualDIS: top-1 g1 is active in the query bank (b1's top-1) and in the gallery bank
  // (g0's and g2's nearest other item), so both factors apply: the same as DualIS.
  assert.deepEqual(
    correctScores(cands, params('dualdis'), { query: q, gallery: g }).map((o) => o.item),
    out.map((o) => o.item),
  );
  // An empty gallery bank leaves DualIS equal to IS.
  const empty = bankNormalizer([], 3, 3, 1, 10);
  const isOnly = correctScores(cands, params('is'), { query: q });
  assert.deepEqual(
    correctScores(cands, params('dualis'), { query: q, gallery: empty }).map((o) => o.item),
    isOnly.map((o) => o.item),
  );
});

test('numerically stable for β up to 100: no overflow, same order as a float64 hand computation in log space', () => {
  const q = bankNormalizer(BANK, 3, 100, 1, 10);
  for (const z of q.logZ) assert.ok(Number.isFinite(z));
  const cands = [
    { item: 0, score: 0.99 },
    { item: 1, score: 0.98 },
    { item: 2, score: 0.3 },
  ];
  const out = correctScores(cands, params('dualis', 100, 100), { query: q, gallery: bankNormalizer(BANK, 3, 100, 1, 10) });
  for (const o of out) assert.ok(Number.isFinite(o.score));
  // exp(100·0.99) alone overflows nothing here, but exp(100·0.9)·… would lose precision in
  // a direct ratio; the log form gives 200 s − 2 log Z exactly.
  const lse = (a: number, b: number): number => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
  for (const o of out) {
    const s = cands.find((c) => c.item === o.item)!.score;
    const logZ = lse(100 * sims[0]![o.item]!, 100 * sims[1]![o.item]!);
    assert.ok(Math.abs(o.score - (200 * s - 2 * logZ)) < 1e-9);
  }
  assert.equal(logAddExp(1000, 1000), 1000 + Math.log(2));
  assert.equal(logAddExp(Number.NEGATIVE_INFINITY, 5), 5);
});

test('an empty bank leaves scores uncorrected; a bank larger than the gallery works', () => {
  const empty = bankNormalizer([], 3, 20, 1, 10);
  assert.equal(empty.size, 0);
  const cands = [
    { item: 2, score: 0.5 },
    { item: 0, score: 0.9 },
  ];
  for (const m of ['is', 'dis', 'dualis', 'dualdis'] as const) {
    assert.deepEqual(
      correctScores(cands, params(m), { query: empty, gallery: empty }).map((o) => o.item),
      [0, 2],
    );
  }
  // 500 bank items over a gallery of 3; all hits on g0 make it the hub.
  const big: BankHits[] = Array.from({ length: 500 }, (_, i) => ({ items: [0, 1], scores: [0.9, 0.1 + (i % 7) / 100] }));
  const n = bankNormalizer(big, 3, 20, 1, 2);
  assert.equal(n.size, 500);
  for (const z of n.logZ) assert.ok(Number.isFinite(z));
  assert.ok(n.logZ[0]! > n.logZ[1]!);
  // g2 was in no top-2: only the tail counts for it (500 items at the median 2nd score).
  assert.ok(Math.abs(n.logZ[2]! - (Math.log(500) + 20 * n.tail)) < 1e-9);
  const out = correctScores(
    [
      { item: 0, score: 0.8 },
      { item: 2, score: 0.75 },
    ],
    params('is', 20),
    { query: n },
  );
  assert.equal(out[0]!.item, 2, 'the hub g0 drops below g2');
  assert.throws(() => bankNormalizer(big, 3, 0, 1, 2), /β must be a positive number/);
  assert.throws(() => bankNormalizer([{ items: [7], scores: [1] }], 3, 1, 1, 1), /outside the gallery/);
});

test('N_k skewness: scipy.stats.skew values for small cases, top-1% share', () => {
  assert.equal(skewness([1, 1, 1]), 0);
  // scipy.stats.skew([0, 0, 0, 3]) = 1.1547005383792515
  assert.ok(Math.abs(skewness([0, 0, 0, 3]) - 1.1547005383792515) < 1e-12);
  const k = kOccurrence([[0, 1], [0, 2], [0, 1]], 4);
  assert.deepEqual([...k.counts], [3, 2, 1, 0]);
  assert.equal(k.topShare, 3 / 6);
});

function demoStore(): { store: VocabStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-hub-'));
  return { store: VocabStore.open(join(dir, 'store.db')), dir };
}

test('the linker applies the correction over K′ terms, explains it, caches bank hits; tuning and diagnostics run', async () => {
  const { store, dir } = demoStore();
  await importVocabulary(store, [join(import.meta.dirname, '..', 'data', 'demo', 'occupations.jsonl')], { name: 'occ' });
  const base = preset('jobs');
  const cfg = { ...base, hubness: { ...base.hubness, method: 'dualis' as const, bankSize: 400 } };
  const linker = await Linker.build(store, 'occ', cfg, { cacheDir: join(dir, 'idx') });
  const r = (await linker.link('senior nurse', 5));
  assert.equal(r.candidates.length, 5);
  assert.ok(r.candidates.every((c) => c.hubness?.method === 'dualis' && typeof c.hubness.before === 'number'));
  for (let i = 1; i < r.candidates.length; i++) assert.ok(r.candidates[i - 1]!.score >= r.candidates[i]!.score);
  assert.equal(correctionOf(linker)?.querySource, 'synthetic');
  // A second build reads the bank hits from the cache and gives the same answer.
  const again = await Linker.build(store, 'occ', cfg, { cacheDir: join(dir, 'idx') });
  assert.deepEqual(
    (await again.link('senior nurse', 5)).candidates.map((c) => c.conceptId),
    r.candidates.map((c) => c.conceptId),
  );
  // withHubness('none') is the plain linker.
  const plain = await Linker.build(store, 'occ', { ...base, hubness: { ...base.hubness, method: 'none' } });
  assert.deepEqual(
    (await withHubness(linker, { ...cfg.hubness, method: 'none' }).link('senior nurse', 5)).candidates.map((c) => c.conceptId),
    (await plain.link('senior nurse', 5)).candidates.map((c) => c.conceptId),
  );
  // A given query bank is used instead of synthetic queries.
  const given = await Linker.build(store, 'occ', cfg, { queryBank: [{ text: 'RN', conceptIds: ['registered-nurse'] }] });
  assert.equal(correctionOf(given)?.querySource, 'given');
  assert.equal(correctionOf(given)?.banks.query?.size, 1);

  const queries = sampleTermQueries(linker, 150);
  const d = await diagnoseHubness(linker, queries, { querySource: 'test', nameOf: () => undefined });
  assert.equal(d.before.method, 'none');
  assert.equal(d.after.method, 'dualis');
  const slots = (s: typeof d.before): number => s.distribution.reduce((a, [occ, n]) => a + occ * n, 0);
  assert.equal(slots(d.before), 150 * 10);
  assert.equal(d.before.distribution.reduce((a, [, n]) => a + n, 0), linker.concepts);

  const dev = queries.slice(0, 60).map((q) => ({ ...q, gold: [linker.index.terms.find((t) => t.text === q.text)!.conceptId] }));
  const tuned = await tuneHubness(linker, dev, { betas: [5, 20] });
  assert.equal(tuned.perMethod.length, 5);
  const none = tuned.perMethod.find((t) => t.config.method === 'none')!;
  assert.ok(tuned.chosen.successAt1 >= none.successAt1, 'a correction is chosen only when it beats none');
  store.close();
});

test('CLI: link --hubness, eval --hubness, index stats and tune-hubness write a valid pipeline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-hubcli-'));
  const vocab = join(import.meta.dirname, '..', 'data', 'demo', 'occupations.jsonl');
  assert.equal(runCli(['vocab', 'import', vocab, '--name', 'occ'], dir).status, 0);
  const link = runCli(['link', 'occ', 'head nurse', '--preset', 'jobs', '--hubness', 'dis', '--json'], dir);
  assert.equal(link.status, 0, link.stderr);
  const lr = JSON.parse(link.stdout) as { candidates: Array<{ hubness?: { method: string } }> };
  assert.equal(lr.candidates[0]!.hubness?.method, 'dis');
  const bad = runCli(['link', 'occ', 'nurse', '--hubness', 'bogus'], dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--hubness.*bogus|bogus.*Allowed choices/s);

  const queries = join(dir, 'dev.jsonl');
  writeFileSync(
    queries,
    [
      { qid: '1', text: 'staff nurse', gold: ['registered-nurse'] },
      { qid: '2', text: 'java developer', gold: ['backend-developer'] },
      { qid: '3', text: 'truck driver long haul', gold: ['truck-driver'] },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
  const ev = runCli(['eval', 'occ', queries, '--preset', 'jobs', '--hubness', 'dualdis', '--json'], dir);
  assert.equal(ev.status, 0, ev.stderr);
  assert.ok(Number.isFinite((JSON.parse(ev.stdout) as { n10_skewness: number }).n10_skewness));

  const stats = runCli(['index', 'stats', '--vocab', 'occ', '--preset', 'jobs', '--sample', '100', '--json'], dir);
  assert.equal(stats.status, 0, stats.stderr);
  const s = JSON.parse(stats.stdout) as { before: { skewness: number; hubs: unknown[] }; after: { method: string } };
  assert.equal(s.after.method, 'is', "the jobs preset's correction");
  assert.equal(s.before.hubs.length, 10);

  const out = join(dir, 'tuned.json');
  const tune = runCli(['index', 'tune-hubness', '--vocab', 'occ', '--queries', queries, '--preset', 'jobs', '--out', out], dir);
  assert.equal(tune.status, 0, tune.stderr);
  assert.match(tune.stdout, /chosen: /);
  const tuned = JSON.parse(readFileSync(out, 'utf8')) as { hubness: { method: string } };
  assert.ok(['none', 'is', 'dis', 'dualis', 'dualdis'].includes(tuned.hubness.method));
  const reuse = runCli(['link', 'occ', 'staff nurse', '--pipeline', out, '--json'], dir);
  assert.equal(reuse.status, 0, reuse.stderr);
});
