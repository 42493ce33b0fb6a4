/** Job-title benchmarks: JobBERT validation titles, MELO, O*NET alternate-title hold-out. */
import { basename, join } from 'node:path';
import type { ConceptLine } from '../../src/vocab/importers/jsonl.js';
import type { Query } from '../../src/queries.js';
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

/** MELO: national occupation titles → ESCO, monolingual (`_c_xx`) and to English (`_c_en`). */
export const melo: Loader = async ({ shared, params }) => {
  const dir = join(shared, 'melo');
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
          if (!c) byUri.set(row.uri, { id: row.uri, name: row.labels[0]!, lang, terms: row.labels.slice(1).map((text) => ({ text, lang })), types: [row.type] });
          else c.terms!.push(...row.labels.map((text) => ({ text, lang })));
        }
      }
      concepts = [...byUri.values()];
      corpora.set(key, concepts);
    }
    return { key, concepts };
  };
  const runs: LoadedRun[] = datasets.map((d) => {
    const queries = readJsonlFile<Query>(join(dir, d['queries_file']!)).map((q) => ({ ...q, qid: String(q.qid), lang: d['query_lang']! }));
    return {
      name: d['dataset']!,
      lang: d['query_lang']!,
      split: 'test',
      vocabulary: corpusOf(d['corpus_files']!.split(/[\s,]+/).filter(Boolean)),
      queries,
      dropped: {},
    };
  });
  return {
    runs,
    notes: ['MELO (Retyk et al. 2024): each query has one gold ESCO occupation or ISCO group; the corpus is every ESCO concept in the dataset\'s corpus languages.'],
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
