/** Human-readable rendering of `normkit build`: what the built linker holds and what was reused. */
import type { Linker } from '../../pipeline/linker.js';

/** What `Linker.summary()` reports. */
export type BuildSummary = ReturnType<Linker['summary']>;

export function renderBuild(r: BuildSummary): string {
  return [
    `${r.vocabulary}: pipeline ${r.pipeline}, ${r.concepts.toLocaleString('en-US')} concepts, ${r.terms.toLocaleString('en-US')} terms`,
    ...r.generators.map((g) => `  ${g.generator}${g.dim ? ` (${g.dim} dimensions)` : ''}${g.fromCache === undefined ? '' : g.fromCache ? ': reused' : ': built'}`),
    `  hubness correction: ${r.hubness}`,
    `${r.fromCache ? 'everything reused from the cache' : 'built'} in ${r.seconds.toFixed(1)} s`,
  ].join('\n');
}
