/** Human-readable renderings of `normkit link`: one text's ranked concepts, and a file run's summary. */
import type { Linker } from '../../pipeline/linker.js';
import type { LinkFileResult } from '../../modes/link-file.js';
import { renderTable } from './table.js';

/** What `Linker.link` returns. */
export type LinkResult = Awaited<ReturnType<Linker['link']>>;

export function renderLink(r: LinkResult): string {
  // With several generators: each one's score (rank) for the matched term.
  const names = r.candidates.find((c) => c.generators)?.generators?.map((g) => g.generator) ?? [];
  const rows = r.candidates.map((c, i) => [
    String(i + 1),
    c.conceptId,
    c.term.text,
    c.score.toFixed(4),
    c.hubness ? c.hubness.before.toFixed(4) : '',
    ...names.map((_, gi) => {
      const g = c.generators?.[gi];
      return g ? `${g.score.toFixed(3)} (${g.rank ?? '–'})` : '';
    }),
    c.generator,
  ]);
  const t = r.translation;
  const translated = t ? [`translated (${t.from} → ${t.to}): ${t.text}   [${t.words.map((w) => `${w.source} ${w.via}${w.targets.length ? `: ${w.targets.join(' | ')}` : ''}`).join('; ')}]`] : [];
  const cut = r.truncated ? [`truncated: only the first ${r.truncated.kept.toLocaleString('en-US')} of ${r.truncated.chars.toLocaleString('en-US')} characters were linked`] : [];
  return [...cut, `normalized: ${r.normalized}`, ...translated, renderTable(['#', 'concept', 'matched term', 'score', 'before correction', ...names, 'generator'], rows)].join('\n');
}

/** `link --input`'s report (written to stderr: stdout may be the results): counts, then the first bad lines. */
export function renderLinkFile(r: LinkFileResult): string {
  return [
    `linked ${r.written.toLocaleString('en-US')} texts in ${r.seconds.toFixed(1)} s${r.resumed ? ` (${r.resumed.toLocaleString('en-US')} already done)` : ''}${r.problems.length ? `; skipped ${r.problems.length} bad lines` : ''}`,
    ...r.problems.slice(0, 10).map((p) => `  ${p.file}:${p.line}: ${p.message}`),
  ].join('\n');
}
