/**
 * The self-trained encoder on real vocabularies (docs/trained-encoder.md):
 *
 *   tsx eval/trained-encoder.ts [heldout-esco] [heldout-mesh] [xling-esco] [xling-hpo]
 *
 * - heldout-*: a seeded 10% of concepts' alternative terms (ESCO English; MeSH diseases,
 *   tree C) is held out as test queries and never trained on; the encoder trains on the
 *   rest (its early-stopping validation is another seeded share of the rest). Success@1
 *   of the encoder alone (exact search over the training terms) against the char n-gram
 *   TF-IDF generator alone over the same terms.
 * - xling-esco: trained on ESCO en + fr, except the French labels of a seeded 10% of
 *   concepts; those concepts' French preferred labels are queried against the English
 *   terms only.
 * - xling-hpo: trained on HPO's English terms, with the translations of HPO's dev split as
 *   labeled pairs; the test split's translations (es, de, fr) are queried against the
 *   English terms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../src/core/random.js';
import { LexicalIndex } from '../src/lexical/lexical-index.js';
import { VocabStore } from '../src/store/store.js';
import { foldText } from '../src/core/fold.js';
import { successAt1, type TrainingConcept, type ValidationQuery } from '../src/encoders/trained/train.js';
import { splitVocabulary } from '../src/encoders/trained/vocabulary.js';
import { trainEncoder, type LabeledPair } from '../src/encoders/trained/train.js';
import { importVocabulary } from '../src/vocab/import.js';
import { LOADERS } from './loaders/index.js';
import { sharedDataDir } from './shared.js';

const shared = sharedDataDir();
if (!shared) {
  process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(0);
}
const which = process.argv.slice(2);
const want = (name: string): boolean => which.length === 0 || which.includes(name);
// Training settings (defaults: the train-encoder command's); override to compare on validation.
const SETTINGS = {
  epochs: Number(process.env['TRAIN_EPOCHS'] ?? 6),
  batchSize: Number(process.env['TRAIN_BATCH'] ?? 128),
  learningRate: Number(process.env['TRAIN_LR'] ?? 0.5),
  featurizer: { buckets: Number(process.env['TRAIN_BUCKETS'] ?? 1 << 16) },
};

const work = mkdtempSync(join(tmpdir(), 'normkit-trained-eval-'));
const store = VocabStore.open(join(work, 'v.db'));

function charTfidfSuccess(concepts: readonly TrainingConcept[], queries: readonly ValidationQuery[]): number {
  const lex = LexicalIndex.build(
    concepts.flatMap((c) => c.terms.map((t) => ({ conceptId: c.id, text: t, norm: foldText(t), lang: 'und' }))),
    { bm25Weight: 0 },
  );
  let hits = 0;
  for (const q of queries) if (lex.search(foldText(q.text), 1)[0]?.conceptId === q.conceptId) hits++;
  return hits / Math.max(1, queries.length);
}

async function report(name: string, concepts: TrainingConcept[], labeled: LabeledPair[], validation: ValidationQuery[], tests: Array<[string, ValidationQuery[]]>, index?: TrainingConcept[]): Promise<void> {
  const started = performance.now();
  const r = await trainEncoder(concepts, labeled, validation, {
    ...SETTINGS,
    onProgress: (p) => {
      if (p.step % 100 === 0) process.stderr.write(`  ${name}: step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} validation ${p.validation.toFixed(3)}\n`);
    },
  });
  const target = index ?? concepts;
  const terms = target.flatMap((c) => c.terms);
  const ids = target.flatMap((c) => c.terms.map(() => c.id));
  for (const [label, test] of tests) {
    const trained = await successAt1(r.model, terms, ids, test);
    const lexical = charTfidfSuccess(target, test);
    process.stdout.write(
      `| ${label} | ${test.length} | ${terms.length} | ${lexical.toFixed(4)} | ${trained.toFixed(4)} | ${((trained - lexical) * 100).toFixed(1)} | ${r.steps} (best ${r.bestStep}, validation ${r.validation.toFixed(4)}) | ${((performance.now() - started) / 1000).toFixed(0)} s |\n`,
    );
  }
}

/** Seeded 10% of concepts' alternative terms as test queries; the rest split for training and validation. */
function heldOut(vocabulary: string, options: { types?: string[]; langs?: string[] }): { concepts: TrainingConcept[]; validation: ValidationQuery[]; test: ValidationQuery[] } {
  const rand = seededRandom(2024);
  const test: ValidationQuery[] = [];
  const langs = options.langs ? new Set(options.langs) : undefined;
  for (const t of store.terms(vocabulary, options.types ? { types: options.types } : {})) {
    if (langs && !langs.has(t.lang)) continue;
    if (t.kind !== 'preferred' && rand() < 0.1) test.push({ text: t.text, conceptId: t.conceptId });
  }
  const { concepts, validation } = splitVocabulary(store, vocabulary, { ...options, exclude: test, seed: 1 });
  // A test term whose text is also another kept term of its concept is not held out.
  const kept = new Set(concepts.flatMap((c) => c.terms.map((t) => `${c.id}\u0000${foldText(t)}`)));
  return { concepts, validation, test: test.filter((q) => !kept.has(`${q.conceptId}\u0000${foldText(q.text)}`)) };
}

try {
  process.stdout.write('| experiment | queries | index terms | char TF-IDF S@1 | trained S@1 | Δ points | steps | time |\n|---|---:|---:|---:|---:|---:|---|---:|\n');
  if (want('heldout-esco')) {
    await importVocabulary(store, [join(shared, 'esco_occupations', 'occupations_en.jsonl')], { force: true, name: 'esco-en', format: 'esco', skipInvalid: true });
    const h = heldOut('esco-en', {});
    await report('esco', h.concepts, [], h.validation, [['held-out synonyms, ESCO en', h.test]]);
  }
  if (want('heldout-mesh')) {
    await importVocabulary(store, [join(shared, 'mesh', 'mesh2024_descriptors.jsonl')], { force: true, name: 'mesh', format: 'mesh', skipInvalid: true });
    const h = heldOut('mesh', { types: ['C'] });
    await report('mesh', h.concepts, [], h.validation, [['held-out synonyms, MeSH C', h.test]]);
  }
  if (want('xling-esco')) {
    await importVocabulary(store, [join(shared, 'esco_occupations', 'occupations_en.jsonl'), join(shared, 'esco_occupations', 'occupations_fr.jsonl')], { force: true, name: 'esco-enfr', format: 'esco', skipInvalid: true });
    const rand = seededRandom(77);
    const heldConcepts = new Set<string>();
    const all = [...store.terms('esco-enfr')];
    for (const id of new Set(all.map((t) => t.conceptId))) if (rand() < 0.1) heldConcepts.add(id);
    const test: ValidationQuery[] = all.filter((t) => t.lang === 'fr' && t.kind === 'preferred' && heldConcepts.has(t.conceptId)).map((t) => ({ text: t.text, conceptId: t.conceptId }));
    const excluded = all.filter((t) => t.lang === 'fr' && heldConcepts.has(t.conceptId)).map((t) => ({ text: t.text, conceptId: t.conceptId }));
    const { concepts, validation } = splitVocabulary(store, 'esco-enfr', { exclude: excluded, seed: 1 });
    const english = splitVocabulary(store, 'esco-enfr', { langs: ['en'], validationShare: 0, seed: 1 }).concepts;
    await report('esco en+fr', concepts, [], validation, [['cross-lingual, ESCO fr → en (trained on en + fr)', test]], english);
  }
  if (want('xling-hpo')) {
    const dev = await LOADERS['hpo-translations']!({ shared, params: { split: 'dev' } });
    const testRuns = await LOADERS['hpo-translations']!({ shared, params: { split: 'test' } });
    const spec = dev.runs[0]!.vocabulary;
    if ('concepts' in spec) throw new Error('expected HPO files');
    await importVocabulary(store, spec.files, { force: true, name: 'hpo', format: spec.format, skipInvalid: true });
    const labeled: LabeledPair[] = dev.runs.flatMap((r) => r.queries.map((q) => ({ text: q.text, conceptId: q.gold[0]! })));
    const { concepts, validation } = splitVocabulary(store, 'hpo', { seed: 1 });
    const english = concepts;
    const tests: Array<[string, ValidationQuery[]]> = ['es', 'de', 'fr'].map((lang) => {
      const run = testRuns.runs.find((r) => r.name === lang)!;
      return [`cross-lingual, HPO ${lang} → en (dev translations as pairs)`, run.queries.filter((q) => q.lang === lang).map((q) => ({ text: q.text, conceptId: q.gold[0]! }))];
    });
    await report('hpo', concepts, labeled, validation, tests, english);
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
