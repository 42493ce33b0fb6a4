/**
 * ties (`ties: preferred`): among candidates matched by the same term text (several
 * concepts share it), those whose preferred label it is move ahead of those for which it is
 * only a synonym, within the positions the tied candidates hold; scores stay positional.
 * ESCO, MeSH and most thesauri list a form as one concept's preferred label and as another's
 * synonym ("data scientist": an occupation's name, and a synonym of "bioinformatics
 * scientist").
 */
import { withPositionalScores } from '../../core/rank.js';
import type { IndexedTerm } from '../../lexical/lexical-index.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

/**
 * The candidates reordered: within each group of equal `key`, if its first member is not
 * preferred, the preferred members first (in their order), then the others.
 */
export function preferredLabelsFirst<C>(candidates: readonly C[], key: (c: C) => string, isPreferred: (c: C) => boolean): C[] {
  const groups = new Map<string, number[]>();
  candidates.forEach((c, i) => {
    const k = key(c);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  let out: C[] | undefined;
  for (const positions of groups.values()) {
    if (positions.length < 2 || isPreferred(candidates[positions[0]!]!)) continue;
    const members = positions.map((i) => candidates[i]!);
    const ordered = [...members.filter(isPreferred), ...members.filter((c) => !isPreferred(c))];
    if (ordered[0] === members[0]) continue;
    out ??= [...candidates];
    positions.forEach((p, j) => (out![p] = ordered[j]!));
  }
  return out ?? [...candidates];
}

export class TiesStage implements Stage {
  readonly name = 'ties';

  /** `isPreferred(term)`: the term is its concept's preferred label. */
  constructor(private readonly isPreferred: (term: IndexedTerm) => boolean) {}

  run(batch: QueryState[]): void {
    for (const q of batch) {
      if (q.candidates.length < 2) continue;
      const terms = q.candidateTerms;
      const order = preferredLabelsFirst(
        q.candidates.map((_, i) => i),
        (i) => terms[i]!.norm,
        (i) => this.isPreferred(terms[i]!),
      );
      q.candidates = withPositionalScores(q.candidates, order.map((i) => q.candidates[i]!));
    }
  }
}

export const tiesStage = defineStage({
  name: 'ties',
  section: (config) => (config.ties === 'preferred' ? config.ties : undefined),
  build(_section, { store, vocabulary, resources }) {
    const labels = new Set<string>();
    for (const t of store.terms(vocabulary)) if (t.kind === 'preferred') labels.add(`${t.conceptId}\u0000${t.text}`);
    const preferred = new Set(resources.index.terms.filter((t) => labels.has(`${t.conceptId}\u0000${t.text}`)));
    return new TiesStage((t) => preferred.has(t));
  },
});
