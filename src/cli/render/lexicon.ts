/** Human-readable renderings of `normkit lexicon …` results. */
import type { LexiconInfo, LexiconStats } from '../../lexicon/store.js';
import { fmtInt, renderTable } from './table.js';

export function renderLexiconImport(imported: readonly LexiconInfo[], seconds: number): string {
  const total = imported.reduce((s, l) => s + l.entries, 0);
  return [`imported ${imported.length} lexicon(s), ${fmtInt(total)} translations in ${seconds.toFixed(1)} s`, ...imported.map((l) => `  ${l.name} (${l.from} → ${l.to}, ${l.format}): ${fmtInt(l.entries)} translations; licence ${l.licence}`)].join('\n');
}

export function renderLexiconList(list: readonly LexiconInfo[]): string {
  if (!list.length) return 'no lexicons imported yet (try: normkit lexicon import /usr/share/dictd after apt-get install dict-freedict-deu-eng)';
  return renderTable(
    ['name', 'from', 'to', 'format', 'translations', 'licence', 'imported'],
    list.map((l) => [l.name, l.from, l.to, l.format, fmtInt(l.entries), l.licence, l.importedAt.slice(0, 19).replace('T', ' ')]),
    { right: [4] },
  );
}

export function renderLexiconStats(s: LexiconStats): string {
  return [
    `${s.name}: ${s.description}`,
    `  ${s.from} → ${s.to} (also read backwards, ${s.to} → ${s.from}), ${s.format} from ${s.source}`,
    `  ${fmtInt(s.entries)} translations of ${fmtInt(s.headwords)} headwords (${s.perHeadword.toFixed(2)} per headword) into ${fmtInt(s.targets)} distinct texts`,
    `  licence: ${s.licence}`,
    `  imported ${s.importedAt.slice(0, 19).replace('T', ' ')}, sha256 ${s.checksum.slice(0, 16)}…`,
  ].join('\n');
}
