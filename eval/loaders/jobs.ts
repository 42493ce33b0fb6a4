/** Job-title benchmarks: JobBERT validation titles, MELO, O*NET alternate-title hold-out. */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { escoParent } from '../../src/vocab/importers/esco.js';
import type { ConceptLine } from '../../src/vocab/importers/jsonl.js';
import type { Query } from '../../src/io/queries.js';
import type { Loader, LoadedRun } from './types.js';
import { count, hash32, readJsonlFile, readTsv } from './util.js';

/** JobBERT validation split: raw vacancy titles → ESCO occupations (English labels). */
export const jobbert: Loader = async ({ shared }) => {
  const rows = readTsv(join(shared, 'jobbert_eval', 'val.tsv'));
  const queries: Query[] = rows.map((r, i) => ({ qid: `val-${i + 1}`, text: r['vacancy_title']!, gold: [r['esco_uri']!], lang: 'en' }));
  return {
    runs: [
      {
        name: 'val',
        lang: 'en',
        split: 'dev',
        vocabulary: { key: 'esco-en', format: 'esco', files: [join(shared, 'esco_occupations', 'occupations_en.jsonl')] },
        queries,
        dropped: {},
      },
    ],
    notes: ['JobBERT validation split (the test split is a blind set); ESCO v1.1.2 English preferred and alternative labels.'],
  };
};

interface MeloCorpusRow {
  uri: string;
  type: string;
  labels: string[];
}

interface EscoOccupationRow {
  uri: string;
  code: string;
  iscoGroup: string;
}

const ISCO_URI = 'http://data.europa.eu/esco/isco/C';

/** ESCO codes of the occupations (the MELO corpus files leave them out), from the ESCO v1.1.2 occupations file: URI → code and ISCO unit group. */
function escoCodes(shared: string): Map<string, EscoOccupationRow> {
  return new Map(readJsonlFile<EscoOccupationRow>(join(shared, 'esco_occupations', 'occupations_en.jsonl')).map((r) => [r.uri, r]));
}

/**
 * MELO: national occupation titles → ESCO, monolingual (`_c_xx`) and to English (`_c_en`).
 * Concept types are the ESCO importer's (`occupation`, `isco-group`) and the parents ESCO's
 * hierarchy (the `jobs` preset's specificity stage reads both).
 */
export const melo: Loader = async ({ shared, params }) => {
  const dir = join(shared, 'melo');
  const codes = escoCodes(shared);
  const only = params['datasets'] as string[] | undefined;
  const datasets = readTsv(join(dir, 'datasets.tsv')).filter((d) => !only || only.includes(d['dataset']!));
  const corpora = new Map<string, ConceptLine[]>();
  const corpusOf = (files: string[]): { key: string; concepts: ConceptLine[] } => {
    const key = `melo-${files.map((f) => basename(f, '.jsonl')).join('+')}`;
    let concepts = corpora.get(key);
    if (!concepts) {
      const byUri = new Map<string, ConceptLine>();
      for (const f of files) {
        const lang = /-([a-z]{2})\.jsonl$/.exec(f)![1]!;
        for (const row of readJsonlFile<MeloCorpusRow>(join(dir, f))) {
          const c = byUri.get(row.uri);
          if (!c) byUri.set(row.uri, { id: row.uri, name: row.labels[0]!, lang, terms: row.labels.slice(1).map((text) => ({ text, lang })), types: [row.type === 'isco_group' ? 'isco-group' : row.type] });
          else c.terms!.push(...row.labels.map((text) => ({ text, lang })));
        }
      }
      // ESCO's hierarchy as the ESCO importer derives it from the codes: the nearest ancestor this corpus's version has.
      const byCode = new Map<string, string>();
      for (const uri of byUri.keys()) {
        const code = uri.startsWith(ISCO_URI) ? uri.slice(ISCO_URI.length) : codes.get(uri)?.code;
        if (code) byCode.set(code, uri);
      }
      for (const c of byUri.values()) {
        const isco = c.id.startsWith(ISCO_URI);
        const occupation = isco ? undefined : codes.get(c.id);
        if (!isco && !occupation) continue; // an occupation the v1.1.2 file lacks: no parent
        const parent = escoParent(isco ? 'isco-group' : 'occupation', isco ? c.id.slice(ISCO_URI.length) : occupation!.code, occupation?.iscoGroup ?? '', byCode);
        if (parent) c.parents = [parent];
      }
      concepts = [...byUri.values()];
      corpora.set(key, concepts);
    }
    return { key, concepts };
  };
  const runs: LoadedRun[] = datasets.map((d) => {
    const queries = readJsonlFile<Query>(join(dir, d['queries_file']!)).map((q) => ({ ...q, qid: String(q.qid), lang: d['query_lang']! }));
    const corpusLangs = [...new Set(d['corpus_files']!.split(/[\s,]+/).filter(Boolean).map((f) => /-([a-z]{2})\.jsonl$/.exec(f)?.[1]))];
    return {
      name: d['dataset']!,
      lang: d['query_lang']!,
      ...(corpusLangs.length === 1 && corpusLangs[0] ? { targetLang: corpusLangs[0] } : {}),
      split: 'test',
      vocabulary: corpusOf(d['corpus_files']!.split(/[\s,]+/).filter(Boolean)),
      queries,
      dropped: {},
    };
  });
  return {
    runs,
    notes: [
      'MELO (Retyk et al. 2024): each query has one gold ESCO occupation or ISCO group; the corpus is every ESCO concept in the dataset\'s corpus languages, with ESCO\'s hierarchy (occupation → ISCO unit group → … from the ESCO v1.1.2 occupations file, which the MELO corpus files leave out).',
    ],
  };
};

/** O*NET: a seeded 10% of alternate titles held out of the index and used as queries. */
export const onetHoldout: Loader = async ({ shared, params }) => {
  const seed = Number(params['seed'] ?? 13);
  const fraction = Number(params['fraction'] ?? 0.1);
  const occupations = readTsv(join(shared, 'onet', 'occupations.tsv'));
  const alternates = readTsv(join(shared, 'onet', 'alternate_titles.tsv'));
  const concepts = new Map<string, ConceptLine>(
    occupations.map((o) => [o['onet_soc_code']!, { id: o['onet_soc_code']!, name: o['title']!, synonyms: [], codes: [o['onet_soc_code']!], types: ['occupation'] }]),
  );
  const queries: Query[] = [];
  const dropped: Record<string, number> = {};
  alternates.forEach((a, i) => {
    const code = a['onet_soc_code']!;
    const held = hash32(`${seed}:${i}`) / 2 ** 32 < fraction;
    if (held) queries.push({ qid: `alt-${i + 1}`, text: a['alternate_title']!, gold: [code], lang: 'en' });
    else {
      const c = concepts.get(code);
      if (!c) return count(dropped, 'unknown occupation code');
      c.synonyms!.push(a['alternate_title']!);
      if (a['short_title']) c.synonyms!.push(a['short_title']);
    }
  });
  // A held-out title that another row of the same occupation still lists would be a lookup, not a test.
  const kept = queries.filter((q) => {
    const c = concepts.get(q.gold[0]!)!;
    const key = q.text.toLowerCase();
    const leak = c.name.toLowerCase() === key || c.synonyms!.some((s) => s.toLowerCase() === key);
    if (leak) count(dropped, 'title still in the index for the same occupation');
    return !leak;
  });
  return {
    runs: [{ name: 'alternate-titles', lang: 'en', split: 'test', vocabulary: { key: `onet-holdout-${seed}-${fraction}`, concepts: [...concepts.values()] }, queries: kept, dropped }],
    notes: [`O*NET 29.3: ${Math.round(fraction * 100)}% of alternate titles (seed ${seed}) held out of the index as queries; reported titles are not indexed (they repeat alternate titles).`],
  };
};

/**
 * ESCO held-out synonyms in one language (a dev set for languages other than English): the
 * newest ESCO labels of `lang` in the MELO corpus folder (the vocabulary, not MELO's
 * queries), a seeded `fraction` of the alternative labels held out of the index as queries.
 */
export const escoHeldout: Loader = async ({ shared, params }) => {
  const lang = String(params['lang'] ?? 'en');
  const seed = Number(params['seed'] ?? 29);
  const fraction = Number(params['fraction'] ?? 0.1);
  const dir = join(shared, 'melo', 'corpus');
  const version = (f: string): number[] => /esco-([\d.]+)-/.exec(f)![1]!.split('.').map(Number);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(`-${lang}.jsonl`))
    .sort((a, b) => {
      const [x, y] = [version(a), version(b)];
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return 0;
    });
  const file = files.at(-1);
  if (!file) throw new Error(`esco-heldout: no ESCO corpus file for language "${lang}" in ${dir}`);
  const concepts: ConceptLine[] = [];
  const queries: Query[] = [];
  const dropped: Record<string, number> = {};
  for (const row of readJsonlFile<MeloCorpusRow>(join(dir, file))) {
    const kept: string[] = [];
    const held: string[] = [];
    row.labels.slice(1).forEach((text, i) => (hash32(`${seed}:${row.uri}:${i}`) / 2 ** 32 < fraction ? held : kept).push(text));
    const inIndex = new Set([row.labels[0]!, ...kept].map((t) => t.toLowerCase()));
    for (const text of held) {
      if (inIndex.has(text.toLowerCase())) count(dropped, 'label still in the index for the same concept');
      else queries.push({ qid: `${row.uri}#${queries.length + 1}`, text, gold: [row.uri], lang });
    }
    concepts.push({ id: row.uri, name: row.labels[0]!, lang, terms: kept.map((text) => ({ text, lang })), types: [row.type === 'isco_group' ? 'isco-group' : row.type] });
  }
  return {
    runs: [{ name: `${lang}-alternative-labels`, lang, split: 'dev', vocabulary: { key: `esco-heldout-${basename(file, '.jsonl')}-${seed}-${fraction}`, concepts }, queries, dropped }],
    notes: [`ESCO ${file}: ${Math.round(fraction * 100)}% of alternative labels (seed ${seed}) held out of the index as queries.`],
  };
};
