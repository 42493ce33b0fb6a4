/** Job-title benchmarks: JobBERT validation titles, MELO, O*NET alternate-title hold-out. */
import { readdirSync } from 'node:fs';
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

interface EscoOccupationRow {
  uri: string;
  code: string;
  iscoGroup: string;
}

const ISCO_URI = 'http://data.europa.eu/esco/isco/C';

/**
 * ESCO's hierarchy, which the MELO corpus files leave out, from the ESCO occupations file
 * (v1.1.2; its URIs cover the older versions' occupations but for a few): as the ESCO
 * importer reads it, occupation 2654.1.7 → occupation 2654.1 → ISCO unit group C2654 → C265
 * → C26 → C2. Concept URI → parent URI.
 */
function escoParents(shared: string): Map<string, string> {
  const rows = readJsonlFile<EscoOccupationRow>(join(shared, 'esco_occupations', 'occupations_en.jsonl'));
  const byCode = new Map(rows.map((r) => [r.code, r.uri]));
  const parents = new Map<string, string>();
  for (const r of rows) {
    const up = r.code.includes('.') ? byCode.get(r.code.slice(0, r.code.lastIndexOf('.'))) : undefined;
    parents.set(r.uri, up ?? `${ISCO_URI}${r.iscoGroup}`);
  }
  return parents;
}

/** A concept's parent: from ESCO's occupations file, or the ISCO code one digit shorter. */
function parentOf(uri: string, escoParent: ReadonlyMap<string, string>): string | undefined {
  if (uri.startsWith(ISCO_URI)) return uri.length > ISCO_URI.length + 1 ? uri.slice(0, -1) : undefined;
  return escoParent.get(uri);
}

/**
 * MELO: national occupation titles → ESCO, monolingual (`_c_xx`) and to English (`_c_en`).
 * Concept types are the ESCO importer's (`occupation`, `isco-group`) and the parents ESCO's
 * hierarchy (the `jobs` preset's specificity stage reads both).
 */
export const melo: Loader = async ({ shared, params }) => {
  const dir = join(shared, 'melo');
  const escoParent = escoParents(shared);
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
          if (!c) {
            const parent = parentOf(row.uri, escoParent);
            byUri.set(row.uri, {
              id: row.uri,
              name: row.labels[0]!,
              lang,
              terms: row.labels.slice(1).map((text) => ({ text, lang })),
              types: [row.type === 'isco_group' ? 'isco-group' : row.type],
              ...(parent ? { parents: [parent] } : {}),
            });
          }
          else c.terms!.push(...row.labels.map((text) => ({ text, lang })));
        }
      }
      // A parent this corpus's ESCO version lacks: the nearest ancestor it has.
      for (const c of byUri.values()) {
        let p = c.parents?.[0];
        while (p !== undefined && !byUri.has(p)) p = parentOf(p, escoParent);
        if (p === undefined) delete c.parents;
        else c.parents = [p];
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
