/** Human-readable rendering of `normkit link --document`: each mention, how it was found, and its best concept. */
import type { DocumentResult } from '../../modes/document.js';
import { renderTable } from './table.js';

export function renderDocument(r: DocumentResult): string {
  const rows = r.mentions.map((m) => [`${m.start}–${m.end}`, m.text, m.source, m.canonical === m.text ? '' : m.canonical, m.candidates[0]?.conceptId ?? '', m.candidates[0]?.term.text ?? '', m.candidates[0] ? m.candidates[0].score.toFixed(3) : '']);
  const abbr = Object.entries(r.abbreviations);
  return [renderTable(['span', 'mention', 'found by', 'linked as', 'concept', 'matched term', 'score'], rows), ...(abbr.length ? [`abbreviations: ${abbr.map(([s, l]) => `${s} = ${l}`).join('; ')}`] : [])].join('\n');
}
