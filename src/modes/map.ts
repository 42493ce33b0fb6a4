/**
 * Taxonomy mapping, in the style of Text2Node: every concept of a source vocabulary is
 * linked to a target vocabulary, and the result is a crosswalk TSV.
 *
 * - The query is the source concept's preferred label; with `context: 'parents'`, its
 *   parents' labels are appended ("Other specified …, Diabetes mellitus"), which gives the
 *   generic labels of coding systems their meaning.
 * - When the best target concept is not good enough (the pipeline's NIL decision, or a
 *   similarity below `minSimilarity`), the mapping falls back to the closest ancestor in the
 *   target hierarchy that covers the top candidates, and reports how many levels up it is.
 * - Rows are written source concept by source concept, so an interrupted run resumes after
 *   the last complete one (`resume`).
 *
 * Columns: source_id, source_label, rank, target_id, target_label, score, similarity,
 * confidence, match (code | exact | linked | ancestor | candidate | none), level. A source
 * whose best candidate is weak gets an ancestor row first when one covers the top
 * candidates; its candidates are then all "candidate" rows.
 */
import { createWriteStream } from 'node:fs';
import { completeLinesOf } from '../io/jsonl.js';
import { stringify } from 'csv-stringify/sync';
import { silentProgress, type Progress } from '../core/progress.js';
import type { VocabStore } from '../store/store.js';
import { type Linker } from '../pipeline/linker.js';
import { PERFECT, type LinkCandidate, type LinkResult } from '../pipeline/result.js';

export interface MapOptions {
  k: number;
  context?: 'none' | 'parents';
  /** Fall back to an ancestor below this similarity (besides the pipeline's NIL decision). */
  minSimilarity?: number;
  /** How many top candidates the ancestor must cover. Default 3. */
  cover?: number;
  resume?: boolean;
  progress?: Progress;
  /** Source concepts linked per call. Default 256. */
  batchSize?: number;
}

export interface MapResult {
  sources: number;
  mapped: number;
  resumed: number;
  byMatch: Record<string, number>;
  seconds: number;
}

export const CROSSWALK_COLUMNS = ['source_id', 'source_label', 'rank', 'target_id', 'target_label', 'score', 'similarity', 'confidence', 'match', 'level'] as const;

function similarityOf(c: LinkCandidate): number {
  return c.generators?.[0]?.score ?? c.hubness?.before ?? c.score;
}

/** Source ids already complete in an earlier crosswalk (a partial last line is cut off). */
function doneSources(output: string): Set<string> {
  const lines = completeLinesOf(output).split('\n').slice(1);
  return new Set(lines.filter(Boolean).map((l) => l.split('\t')[0]!));
}

/** One row of a mapping: a target concept, how it matched, and its scores (none for an ancestor). */
export interface MappingRow {
  rank: number;
  targetId: string;
  /** exact, code or linked (the top candidate), candidate (the others), ancestor (the fallback). */
  match: 'exact' | 'code' | 'linked' | 'candidate' | 'ancestor';
  /** For an ancestor, how many levels above the top candidate; else 0. */
  level: number;
  score?: number;
  similarity?: number;
  confidence?: number;
}

/**
 * How one source text maps (Text2Node): its ranked candidates, and, when the best is weak
 * (NIL, or similarity below `minSimilarity`), the deepest target concept that is an ancestor
 * of the top `cover` candidates first. `match` sums the source up: the top row's match,
 * `nil` when weak and no common ancestor exists, `none` without candidates.
 */
export function decideMapping(
  r: LinkResult,
  ancestors: (id: string) => ReadonlyMap<string, number>,
  options: { cover?: number; minSimilarity?: number } = {},
): { match: MappingRow['match'] | 'nil' | 'none'; rows: MappingRow[] } {
  const cands = r.candidates;
  if (!cands.length) return { match: 'none', rows: [] };
  const cover = options.cover ?? 3;
  const top = cands[0]!;
  const weak = r.nil === true || (options.minSimilarity !== undefined && similarityOf(top) < options.minSimilarity);
  const rows: MappingRow[] = [];
  let match: MappingRow['match'] | 'nil' | undefined;
  if (weak) {
    // The deepest target concept that is an ancestor (or self) of each of the top candidates.
    const chains = cands.slice(0, cover).map((c) => ancestors(c.conceptId));
    let best: { id: string; level: number } | undefined;
    for (const [id, d] of chains[0]!) {
      if (!chains.every((ch) => ch.has(id))) continue;
      if (!best || d < best.level) best = { id, level: d };
    }
    if (best && best.level > 0) {
      rows.push({ rank: 1, targetId: best.id, match: 'ancestor', level: best.level });
      match = 'ancestor';
    } else match = 'nil';
  }
  cands.forEach((c, ci) => {
    const sim = similarityOf(c);
    const m = weak || ci > 0 ? 'candidate' : c.generator === 'code' ? 'code' : sim >= PERFECT ? 'exact' : 'linked';
    match ??= m;
    rows.push({ rank: rows.length + 1, targetId: c.conceptId, match: m, level: 0, score: c.score, similarity: sim, ...(c.confidence !== undefined ? { confidence: c.confidence } : {}) });
  });
  return { match: match!, rows };
}

/** A vocabulary's ancestors of a concept by distance (itself at 0), breadth first; memoized. */
export function ancestorsIn(store: VocabStore, vocabulary: string): (id: string) => Map<string, number> {
  const parentsOf = new Map<string, string[]>();
  const parents = (id: string): string[] => {
    let p = parentsOf.get(id);
    if (!p) parentsOf.set(id, (p = store.concept(vocabulary, id).parents.map((r) => r.id)));
    return p;
  };
  return (id) => {
    const dist = new Map([[id, 0]]);
    const queue = [id];
    while (queue.length) {
      const c = queue.shift()!;
      for (const p of parents(c)) {
        if (!dist.has(p)) {
          dist.set(p, dist.get(c)! + 1);
          queue.push(p);
        }
      }
    }
    return dist;
  };
}

export async function mapVocabulary(store: VocabStore, source: string, target: string, linker: Linker, output: string, options: MapOptions): Promise<MapResult> {
  const started = performance.now();
  const progress = options.progress ?? silentProgress;
  const cover = options.cover ?? 3;
  const concepts: Array<{ id: string; label: string }> = [];
  for (const t of store.terms(source)) if (t.kind === 'preferred') concepts.push({ id: t.conceptId, label: t.text });
  const done = options.resume ? doneSources(output) : new Set<string>();
  const todo = concepts.filter((c) => !done.has(c.id));
  const out = createWriteStream(output, { flags: options.resume && done.size ? 'a' : 'w' });
  let writeError: Error | undefined;
  out.on('error', (err) => (writeError ??= err));
  if (!(options.resume && done.size)) out.write(stringify([[...CROSSWALK_COLUMNS]], { delimiter: '\t' }));
  const byMatch: Record<string, number> = {};
  const labelOf = (id: string): string => store.concept(target, id).name;
  const ancestors = ancestorsIn(store, target);
  const batchSize = options.batchSize ?? 256;
  progress.start(`mapping ${source} → ${target}`, todo.length, 'concepts');
  try {
    for (let start = 0; start < todo.length; start += batchSize) {
      const batch = todo.slice(start, start + batchSize);
      const texts = batch.map((c) => {
        if (options.context !== 'parents') return { text: c.label };
        const ps = store.concept(source, c.id).parents.map((p) => p.name).filter((n) => n && n !== c.label);
        return { text: ps.length ? `${c.label}, ${ps.join(', ')}` : c.label };
      });
      const results = await linker.linkMany(texts, options.k);
      const rows: Array<Array<string | number>> = [];
      results.forEach((r, i) => {
        const src = batch[i]!;
        const cands = r.candidates;
        const fmt = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(4));
        if (!cands.length) {
          rows.push([src.id, src.label, 1, '', '', '', '', '', 'none', '']);
          byMatch['none'] = (byMatch['none'] ?? 0) + 1;
          return;
        }
        const decided = decideMapping(r, ancestors, { cover, ...(options.minSimilarity !== undefined ? { minSimilarity: options.minSimilarity } : {}) });
        byMatch[decided.match] = (byMatch[decided.match] ?? 0) + 1;
        for (const m of decided.rows) {
          rows.push([src.id, src.label, m.rank, m.targetId, labelOf(m.targetId), m.score === undefined ? '' : m.score.toFixed(4), m.similarity === undefined ? '' : m.similarity.toFixed(4), fmt(m.confidence), m.match, m.level]);
        }
      });
      out.write(stringify(rows, { delimiter: '\t' }));
      if (writeError) throw writeError;
      progress.advance(batch.length);
    }
  } finally {
    progress.stop();
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  if (writeError) throw writeError;
  return { sources: concepts.length, mapped: todo.length, resumed: done.size, byMatch, seconds: (performance.now() - started) / 1000 };
}
