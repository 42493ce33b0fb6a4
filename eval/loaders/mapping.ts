/** Taxonomy mapping and document retrieval benchmarks. */
import { join } from 'node:path';
import type { Query } from '../../src/io/queries.js';
import type { ConceptLine } from '../../src/vocab/importers/jsonl.js';
import { dotted } from '../../src/vocab/importers/icd10cm.js';
import type { Loader } from './types.js';
import { hashSplit, readJsonlFile, readTsv } from './util.js';

interface GemQuery {
  icd9cm: string;
  text: string;
  gold_icd10cm: string[];
}

/** ICD-9-CM descriptions → ICD-10-CM codes through the 2013 GEMs (Text2Node-style). */
export const icd9Gem: Loader = async ({ shared, params }) => {
  const seed = Number(params['seed'] ?? 11);
  const devFraction = Number(params['devFraction'] ?? 0.2);
  const split = String(params['split'] ?? 'test');
  const queries: Query[] = readJsonlFile<GemQuery>(join(shared, 'icd9cm_gem', 'eval_icd9desc_to_icd10cm.jsonl'))
    .filter((q) => hashSplit(q.icd9cm, seed, devFraction) === split)
    .map((q) => ({ qid: q.icd9cm, text: q.text, gold: q.gold_icd10cm.map(dotted), lang: 'en' }));
  return {
    runs: [{ name: split, lang: 'en', split, vocabulary: { key: 'icd10cm-2019', format: 'icd10cm', files: [join(shared, 'icd10cm', 'icd10cm_2019.tsv')] }, queries, dropped: {} }],
    notes: ['Every GEM target of an ICD-9-CM code is gold (several for approximate and combination mappings). Split: a seeded 20% of ICD-9 codes is dev, the rest test.'],
  };
};

interface BeirDoc {
  _id: string;
  title: string;
  text: string;
}

/** SciFact in BEIR layout: claims → cited abstracts (each abstract one concept: title + text). */
export const scifact: Loader = async ({ shared, params }) => {
  const split = String(params['split'] ?? 'test');
  const dir = join(shared, 'scifact');
  const concepts: ConceptLine[] = readJsonlFile<BeirDoc>(join(dir, 'corpus.jsonl')).map((d) => ({
    id: d._id,
    name: [d.title, d.text].filter(Boolean).join(' ').trim() || d._id,
  }));
  const gold = new Map<string, string[]>();
  for (const r of readTsv(join(dir, 'qrels', `${split}.tsv`))) {
    if (Number(r['score']) > 0) gold.set(r['query-id']!, [...(gold.get(r['query-id']!) ?? []), r['corpus-id']!]);
  }
  const queries: Query[] = readJsonlFile<{ _id: string; text: string }>(join(dir, 'queries.jsonl'))
    .filter((q) => gold.has(q._id))
    .map((q) => ({ qid: q._id, text: q.text, gold: gold.get(q._id)!, lang: 'en' }));
  return {
    runs: [{ name: split, lang: 'en', split, vocabulary: { key: 'scifact-corpus', concepts }, queries, dropped: {} }],
    notes: ['SciFact (BEIR): each abstract is indexed as one term, title and text joined; nDCG@10 and Recall@100 as in BEIR.'],
  };
};
