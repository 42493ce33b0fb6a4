/**
 * The specificity stage: answer the specific concept rather than its group.
 *
 * Classifications such as ESCO keep group concepts (the ISCO groups) above the concepts that
 * are the usual answer (occupations), and a group's label is often the plural or generic
 * form of its members' ("Restaurant managers" above "restaurant manager"). When the best
 * candidate is such a group and one of its descendants ranks within the first `depth`
 * candidates, the best-ranked descendant is answered first and the group second; the other
 * candidates keep their order. A group stays first when none of its descendants is a
 * candidate: the text then names the group itself, or nothing more specific matches.
 *
 * This mirrors how ESCO crosswalks are made: a national title maps to an occupation when
 * one fits, and to the ISCO group only when none does.
 */
import type { SpecificityConfig } from './config.js';

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

/**
 * The candidates with positional scores: the concepts in `order`, each taking the score the
 * candidate at its new position had, so scores still descend (src/rank.ts) after a stage
 * reorders them. Each moved candidate keeps its own score in `scoreBefore`.
 */
export function withPositionalScores<C extends RankedConcept & { score: number }>(candidates: readonly C[], order: readonly C[]): C[] {
  return order.map((c, i) => (c === candidates[i] ? c : { ...c, score: candidates[i]!.score }));
}

/**
 * Ties on the matched term: among candidates whose matched term has the same `key` (several
 * concepts share the text), those for which it is the concept's preferred label move
 * ahead of those for which it is only a synonym, within the positions the tied
 * candidates hold. ESCO, MeSH and most thesauri list a form as one concept's preferred
 * label and as another's synonym ("data scientist": an occupation's name, and a synonym
 * of "bioinformatics scientist").
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
