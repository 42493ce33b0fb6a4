/**
 * The demo: imports the two built-in vocabularies (occupations, conditions) and links a
 * few raw job titles and medical terms with the best matcher available so far. It returns
 * plain data; the CLI renders it (src/cli/render/demo.ts), the server imports the
 * vocabularies with ensureDemoVocabularies.
 */
import { join } from 'node:path';
import { demoDataDir } from '../core/paths.js';
import { Linker } from '../pipeline/linker.js';
import { preset } from '../pipeline/presets.js';
import type { Progress } from '../core/progress.js';
import type { VocabStore } from '../store/store.js';
import { checksumFiles, importVocabulary } from '../vocab/import.js';

export const DEMO_VOCABULARIES = [
  { name: 'demo-occupations', file: 'occupations.jsonl', preset: 'jobs' },
  { name: 'demo-conditions', file: 'conditions.jsonl', preset: 'medical' },
] as const;

export interface DemoQuery {
  vocabulary: string;
  text: string;
}

export const DEMO_QUERIES: DemoQuery[] = [
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
  /** The matched term's similarity to the input (0–1). */
  score: number;
}

export interface DemoResult {
  rows: DemoRow[];
  /** The demo vocabularies imported by this run (missing or changed); empty when all were there. */
  imported: string[];
  /** The store they are in. */
  storePath: string;
}

/** Imports the demo vocabularies when missing or changed; the names imported. */
export async function ensureDemoVocabularies(store: VocabStore): Promise<string[]> {
  const imported: string[] = [];
  for (const v of DEMO_VOCABULARIES) {
    const file = join(demoDataDir(), v.file);
    const checksum = await checksumFiles([file]);
    if (!store.hasVocabulary(v.name) || store.vocabulary(v.name).checksum !== checksum) {
      await importVocabulary(store, [file], { format: 'jsonl', name: v.name, version: 'demo' });
      imported.push(v.name);
    }
  }
  return imported;
}

/** Imports the demo vocabularies when missing or changed, then links the demo queries. */
export async function runDemo(store: VocabStore, options: { queries?: readonly DemoQuery[]; cacheDir?: string; progress?: Progress } = {}): Promise<DemoResult> {
  const queries = options.queries ?? DEMO_QUERIES;
  const imported = await ensureDemoVocabularies(store);
  const linkers = new Map<string, Linker>();
  const rows: DemoRow[] = [];
  for (const q of queries) {
    let linker = linkers.get(q.vocabulary);
    if (!linker) {
      linker = await Linker.build(store, q.vocabulary, preset(DEMO_VOCABULARIES.find((v) => v.name === q.vocabulary)?.preset ?? 'lexical'), {
        ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
      });
      linkers.set(q.vocabulary, linker);
    }
    const r = await linker.link(q.text, 1);
    const best = r.candidates[0];
    const concept = best ? store.concept(q.vocabulary, best.conceptId) : undefined;
    rows.push({
      vocabulary: q.vocabulary,
      input: q.text,
      normalized: r.normalized,
      conceptId: best?.conceptId ?? null,
      name: concept?.name ?? null,
      matchedTerm: best?.term.text ?? null,
      matchedLang: best?.term.lang ?? null,
      // The matched term's similarity (before any hubness correction, which only reorders;
      // with several generators, their weighted sum).
      score: best ? Math.round((best.hubness?.before ?? best.score) * 1000) / 1000 : 0,
    });
  }
  return { rows, imported, storePath: store.path };
}
