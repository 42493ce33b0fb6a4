/** Human-readable rendering of `normkit map`'s summary (the crosswalk itself is the TSV it wrote). */
import type { MapResult } from '../../modes/map.js';

export function renderMap(r: MapResult, from: string, to: string, output: string): string {
  return [
    `${from} → ${to}: ${r.mapped.toLocaleString('en-US')} source concepts mapped in ${r.seconds.toFixed(1)} s${r.resumed ? ` (${r.resumed.toLocaleString('en-US')} already done)` : ''} → ${output}`,
    `  best match: ${Object.entries(r.byMatch).map(([m, n]) => `${m} ${n}`).join(', ')}`,
  ].join('\n');
}
