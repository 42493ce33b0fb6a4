import { VocabStore } from './src/store/store.js';
import { importVocabulary } from './src/vocab/import.js';
import { trainEncoder, successAt1 } from './src/trained/train.js';
import { LexicalIndex } from './src/lexical/index.js';
import { foldText } from './src/text/fold.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { sampleIndices, mulberry32 } from './src/hubness/banks.js';
const work = mkdtempSync('/tmp/tr-');
const store = VocabStore.open(join(work, 'b.db'));
await importVocabulary(store, ['/work/shared/data/esco_occupations/occupations_en.jsonl'], { name: 'esco', format: 'esco', skipInvalid: true });
const byC = new Map<string, {pref: string[], alt: string[]}>();
for (const t of store.terms('esco')) { const e = byC.get(t.conceptId) ?? {pref: [], alt: []}; (t.kind === 'preferred' ? e.pref : e.alt).push(t.text); byC.set(t.conceptId, e); }
const rand = mulberry32(42);
const train: {id: string, terms: string[]}[] = []; const test: {text: string, conceptId: string}[] = []; const val: {text: string, conceptId: string}[] = [];
for (const [id, e] of byC) { const terms = [...e.pref]; for (const a of e.alt) { const r = rand(); if (r < 0.1) test.push({text: a, conceptId: id}); else if (r < 0.13) val.push({text: a, conceptId: id}); else terms.push(a); } train.push({id, terms}); }
console.log('concepts', train.length, 'train terms', train.reduce((a, c) => a + c.terms.length, 0), 'test', test.length, 'val', val.length);
const termTexts = train.flatMap(c => c.terms); const termConcepts = train.flatMap(c => c.terms.map(() => c.id));
const lex = LexicalIndex.build(train.flatMap(c => c.terms.map(t => ({conceptId: c.id, text: t, norm: foldText(t), lang: 'en'}))), { bm25Weight: 0 });
let hits = 0; for (const q of test) { const r = lex.search(foldText(q.text), 1); if (r[0]?.conceptId === q.conceptId) hits++; }
console.log('char tfidf test S@1', (hits / test.length).toFixed(4));
const valSmall = val.slice(0, 400);
const res = trainEncoder(train, [], valSmall, { epochs: Number(process.env.EP ?? 3), evalEvery: 100, featurizer: { buckets: 1 << 16 }, dim: Number(process.env.DIM ?? 256), learningRate: Number(process.env.LR ?? 0.5), onProgress: (p) => { if (p.step % 50 === 0) process.stderr.write(`step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} val ${p.validation.toFixed(3)}\n`); } });
console.log('trained', res.steps, 'steps in', res.seconds.toFixed(1), 's; best step', res.bestStep, 'val', res.validation.toFixed(4));
console.log('trained test S@1', successAt1(res.model, termTexts, termConcepts, test).toFixed(4));
