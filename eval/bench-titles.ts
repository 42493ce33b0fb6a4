/**
 * What the linking benchmarks (bench:api, bench-link) serve and send: with ../shared/data,
 * ESCO English occupations (imported into the bench data dir when missing or changed) and
 * the distinct JobBERT validation titles; without it, the demo occupations and their titles.
 */
import { join } from 'node:path';
import { storePath } from '../src/core/data-dir.js';
import { DEMO_QUERIES, ensureDemoVocabularies } from '../src/modes/demo.js';
import { VocabStore } from '../src/store/store.js';
import { checksumFiles, importVocabulary } from '../src/vocab/import.js';
import { LOADERS } from './loaders/index.js';
import { ROOT, sharedDataDir } from './shared.js';

/** The benchmarks' data dir: $NORMKIT_BENCH_DIR, default .normkit-eval/api (indexes built once, reused). */
export const BENCH_DATA_DIR = process.env['NORMKIT_BENCH_DIR'] ?? join(ROOT, '.normkit-eval', 'api');

export async function benchTitles(dataDir = BENCH_DATA_DIR): Promise<{ vocabulary: string; titles: string[]; source: string }> {
  const shared = sharedDataDir();
  const store = VocabStore.open(storePath(dataDir));
  try {
    if (!shared) {
      await ensureDemoVocabularies(store);
      const vocabulary = 'demo-occupations';
      return { vocabulary, titles: DEMO_QUERIES.filter((q) => q.vocabulary === vocabulary).map((q) => q.text), source: 'no ../shared/data: the demo occupations (not ESCO) and their demo titles' };
    }
    const vocabulary = 'esco-en';
    const file = join(shared, 'esco_occupations', 'occupations_en.jsonl');
    if (!store.hasVocabulary(vocabulary) || store.vocabulary(vocabulary).checksum !== (await checksumFiles([file]))) {
      await importVocabulary(store, [file], { force: true, name: vocabulary, format: 'esco' });
    }
    const jobbert = await LOADERS['jobbert']!({ shared, params: {} });
    return { vocabulary, titles: [...new Set(jobbert.runs[0]!.queries.map((q) => q.text))], source: 'ESCO English occupations, JobBERT validation titles' };
  } finally {
    store.close();
  }
}
