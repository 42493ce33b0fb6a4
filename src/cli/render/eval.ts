/** Human-readable rendering of `normkit eval`. */
import type { EvalCommandResult } from '../../metrics/run-eval.js';
import { fmtInt, renderTable } from './table.js';

export function renderEval(r: EvalCommandResult, pipelineName: string): string {
  const rep = r.report;
  const rows = Object.entries(r.summary)
    .filter(([k]) => k !== 'n' && k !== 'queries_per_second' && k !== 'index_build_seconds')
    .map(([k, v]) => [k, v.toFixed(4)]);
  const lines = [
    `${pipelineName} on ${r.vocabulary}${r.importedNow ? ' (imported now)' : ''}: ${fmtInt(rep.n)} queries scored` +
      (rep.nil ? `, ${fmtInt(rep.nil)} NIL queries not scored` : '') +
      `, ${rep.depth} candidates each`,
    '',
    renderTable(['metric', 'value'], rows, { right: [1] }),
    '',
    `${rep.queriesPerSecond.toFixed(0)} queries/s; index ${rep.indexBuildSeconds.toFixed(2)} s`,
  ];
  if (rep.goldMissing > 0) lines.push(`warning: ${fmtInt(rep.goldMissing)} queries have no gold concept in the vocabulary (they count as misses)`);
  return lines.join('\n');
}
