/**
 * specificity: answer the specific concept rather than its group.
 *
 * Classifications such as ESCO keep group concepts (the ISCO groups) above the concepts that
 * are the usual answer (occupations), and a group's label is often the plural or generic
 * form of its members' ("Restaurant managers" above "restaurant manager"). When the best
 * candidate is such a group and one of its descendants ranks within the first `depth`
 * candidates, the best-ranked descendant is answered first and the group second; the other
 * candidates keep their order, and scores stay positional. A group stays first when none of
 * its descendants is a candidate: the text then names the group itself, or nothing more
 * specific matches.
 *
 * This mirrors how ESCO crosswalks are made: a national title maps to an occupation when
 * one fits, and to the ISCO group only when none does.
 */
import { withPositionalScores } from '../../core/rank.js';
import type { SpecificityConfig } from '../config.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

/** What the stage reads of a candidate. */
export interface RankedConcept {
  conceptId: string;
}

/** The vocabulary's group concepts and parent links. */
export interface Hierarchy {
  isGroup(conceptId: string): boolean;
  parents(conceptId: string): readonly string[];
}

/** Whether `ancestor` is above `conceptId` in the hierarchy (parent links, any depth; cycles are tolerated). */
export function isDescendant(conceptId: string, ancestor: string, hierarchy: Hierarchy): boolean {
  const seen = new Set<string>([conceptId]);
  let level: readonly string[] = [conceptId];
  while (level.length) {
    const next: string[] = [];
    for (const id of level) {
      for (const p of hierarchy.parents(id)) {
        if (p === ancestor) return true;
        if (!seen.has(p)) {
          seen.add(p);
          next.push(p);
        }
      }
    }
    level = next;
  }
  return false;
}

/**
 * The candidates in the order the stage answers them: unchanged unless the first is a group
 * with a descendant within `depth`; then that descendant first and the group second. Returns
 * the descendant's position before the move (-1: nothing moved).
 */
export function preferSpecific<C extends RankedConcept>(candidates: C[], config: SpecificityConfig, hierarchy: Hierarchy): { candidates: C[]; moved: number } {
  const top = candidates[0];
  if (!top || !hierarchy.isGroup(top.conceptId)) return { candidates, moved: -1 };
  const limit = Math.min(config.depth, candidates.length);
  for (let i = 1; i < limit; i++) {
    const c = candidates[i]!;
    if (!hierarchy.isGroup(c.conceptId) && isDescendant(c.conceptId, top.conceptId, hierarchy)) {
      return { candidates: [c, top, ...candidates.slice(1, i), ...candidates.slice(i + 1)], moved: i };
    }
  }
  return { candidates, moved: -1 };
}

export class SpecificityStage implements Stage {
  readonly name = 'specificity';
  readonly reads: number;

  constructor(
    private readonly config: SpecificityConfig,
    private readonly hierarchy: Hierarchy,
  ) {
    this.reads = config.depth;
  }

  run(batch: QueryState[]): void {
    for (const q of batch) {
      const { candidates, moved } = preferSpecific(q.candidates, this.config, this.hierarchy);
      if (moved < 0) continue;
      candidates[0] = { ...candidates[0]!, preferredOver: { group: candidates[1]!.conceptId, rank: moved + 1, score: candidates[0]!.score } };
      q.candidates = withPositionalScores(q.candidates, candidates);
    }
  }
}

export const specificityStage = defineStage({
  name: 'specificity',
  section: (config) => config.specificity,
  build(section, { store, vocabulary, resources }) {
    const groups = new Set(store.conceptsOfTypes(vocabulary, section.groupTypes));
    // A vocabulary without such groups has nothing to replace.
    if (!groups.size) return undefined;
    return new SpecificityStage(section, { isGroup: (id) => groups.has(id), parents: resources.parents });
  },
});
