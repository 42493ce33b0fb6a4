/** Human-readable renderings of vocabulary commands' results. */
import type { ConceptView, VocabularyInfo, VocabularyStats } from '../../store/store.js';
import type { FetchResult } from '../../vocab/fetch.js';
import type { ImportResult } from '../../vocab/import.js';
import type { ImportReport } from '../../store/model.js';
import { fmtInt, renderTable } from './table.js';

export function renderImport(r: ImportResult): string {
  const v = r.vocabulary;
  const lines = [
    `imported ${v.name}${v.version ? ` (${v.version})` : ''} [${v.format}]: ${fmtInt(v.concepts)} concepts, ${fmtInt(v.terms)} terms, ${fmtInt(v.codes)} codes, ${fmtInt(r.report.edges)} parent links, ${fmtInt(r.report.xrefs)} cross-references in ${r.seconds.toFixed(1)} s`,
    ...renderReportDetails(r.report),
  ];
  return lines.join('\n');
}

function renderReportDetails(report: ImportReport): string[] {
  const lines: string[] = [];
  for (const f of report.files) lines.push(`  read ${fmtInt(f.rows)} rows from ${f.file}`);
  if (report.duplicatesMerged > 0) lines.push(`  ${fmtInt(report.duplicatesMerged)} exact duplicate terms stored once`);
  const skipped = Object.entries(report.skipped);
  if (skipped.length > 0) {
    lines.push(`  skipped (--skip-invalid): ${skipped.map(([k, n]) => `${fmtInt(n)} ${k}`).join(', ')}`);
    for (const p of report.problems.slice(0, 5)) lines.push(`    e.g. ${p.file}${p.line ? `:${p.line}` : ''}${p.field ? ` (field "${p.field}")` : ''}: ${p.message}`);
  }
  for (const n of report.notes) lines.push(`  note: ${n}`);
  return lines;
}

export function renderList(vocabs: VocabularyInfo[]): string {
  if (vocabs.length === 0) return 'no vocabularies imported yet (try: normkit vocab import <file> or npm run demo)';
  return renderTable(
    ['name', 'version', 'format', 'concepts', 'terms', 'codes', 'imported'],
    vocabs.map((v) => [v.name, v.version ?? '', v.format, fmtInt(v.concepts), fmtInt(v.terms), fmtInt(v.codes), v.importedAt.slice(0, 19).replace('T', ' ')]),
    { right: [3, 4, 5] },
  );
}

export function renderStats(s: VocabularyStats): string {
  const out: string[] = [];
  out.push(`${s.name}${s.version ? ` ${s.version}` : ''} [${s.format}], imported ${s.importedAt}`);
  out.push(`  concepts        ${fmtInt(s.concepts)}${s.obsolete ? ` (${fmtInt(s.obsolete)} obsolete)` : ''}`);
  out.push(`  terms           ${fmtInt(s.terms)}  (${Object.entries(s.byKind).filter(([k]) => k !== 'code').map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ')})`);
  out.push(`  codes           ${fmtInt(s.codes)}`);
  out.push(`  parent links    ${fmtInt(s.edges)}  (${fmtInt(s.roots)} roots)`);
  out.push(`  cross-refs      ${fmtInt(s.xrefs)}`);
  const section = (title: string, header: string[], rows: string[][]): void => {
    if (rows.length === 0) return;
    out.push('', title, renderTable(header, rows, { right: header.map((_, i) => i).slice(1) }));
  };
  section('terms by language', ['lang', 'terms', 'concepts'], Object.entries(s.byLang).map(([k, v]) => [k, fmtInt(v.terms), fmtInt(v.concepts)]));
  section('terms by source field', ['origin', 'terms', 'concepts'], Object.entries(s.byOrigin).map(([k, v]) => [k, fmtInt(v.terms), fmtInt(v.concepts)]));
  section('synonym scopes', ['scope', 'terms'], Object.entries(s.byScope).map(([k, n]) => [k, fmtInt(n)]));
  section('types', ['type', 'concepts'], Object.entries(s.types).map(([k, n]) => [k, fmtInt(n)]));
  section('cross-reference prefixes', ['prefix', 'xrefs'], Object.entries(s.xrefPrefixes).map(([k, n]) => [k, fmtInt(n)]));
  section('source files', ['file', 'rows read'], s.files.map((f) => [f.file, fmtInt(f.rows)]));
  if (s.duplicatesMerged > 0) out.push('', `${fmtInt(s.duplicatesMerged)} exact duplicate terms were stored once`);
  const skipped = Object.entries(s.skipped);
  if (skipped.length > 0) out.push(`skipped at import (--skip-invalid): ${skipped.map(([k, n]) => `${fmtInt(n)} ${k}`).join(', ')}`);
  return out.join('\n');
}

export function renderConcept(c: ConceptView): string {
  const out = [`${c.id}  ${c.name}${c.obsolete ? '  [obsolete]' : ''}`];
  if (c.types.length) out.push(`  types: ${c.types.join(', ')}`);
  if (c.description) out.push(`  ${c.description.length > 300 ? `${c.description.slice(0, 299)}…` : c.description}`);
  if (c.parents.length) out.push(`  parents: ${c.parents.map((p) => `${p.id} (${p.name})`).join('; ')}`);
  if (c.children.length) {
    const shown = c.children.slice(0, 10).map((p) => `${p.id} (${p.name})`).join('; ');
    out.push(`  children: ${shown}${c.children.length > 10 ? `; … ${c.children.length - 10} more` : ''}`);
  }
  if (c.xrefs.length) out.push(`  xrefs: ${c.xrefs.join(', ')}`);
  out.push(
    '',
    renderTable(
      ['term', 'lang', 'kind', 'scope', 'origin'],
      c.terms.map((t) => [t.text, t.lang, t.kind, t.scope ?? '', t.origin ?? '']),
      { maxWidth: 60 },
    ),
  );
  return out.join('\n');
}

export function renderFetch(r: FetchResult): string {
  const lines = r.files.map((f) => {
    const how = !f.downloaded ? 'already downloaded' : f.resumed ? 'downloaded (resumed)' : 'downloaded';
    const check = f.verified ? 'sha256 verified' : `sha256 ${f.sha256} recorded (the manifest has no checksum to verify against)`;
    return `${how}: ${f.path} (${fmtInt(f.bytes)} bytes), ${check}`;
  });
  if (r.import) {
    lines.push(
      `imported ${r.name} ${r.version}: ${fmtInt(r.import.concepts)} concepts, ${fmtInt(r.import.terms)} terms, ${fmtInt(r.import.codes)} codes in ${r.import.seconds.toFixed(1)} s`,
    );
  } else {
    lines.push(`files are in ${r.directory}; import them with: normkit vocab import ${r.importedFrom.join(' ')}`);
  }
  return lines.join('\n');
}
