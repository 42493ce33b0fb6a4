/**
 * Medical benchmarks: NCBI-disease and BC5CDR → MeSH, Mantra GSC and QUAERO → the closed
 * set of Mantra's English concept names, CodiEsp → ICD-10-CM, HPO translations → HPO English.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corefDocument } from '../../src/normalize/coref.js';
import type { Query } from '../../src/io/queries.js';
import type { ConceptLine } from '../../src/vocab/importers/jsonl.js';
import { dotted } from '../../src/vocab/importers/icd10cm.js';
import type { Loader, LoadedRun, VocabularySpec } from './types.js';
import { count, hashSplit, mentionQid, readJsonlFile, readTsv } from './util.js';
import type { ExtraTerm } from '../../src/pipeline/resources.js';

const MESH_ID = /^D\d{6,9}$/;

/** Gold ids of a PubTator mention: `|` and `+` separate ids; some carry "MESH:" or spaces. */
export function pubtatorIds(ids: string): string[] {
  return ids
    .split(/[|+]/)
    .map((s) => s.trim().replace(/^MESH:/, ''))
    .filter(Boolean);
}

function meshVocabulary(shared: string): VocabularySpec {
  return { key: 'mesh-2024', format: 'mesh', files: [join(shared, 'mesh', 'mesh2024_descriptors.jsonl')] };
}

interface PubtatorRun {
  name: string;
  type?: string;
  filterTypes: string[];
}

export const PUBTATOR_FILES: Record<string, Record<string, string>> = {
  ncbi_disease: { train: 'NCBItrainset_corpus.txt', dev: 'NCBIdevelopset_corpus.txt', test: 'NCBItestset_corpus.txt' },
  bc5cdr: { train: 'CDR_TrainingSet.PubTator.txt', dev: 'CDR_DevelopmentSet.PubTator.txt', test: 'CDR_TestSet.PubTator.txt' },
};

/** Title + " " + abstract of each PubTator document (the text mention offsets point into). */
export function pubtatorTexts(file: string): Map<string, string> {
  const parts = new Map<string, { t: string; a: string }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\d+)\|([ta])\|(.*)$/.exec(line);
    if (!m) continue;
    const doc = parts.get(m[1]!) ?? { t: '', a: '' };
    doc[m[2] as 't' | 'a'] = m[3]!;
    parts.set(m[1]!, doc);
  }
  return new Map([...parts].map(([id, d]) => [id, `${d.t} ${d.a}`]));
}

/** Groups each document's mentions (co-reference) and returns qid → canonical form where it differs. */
function corefCanonical(texts: Map<string, string>, mentions: Array<{ doc: string; qid: string; text: string; start: number }>): Map<string, string> {
  const byDoc = new Map<string, typeof mentions>();
  for (const m of mentions) byDoc.set(m.doc, [...(byDoc.get(m.doc) ?? []), m]);
  const out = new Map<string, string>();
  for (const [doc, ms] of byDoc) {
    const text = texts.get(doc);
    if (!text) continue;
    const r = corefDocument(text, [...ms].sort((a, b) => a.start - b.start).map((m) => ({ id: m.qid, text: m.text })));
    for (const m of ms) {
      const c = r.canonical.get(m.qid);
      if (c && c !== m.text) out.set(m.qid, c);
    }
  }
  return out;
}

/**
 * Mentions of a PubTator corpus (mentions.tsv) → MeSH. The test split is scored; the
 * train split's single-id mentions become extra index terms (never the test split).
 */
function pubtatorLoader(folder: string, runs: PubtatorRun[], note: string): Loader {
  return async ({ shared, params }) => {
    const split = String(params['split'] ?? 'test');
    const rows = readTsv(join(shared, folder, 'mentions.tsv'));
    const out: LoadedRun[] = runs.map((r) => {
      const dropped: Record<string, number> = {};
      const queries: Query[] = [];
      const extraTerms: ExtraTerm[] = [];
      const located: Array<{ doc: string; qid: string; text: string; start: number }> = [];
      for (const m of rows) {
        if (r.type && m['type'] !== r.type) continue;
        const ids = pubtatorIds(m['ids']!);
        if (m['split'] === 'train') {
          if (ids.length === 1 && MESH_ID.test(ids[0]!)) extraTerms.push({ conceptId: ids[0]!, text: m['mention']!, lang: 'en' });
          continue;
        }
        if (m['split'] !== split) continue;
        if (ids.length === 0 || ids.includes('-1')) {
          count(dropped, 'NIL (no concept)');
          continue;
        }
        if (!ids.every((id) => MESH_ID.test(id))) {
          count(dropped, 'gold is not a MeSH descriptor (supplementary concept or OMIM)');
          continue;
        }
        const qid = mentionQid(m['pmid']!, m['start']!, m['end']!);
        queries.push({ qid, text: m['mention']!, gold: [...new Set(ids)], lang: 'en' });
      }
      // Co-reference sees every mention of a document, whatever its type or gold.
      for (const m of rows) {
        if (m['split'] === split) located.push({ doc: m['pmid']!, qid: mentionQid(m['pmid']!, m['start']!, m['end']!), text: m['mention']!, start: Number(m['start']) });
      }
      const texts = pubtatorTexts(join(shared, folder, 'pubtator', PUBTATOR_FILES[folder]![split]!));
      const canonicalText = corefCanonical(texts, located);
      return { name: r.name, lang: 'en', split, vocabulary: meshVocabulary(shared), queries, dropped, extraTerms, filterTypes: r.filterTypes, canonicalText };
    });
    return {
      runs: out,
      notes: [
        note,
        'Composite mentions keep every part as gold (a hit on any part counts); train-split mentions with one MeSH id are added to the index as synonyms.',
        'Document context: abbreviations defined in the abstract (Schwartz–Hearst) and co-referent mentions are linked through their group\'s canonical form (ablation "coref").',
      ],
    };
  };
}

export const ncbiDisease = pubtatorLoader('ncbi_disease', [{ name: 'disease', filterTypes: ['C', 'F'] }], 'NCBI-disease → MeSH 2024 descriptors of trees C (diseases) and F (psychiatry).');

export const bc5cdr = pubtatorLoader(
  'bc5cdr',
  [
    { name: 'disease', type: 'Disease', filterTypes: ['C', 'F'] },
    { name: 'chemical', type: 'Chemical', filterTypes: ['D'] },
  ],
  'BC5CDR → MeSH 2024: diseases against trees C and F, chemicals against tree D.',
);

/** Mantra's concept table: the closed set of English names that Mantra GSC and QUAERO are scored against. */
export function mantraConcepts(shared: string): VocabularySpec {
  const concepts: ConceptLine[] = readTsv(join(shared, 'mantra_gsc', 'concepts.tsv')).map((c) => ({
    id: c['cui']!,
    name: c['english_name']!,
    types: [c['semantic_group']!],
  }));
  return { key: 'mantra-concepts', concepts };
}

interface MantraDoc {
  lang: string;
  doc_id: string;
  corpus: string;
  mentions: Array<{ id: string; start: number; end: number; text: string; cui: string }>;
}

/** Mantra GSC: mentions in en/de/fr/es/nl → the English names of the corpus's own concepts. */
export const mantra: Loader = async ({ shared }) => {
  const docs = readJsonlFile<MantraDoc>(join(shared, 'mantra_gsc', 'documents.jsonl'));
  const vocabulary = mantraConcepts(shared);
  const byLang = new Map<string, Query[]>();
  for (const d of docs) {
    for (const m of d.mentions) {
      const list = byLang.get(d.lang) ?? [];
      list.push({ qid: mentionQid(`${d.corpus}/${d.doc_id}`, m.start, m.end, `/${m.id}`), text: m.text, gold: [m.cui], lang: d.lang });
      byLang.set(d.lang, list);
    }
  }
  const runs: LoadedRun[] = [...byLang.entries()].sort().map(([lang, queries]) => ({ name: lang, lang, targetLang: 'en', split: 'test', vocabulary, queries, dropped: {} }));
  return {
    runs,
    notes: ['Mantra GSC has no UMLS here: each mention is linked against the English names of the 1,364 concepts the corpus uses (a closed set, easier than full UMLS).'],
  };
};

interface QuaeroDoc {
  split: string;
  corpus: string;
  doc_id: string;
  mentions: Array<{ id: string; start: number; end: number; text: string; cuis: string[] }>;
}

/** QUAERO (French) mentions of a split whose CUIs all have an English name in Mantra's concept table. */
export function quaeroMentions(shared: string, split: string): { queries: Query[]; dropped: Record<string, number> } {
  const known = new Set((mantraConcepts(shared) as { concepts: ConceptLine[] }).concepts.map((c) => c.id));
  const dropped: Record<string, number> = {};
  const queries: Query[] = [];
  for (const d of readJsonlFile<QuaeroDoc>(join(shared, 'quaero', 'documents.jsonl'))) {
    if (d.split !== split) continue;
    for (const m of d.mentions) {
      if (m.cuis.length === 0) count(dropped, 'no CUI');
      else if (!m.cuis.every((c) => known.has(c))) count(dropped, 'CUI without an English name in the Mantra concept table');
      else queries.push({ qid: mentionQid(`${d.corpus}/${d.doc_id}`, m.start, m.end, `/${m.id}`), text: m.text, gold: m.cuis, lang: 'fr' });
    }
  }
  return { queries, dropped };
}

/** Training mentions with one concept, as French synonyms added to the index (the "train-synonyms" ablation). */
function trainSynonyms(queries: readonly Query[], lang: string): ExtraTerm[] {
  return queries.filter((q) => q.gold.length === 1).map((q) => ({ conceptId: q.gold[0]!, text: q.text, lang }));
}

/** QUAERO (French) test mentions whose CUIs all have an English name in Mantra's concept table; its train mentions are indexed as synonyms. */
export const quaero: Loader = async ({ shared, params }) => {
  const split = String(params['split'] ?? 'test');
  const { queries, dropped } = quaeroMentions(shared, split);
  return {
    runs: [{ name: split, lang: 'fr', targetLang: 'en', split, vocabulary: mantraConcepts(shared), queries, dropped, extraTerms: trainSynonyms(quaeroMentions(shared, 'train').queries, 'fr') }],
    notes: [
      'QUAERO has no concept names: only mentions whose CUIs appear in the Mantra GSC concept table can be scored (a small, easier subset).',
      'QUAERO: train-split mentions with one CUI are added to the index as French synonyms (switched off by the "train-synonyms" ablation).',
    ],
  };
};

/** CodiEsp-X diagnoses of a split with a code in ICD-10-CM 2019 (one query per annotation). */
function codiespDiagnoses(shared: string, split: string): { queries: Query[]; dropped: Record<string, number> } {
  const dropped: Record<string, number> = {};
  const queries: Query[] = [];
  for (const m of readTsv(join(shared, 'codiesp', 'mentions.tsv'))) {
    if (m['split'] !== split || m['label'] !== 'DIAGNOSTICO') continue;
    if (m['in_icd10cm2019'] !== 'True') {
      count(dropped, 'code not in ICD-10-CM 2019');
      continue;
    }
    queries.push({ qid: mentionQid(m['doc_id']!, m['positions']!.replace(/\s+/g, '_'), m['code_norm']!), text: m['mention']!, gold: [dotted(m['code_norm']!)], lang: 'es' });
  }
  const seen = new Set<string>();
  const unique = queries.filter((q) => (seen.has(q.qid) ? (count(dropped, 'duplicate annotation'), false) : (seen.add(q.qid), true)));
  return { queries: unique, dropped };
}

/** CodiEsp-X diagnoses: Spanish evidence text → ICD-10-CM 2019 codes (English descriptions); train diagnoses are indexed as synonyms. */
export const codiesp: Loader = async ({ shared, params }) => {
  const split = String(params['split'] ?? 'test');
  const { queries, dropped } = codiespDiagnoses(shared, split);
  return {
    runs: [{ name: split, lang: 'es', targetLang: 'en', split, vocabulary: { key: 'icd10cm-2019', format: 'icd10cm', files: [join(shared, 'icd10cm', 'icd10cm_2019.tsv')] }, queries, dropped, extraTerms: trainSynonyms(codiespDiagnoses(shared, 'train').queries, 'es') }],
    notes: [
      'CodiEsp diagnoses (Spanish clinical cases) linked to English ICD-10-CM 2019 descriptions: cross-lingual, so a lexical matcher scores low.',
      'CodiEsp: train-split diagnoses are added to the index as Spanish synonyms of their codes (switched off by the "train-synonyms" ablation).',
    ],
  };
};

/** HPO translations (es, pt, de, it, fr) → HPO English labels and layperson synonyms (no translations indexed). */
/** The seeded split of HPO's translated concepts: dev (tuning, and what cross-lingual runs may learn from) and test. */
export const HPO_SPLIT = { seed: 7, devFraction: 0.2 };

export const hpoTranslations: Loader = async ({ shared, params }) => {
  const seed = Number(params['seed'] ?? HPO_SPLIT.seed);
  const devFraction = Number(params['devFraction'] ?? HPO_SPLIT.devFraction);
  const split = String(params['split'] ?? 'test');
  const rows = readTsv(join(shared, 'hpo', 'hpo_translations.tsv'));
  const runs: LoadedRun[] = [];
  const vocabulary: VocabularySpec = { key: 'hpo-en', format: 'hpo', files: [join(shared, 'hpo', 'hpo_en_terms.tsv')] };
  const notes = ['Queries are official translations (es, pt, de, it); French has only 32 official rows, so its machine (CANDIDATE) translations are used and flagged. Split: a seeded 20% of terms is dev, the rest test.'];
  for (const lang of ['es', 'pt', 'de', 'it', 'fr']) {
    const dropped: Record<string, number> = {};
    const queries: Query[] = [];
    const statuses = lang === 'fr' ? ['OFFICIAL', 'CANDIDATE'] : ['OFFICIAL'];
    rows.forEach((r, i) => {
      if (r['lang'] !== lang || hashSplit(r['hp_id']!, seed, devFraction) !== split) return;
      if (!statuses.includes(r['status']!)) return count(dropped, `status ${r['status']}`);
      const qid = `${r['hp_id']}/${lang}/${i}`;
      queries.push({ qid, text: r['translation']!, gold: [r['hp_id']!], lang: r['status'] === 'NOT_TRANSLATED' ? 'en' : lang });
    });
    runs.push({ name: lang, lang, targetLang: 'en', split, vocabulary, queries, dropped });
  }
  return { runs, notes };
};
