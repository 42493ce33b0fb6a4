/**
 * Labeled texts the cross-lingual runs may learn word translations from (`normkit lexicon
 * learn`, src/lexicon/learn.ts): each source is a vocabulary and, per language, texts with
 * their gold concepts in it. A benchmark names the sources its runs may use (`learnFrom` in
 * eval/benchmarks/*.json); none is ever taken from a test split:
 * - `hpo-dev`: HPO's translations of the dev-split concepts only (the hpo-translations
 *   loader's seeded split), official and machine (CANDIDATE) ones;
 * - `codiesp-train`: CodiEsp's train-split diagnoses (Spanish) with their ICD-10-CM codes;
 * - `quaero-train`: QUAERO's train-split mentions (French) with their CUIs.
 */
import { join } from 'node:path';
import { dotted } from '../../src/vocab/importers/icd10cm.js';
import { HPO_SPLIT, mantraConcepts, quaeroMentions } from './medical.js';
import type { VocabularySpec } from './types.js';
import { hashSplit, readTsv } from './util.js';

export interface ParallelSource {
  vocabulary: VocabularySpec;
  /** Language → texts in it with their gold concepts in `vocabulary`. */
  examples: Map<string, Array<{ text: string; gold: string[] }>>;
}

function add(map: ParallelSource['examples'], lang: string, text: string, gold: string[]): void {
  const list = map.get(lang) ?? [];
  list.push({ text, gold });
  map.set(lang, list);
}

export const PARALLEL_SOURCES: Record<string, (shared: string) => ParallelSource> = {
  'hpo-dev': (shared) => {
    const examples: ParallelSource['examples'] = new Map();
    for (const r of readTsv(join(shared, 'hpo', 'hpo_translations.tsv'))) {
      if (r['status'] === 'NOT_TRANSLATED' || hashSplit(r['hp_id']!, HPO_SPLIT.seed, HPO_SPLIT.devFraction) !== 'dev') continue;
      add(examples, r['lang']!, r['translation']!, [r['hp_id']!]);
    }
    return { vocabulary: { key: 'hpo-en', format: 'hpo', files: [join(shared, 'hpo', 'hpo_en_terms.tsv')] }, examples };
  },
  'codiesp-train': (shared) => {
    const examples: ParallelSource['examples'] = new Map();
    for (const m of readTsv(join(shared, 'codiesp', 'mentions.tsv'))) {
      if (m['split'] === 'train' && m['label'] === 'DIAGNOSTICO' && m['in_icd10cm2019'] === 'True') add(examples, 'es', m['mention']!, [dotted(m['code_norm']!)]);
    }
    return { vocabulary: { key: 'icd10cm-2019', format: 'icd10cm', files: [join(shared, 'icd10cm', 'icd10cm_2019.tsv')] }, examples };
  },
  'quaero-train': (shared) => {
    const examples: ParallelSource['examples'] = new Map();
    for (const q of quaeroMentions(shared, 'train').queries) add(examples, 'fr', q.text, q.gold);
    return { vocabulary: mantraConcepts(shared), examples };
  },
};
