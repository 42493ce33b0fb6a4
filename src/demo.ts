/**
 * The demo: imports the two built-in vocabularies (occupations, conditions) and links a
 * few raw job titles and medical terms with the best matcher available so far.
 */
import { join } from 'node:path';
import { renderTable } from './cli/table.js';
import { CharTfidfIndex } from './lexical/char-tfidf.js';
import { demoDataDir } from './paths.js';
import type { VocabStore } from './store/store.js';
import { foldText } from './text/fold.js';
import { checksumFiles, importVocabulary } from './vocab/import.js';

export const DEMO_VOCABULARIES = [
  { name: 'demo-occupations', file: 'occupations.jsonl' },
  { name: 'demo-conditions', file: 'conditions.jsonl' },
] as const;

export const DEMO_QUERIES: Array<{ vocabulary: string; text: string }> = [
  { vocabulary: 'demo-occupations', text: 'Sr. Java Dev (m/w/d) – remote' },
  { vocabulary: 'demo-occupations', text: 'RN - night shift, ICU' },
  { vocabulary: 'demo-occupations', text: 'Softwareentwicklerin' },
  { vocabulary: 'demo-occupations', text: 'forklift driver (temp)' },
  { vocabulary: 'demo-occupations', text: 'infirmière' },
  { vocabulary: 'demo-occupations', text: 'AP clerk' },
  { vocabulary: 'demo-conditions', text: 'heart attack' },
  { vocabulary: 'demo-conditions', text: 'infarto de miocardio' },
  { vocabulary: 'demo-conditions', text: 'high blood pressure' },
  { vocabulary: 'demo-conditions', text: 'T2DM' },
  { vocabulary: 'demo-conditions', text: 'brocken hip' },
  { vocabulary: 'demo-conditions', text: 'diarrhoea' },
];

export interface DemoRow {
  vocabulary: string;
  input: string;
  normalized: string;
  conceptId: string | null;
  name: string | null;
  matchedTerm: string | null;
  matchedLang: string | null;
  score: number;
}

export interface DemoResult {
  rows: DemoRow[];
  render(): string;
}

/** Imports the demo vocabularies when missing or changed, then links the demo queries. */
export async function runDemo(store: VocabStore, queries = DEMO_QUERIES): Promise<DemoResult> {
  const imported: string[] = [];
  for (const v of DEMO_VOCABULARIES) {
    const file = join(demoDataDir(), v.file);
    const checksum = await checksumFiles([file]);
    if (!store.hasVocabulary(v.name) || store.vocabulary(v.name).checksum !== checksum) {
      await importVocabulary(store, [file], { format: 'jsonl', name: v.name, version: 'demo' });
      imported.push(v.name);
    }
  }
  const indexes = new Map<string, CharTfidfIndex>();
  const rows: DemoRow[] = [];
  for (const q of queries) {
    let index = indexes.get(q.vocabulary);
    if (!index) {
      index = CharTfidfIndex.build(store.terms(q.vocabulary));
      indexes.set(q.vocabulary, index);
    }
    const normalized = foldText(q.text);
    const best = index.search(normalized, 1)[0];
    const concept = best ? store.concept(q.vocabulary, best.conceptId) : undefined;
    rows.push({
      vocabulary: q.vocabulary,
      input: q.text,
      normalized,
      conceptId: best?.conceptId ?? null,
      name: concept?.name ?? null,
      matchedTerm: best?.term.text ?? null,
      matchedLang: best?.term.lang ?? null,
      score: best ? Math.round(best.score * 1000) / 1000 : 0,
    });
  }
  return {
    rows,
    render() {
      const head = imported.length
        ? `imported ${imported.join(', ')} into ${store.path}`
        : `using ${DEMO_VOCABULARIES.map((v) => v.name).join(', ')} from ${store.path}`;
      const table = renderTable(
        ['input', 'vocabulary', 'concept', 'name', 'matched term', 'score'],
        rows.map((r) => [
          r.input,
          r.vocabulary.replace('demo-', ''),
          r.conceptId ?? '(none)',
          r.name ?? '',
          r.matchedTerm ? `${r.matchedTerm} [${r.matchedLang}]` : '',
          r.score.toFixed(3),
        ]),
        { maxWidth: 34, right: [5] },
      );
      return `${head}\nmatcher: char 3-gram TF-IDF over every term of each vocabulary\n\n${table}`;
    },
  };
}
