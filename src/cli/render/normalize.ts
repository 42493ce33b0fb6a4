/** Human-readable renderings of `normkit normalize`: one text (with --explain, its trace), or a file run's summary. */
import type { NormalizeResult } from '../../normalize/engine.js';
import { renderTable } from './table.js';

export function renderNormalize(r: NormalizeResult, explain: boolean): string {
  const attrs = Object.entries(r.attributes).map(([k, v]) => `${k}=${v.join(', ')}`);
  const lines = [
    `input       ${r.original}`,
    `normalized  ${r.text}`,
    `match key   ${r.key}`,
    `attributes  ${attrs.length ? attrs.join('; ') : '-'}`,
    `codes       ${r.codes.length ? r.codes.map((c) => `${c.system}:${c.code}`).join(', ') : '-'}`,
  ];
  if (explain) {
    lines.push(
      '',
      r.trace.length
        ? renderTable(
            ['stage', 'rule', 'before', 'after', 'note'],
            r.trace.map((t) => [t.stage, t.rule, `${JSON.stringify(t.before.text)} @${t.before.start}`, `${JSON.stringify(t.after.text)} @${t.after.start}`, t.note ?? '']),
            { maxWidth: 48 },
          )
        : 'no rule changed the text',
    );
  }
  return lines.join('\n');
}

/** `normalize --input … --output …`'s summary. */
export interface NormalizeFileSummary {
  lines: number;
  written: number;
  skipped: number;
  seconds: number;
  output: string;
}

export function renderNormalizeFile(s: NormalizeFileSummary): string {
  return `normalized ${s.written} of ${s.lines} lines in ${s.seconds.toFixed(1)} s → ${s.output}${s.skipped ? ` (${s.skipped} bad lines skipped)` : ''}`;
}
