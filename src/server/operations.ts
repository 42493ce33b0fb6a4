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

/** Each operation's arguments, by name. */
export interface OperationArgs {
  normalize: { texts: string[]; k: number; lang?: string | undefined; explain: boolean };
  link: { text: string; mentions?: Array<{ start: number; end: number }> | undefined; k: number; lang?: string | undefined; threshold?: number | undefined; explain: boolean };
  map: { items: string[]; k: number; minSimilarity?: number | undefined };
  search: { q: string; k: number; lang?: string | undefined };
}

/** What each operation answers: its response body, less the `vocabulary` the route adds. */
export interface OperationResults {
  normalize: Linked[];
  link: Omit<LinkResponse, 'vocabulary'>;
  map: MapResponse['results'];
  search: ConceptHit[];
}

export type OperationName = keyof OperationArgs;

/**
 * An operation: its name (`op`) and arguments; with no argument, any of them. Written as a
 * mapped type indexed by `N` (not a plain union) so that a function generic in `N` can look
 * its runner up by `o.op` and return `OperationResults[N]`: TypeScript correlates the two.
 */
export type Operation<N extends OperationName = OperationName> = { [P in N]: { op: P } & OperationArgs[P] }[N];

/** What an operation of name `N` answers. */
export type ResultOf<N extends OperationName> = OperationResults[N];

/** What any operation answers (what a pool worker sends back). */
export type OperationResult = ResultOf<OperationName>;

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
    ...(r.truncated ? { truncated: r.truncated } : {}),
  };
}

/** Operations that link short texts (normalize, search): several can share one `linkMany`. */
export type QueryName = 'normalize' | 'search';
export type QueryOperation = Operation<QueryName>;

export function isQueryOperation(o: Operation): o is QueryOperation {
  return o.op === 'normalize' || o.op === 'search';
}

function queriesOf(o: QueryOperation): Array<{ text: string; lang: string | undefined }> {
  return o.op === 'normalize' ? o.texts.map((text) => ({ text, lang: o.lang })) : [{ text: o.q, lang: o.lang }];
}

/** A query operation's answer from the results of its own queries (`queriesOf`), in order. */
const SHAPES: { [N in QueryName]: (linker: Linker, o: Operation<N>, results: readonly LinkResult[]) => OperationResults[N] } = {
  normalize: (linker, o, results) => results.map((r) => linked(linker, r, o.explain)),
  search: (linker, _o, results) => results[0]!.candidates.map((c) => hit(linker, c, false)),
};

function shapeQuery<N extends QueryName>(linker: Linker, o: Operation<N>, results: readonly LinkResult[]): OperationResults[N] {
  return SHAPES[o.op](linker, o, results);
}

/**
 * Runs query operations with the same `k` as one `linkMany` (the dense encoder then encodes
 * their texts in one batch), each result shaped as its own operation asks.
 */
export async function runQueryOperations(linker: Linker, ops: readonly QueryOperation[]): Promise<Array<ResultOf<QueryName>>> {
  const k = ops[0]!.k;
  if (ops.some((o) => o.k !== k)) throw new Error('runQueryOperations: operations with different k');
  const perOp = ops.map(queriesOf);
  const results = await linker.linkMany(perOp.flat(), k);
  let at = 0;
  return ops.map((o, i) => shapeQuery(linker, o, results.slice(at, (at += perOp[i]!.length))));
}

const RUNNERS: { [N in OperationName]: (linker: Linker, store: VocabStore, o: Operation<N>) => Promise<OperationResults[N]> } = {
  // A query operation on its own: what runQueryOperations does for a batch of one.
  normalize: async (linker, _store, o) => SHAPES.normalize(linker, o, await linker.linkMany(queriesOf(o), o.k)),
  search: async (linker, _store, o) => SHAPES.search(linker, o, await linker.linkMany(queriesOf(o), o.k)),
  async link(linker, _store, o) {
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
  },
  async map(linker, store, o) {
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
  },
};

/** Runs one operation; its result is typed by the operation's name. */
export function runOperation<N extends OperationName>(linker: Linker, store: VocabStore, o: Operation<N>): Promise<OperationResults[N]> {
  return RUNNERS[o.op](linker, store, o);
}
