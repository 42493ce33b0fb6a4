/**
 * What the API's search endpoints do with a linker: the pool workers run these (so the
 * event loop stays free) and return plain objects shaped as the response schemas.
 */
import { linkDocument } from '../modes/document.js';
import type { Linker } from '../pipeline/linker.js';
import { ancestorsIn, decideMapping } from '../modes/map.js';
import type { VocabStore } from '../store/store.js';
import type { ConceptHit, Linked, LinkResponse, MapResponse } from './schemas.js';
import type { LinkCandidate, LinkResult } from '../pipeline/result.js';

export type Operation =
  | { op: 'normalize'; texts: string[]; k: number; lang?: string | undefined; explain: boolean }
  | { op: 'link'; text: string; mentions?: Array<{ start: number; end: number }> | undefined; k: number; lang?: string | undefined; threshold?: number | undefined; explain: boolean }
  | { op: 'map'; items: string[]; k: number; minSimilarity?: number | undefined }
  | { op: 'search'; q: string; k: number; lang?: string | undefined };

export type OperationResult = Linked[] | Omit<LinkResponse, 'vocabulary'> | MapResponse['results'] | ConceptHit[];

function hit(linker: Linker, c: LinkCandidate, explain: boolean): ConceptHit {
  return {
    id: c.conceptId,
    label: linker.conceptName(c.conceptId) ?? c.term.text,
    score: c.score,
    ...(c.confidence !== undefined ? { confidence: c.confidence } : {}),
    matchedTerm: c.term,
    ...(explain
      ? {
          explanation: {
            generator: c.generator,
            ...(c.generators ? { generators: c.generators } : {}),
            ...(c.views ? { views: c.views } : {}),
            ...(c.hubness ? { hubness: c.hubness } : {}),
            ...(c.rerank ? { rerank: c.rerank } : {}),
            ...(c.preferredOver ? { preferredOver: c.preferredOver } : {}),
          },
        }
      : {}),
  };
}

function linked(linker: Linker, r: LinkResult, explain: boolean): Linked {
  return {
    input: r.input,
    normalized: r.normalized,
    attributes: r.attributes,
    concepts: r.candidates.map((c) => hit(linker, c, explain)),
    nil: r.nil ?? r.candidates.length === 0,
    ...(explain ? { rulesFired: r.rulesFired, codes: r.codes } : {}),
  };
}

/** Operations that link short texts (normalize, search): several can share one `linkMany`. */
export type QueryOperation = Extract<Operation, { op: 'normalize' | 'search' }>;

export function isQueryOperation(o: Operation): o is QueryOperation {
  return o.op === 'normalize' || o.op === 'search';
}

/**
 * Runs query operations with the same `k` as one `linkMany` (the dense encoder then encodes
 * their texts in one batch), each result shaped as its own operation asks.
 */
export async function runQueryOperations(linker: Linker, ops: readonly QueryOperation[]): Promise<OperationResult[]> {
  const k = ops[0]!.k;
  if (ops.some((o) => o.k !== k)) throw new Error('runQueryOperations: operations with different k');
  const queries = ops.flatMap((o) => (o.op === 'normalize' ? o.texts.map((text) => ({ text, lang: o.lang })) : [{ text: o.q, lang: o.lang }]));
  const results = await linker.linkMany(queries, k);
  let at = 0;
  return ops.map((o) => {
    if (o.op === 'search') return results[at++]!.candidates.map((c) => hit(linker, c, false));
    const own = results.slice(at, (at += o.texts.length));
    return own.map((r) => linked(linker, r, o.explain));
  });
}

export async function runOperation(linker: Linker, store: VocabStore, o: Operation): Promise<OperationResult> {
  switch (o.op) {
    case 'normalize':
    case 'search':
      return (await runQueryOperations(linker, [o]))[0]!;
    case 'link': {
      const doc = await linkDocument(linker, o.text, {
        k: o.k,
        ...(o.mentions ? { mentions: o.mentions } : {}),
        ...(o.lang ? { lang: o.lang } : {}),
        ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
      });
      return {
        mentions: doc.mentions.map((m) => ({
          start: m.start,
          end: m.end,
          text: m.text,
          source: m.source,
          ...(m.matchScore !== undefined ? { matchScore: m.matchScore } : {}),
          group: m.group,
          canonical: m.canonical,
          concepts: m.candidates.map((c) => hit(linker, c, o.explain)),
          nil: m.nil ?? m.candidates.length === 0,
        })),
        groups: doc.groups.map((g) => ({ canonical: g.canonical, members: g.members })),
        abbreviations: doc.abbreviations,
      };
    }
    case 'map': {
      const results = await linker.linkMany(
        o.items.map((text) => ({ text })),
        o.k,
      );
      const ancestors = ancestorsIn(store, linker.vocabulary);
      const label = (id: string): string => linker.conceptName(id) ?? store.concept(linker.vocabulary, id).name;
      return results.map((r) => {
        const d = decideMapping(r, ancestors, o.minSimilarity !== undefined ? { minSimilarity: o.minSimilarity } : {});
        return { input: r.input, match: d.match, targets: d.rows.map(({ targetId, ...row }) => ({ ...row, id: targetId, label: label(targetId) })) };
      });
    }
  }
}
