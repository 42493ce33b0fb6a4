/** Human-readable renderings of `normkit index build` and `normkit index stats` (hubness diagnostics). */
import type { HubnessDiagnostics, HubnessSide } from '../../tuning/hubness.js';
import type { IndexBuildResult } from '../../vector/build-index.js';
import { renderTable } from './table.js';

export function renderIndexBuild(r: IndexBuildResult): string {
  const p = r.params;
  return `built the vector index of ${r.vocabulary}: ${r.count} terms × ${r.dim} dims in ${r.seconds.toFixed(1)} s\n  encoder ${r.encoder}\n  HNSW space=${p.space} m=${p.m} efConstruction=${p.efConstruction} ef=${p.ef}\n  ${r.file}`;
}

function renderSide(title: string, s: HubnessSide, k: number): string {
  const hist = s.distribution
    .slice(0, 12)
    .map(([occ, n]) => `${occ}:${n}`)
    .join('  ');
  return [
    `${title} (${s.method})`,
    `  N_${k} skewness ${s.skewness.toFixed(2)}; top 1% of concepts hold ${(100 * s.topShare).toFixed(1)}% of top-${k} slots`,
    `  N_${k} distribution (occurrences:concepts) ${hist}${s.distribution.length > 12 ? '  …' : ''}`,
    renderTable(
      ['hub', 'label', `N_${k}`],
      s.hubs.map((h) => [h.conceptId, h.name ?? '', String(h.occurrences)]),
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ].join('\n');
}

export function renderIndexStats(d: HubnessDiagnostics): string {
  const c = d.correction;
  return [
    `${d.queries} queries (${d.querySource}) over ${d.concepts} concepts, top ${d.k}`,
    `correction: ${c.method} β1=${c.beta1} β2=${c.beta2}, banks of ${c.bankSize} (top ${c.bankDepth} each), K′=${c.candidates}`,
    renderSide('before', d.before, d.k),
    renderSide('after', d.after, d.k),
  ].join('\n');
}
