/** Human-readable rendering of `normkit demo`: where the demo vocabularies are, the presets used, and each input's best concept. */
import { DEMO_VOCABULARIES, type DemoResult } from '../../modes/demo.js';
import { renderTable } from './table.js';

export function renderDemo(result: DemoResult): string {
  const head = result.imported.length
    ? `imported ${result.imported.join(', ')} into ${result.storePath}`
    : `using ${DEMO_VOCABULARIES.map((v) => v.name).join(', ')} from ${result.storePath}`;
  const table = renderTable(
    ['input', 'vocabulary', 'concept', 'name', 'matched term', 'similarity'],
    result.rows.map((r) => [
      r.input,
      r.vocabulary.replace('demo-', ''),
      r.conceptId ?? '(none)',
      r.name ?? '',
      r.matchedTerm ? `${r.matchedTerm} [${r.matchedLang}]` : '',
      r.score.toFixed(3),
    ]),
    { maxWidth: 34, right: [5] },
  );
  return `${head}\npresets: jobs (occupations: the jobs rule pack, then char 3-gram TF-IDF + BM25 fused with the encoder normkit trained on the vocabulary, re-ranked against hubs) and medical (conditions: the medical rule pack, then char 3-gram TF-IDF)\n\n${table}`;
}
