/**
 * The trained pairwise reranker: a linear model over features of each (mention, candidate)
 * pair, learned with a listwise loss from labeled queries (`normkit train-reranker`), with
 * no downloaded model.
 *
 * Features (standardized with the training set's mean and deviation, stored with the model):
 *   margin       the first-stage score minus the top candidate's
 *   similarity   the matched term's similarity before the hubness correction
 *   rank         1 / first-stage rank
 *   lexical, dense, and 1 / their ranks (0 when the generator did not return the term)
 *   trigram      char 3-gram Jaccard of the query and the matched term (both folded)
 *   cover, precise  shared words / query words, shared words / term words
 *   jaroWinkler  of the folded query and term
 *   head         the last words are equal
 *   length       shorter / longer length
 *   acronym      the query is one short token equal to the term's initials
 *   prior        log(1 + the concept's training mentions among the linker's extra terms)
 *   sharedParent the share of the other candidates that are the concept's parent, child or
 *                sibling (a shared parent) in the vocabulary's hierarchy: a candidate in a
 *                family the first stage keeps returning is more likely the right branch
 *
 * Loss, per query with a gold concept among its top `depth` candidates: the cross-entropy of
 * softmax(w·x) against the gold, plus λ‖w − w₀‖², where w₀ ranks exactly as the first stage
 * (all weight on the margin): the model only moves away from the first-stage order as far as
 * the data pays for (the spirit of xMEN's rank regularization). Adam, full batch.
 */
import { JaroWinklerDistance } from 'natural/lib/natural/distance/index.js';
import { foldText } from '../core/fold.js';
import type { LinkCandidate, LinkResult } from './result.js';

export const PAIRWISE_FEATURES = ['margin', 'similarity', 'rank', 'lexical', 'lexicalRank', 'dense', 'denseRank', 'trigram', 'cover', 'precise', 'jaroWinkler', 'head', 'length', 'acronym', 'prior', 'sharedParent'] as const;

/** What the features need to know of the vocabulary: a concept's training mentions and its parents. */
export interface PairContext {
  prior(conceptId: string): number;
  parents(conceptId: string): readonly string[];
}

export interface PairwiseModel {
  features: string[];
  mean: number[];
  std: number[];
  weights: number[];
}

function trigrams(s: string): Set<string> {
  const p = ` ${s} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= p.length; i++) out.add(p.slice(i, i + 3));
  return out;
}

/** Whether two concepts are parent and child, or siblings. */
function related(a: string, b: string, parents: PairContext['parents']): boolean {
  const pa = parents(a);
  const pb = parents(b);
  return pa.includes(b) || pb.includes(a) || pa.some((p) => pb.includes(p));
}

/** The raw feature vector (PAIRWISE_FEATURES order) of each candidate of one result. */
export function pairFeatures(r: Pick<LinkResult, 'input' | 'candidates'>, context: PairContext): number[][] {
  const { prior, parents } = context;
  const q = foldText(r.input);
  const qWords = q.split(' ').filter(Boolean);
  const qSet = new Set(qWords);
  const qGrams = trigrams(q);
  const top = r.candidates[0]?.score ?? 0;
  const acronymQuery = /^[A-Z0-9]{2,6}$/.test(r.input.trim());
  return r.candidates.map((c: LinkCandidate, i) => {
    const t = foldText(c.term.text);
    const tWords = t.split(' ').filter(Boolean);
    const shared = tWords.filter((w) => qSet.has(w)).length;
    const tGrams = trigrams(t);
    let inter = 0;
    for (const g of qGrams) if (tGrams.has(g)) inter++;
    const lexical = c.generators?.[0] ?? (c.generator === 'lexical' ? { score: c.hubness?.before ?? c.score, rank: i + 1 } : { score: 0, rank: null });
    const dense = c.generators?.slice(1).reduce<{ score: number; rank: number | null }>((best, g) => (g.score > best.score ? g : best), { score: 0, rank: null }) ?? { score: 0, rank: null };
    const initials = tWords.map((w) => w[0]).join('');
    return [
      c.score - top,
      c.hubness?.before ?? c.score,
      1 / (i + 1),
      lexical.score,
      lexical.rank ? 1 / lexical.rank : 0,
      dense.score,
      dense.rank ? 1 / dense.rank : 0,
      inter / Math.max(1, qGrams.size + tGrams.size - inter),
      qWords.length ? shared / qWords.length : 0,
      tWords.length ? shared / tWords.length : 0,
      q && t ? JaroWinklerDistance(q, t) : 0,
      qWords.length && tWords.length && qWords[qWords.length - 1] === tWords[tWords.length - 1] ? 1 : 0,
      Math.min(q.length, t.length) / Math.max(1, q.length, t.length),
      acronymQuery && initials === q.replace(/ /g, '') ? 1 : 0,
      Math.log(1 + prior(c.conceptId)),
      r.candidates.length > 1 ? r.candidates.filter((o, j) => j !== i && related(c.conceptId, o.conceptId, parents)).length / (r.candidates.length - 1) : 0,
    ];
  });
}

/** Scores of candidates' feature vectors (PAIRWISE_FEATURES order) under a model, which may use a subset of the features (an older model). */
export function pairwiseScores(model: PairwiseModel, features: readonly number[][]): number[] {
  const at = model.features.map((f) => PAIRWISE_FEATURES.indexOf(f as (typeof PAIRWISE_FEATURES)[number]));
  return features.map((x) => at.reduce((s, i, j) => s + model.weights[j]! * ((x[i]! - model.mean[j]!) / model.std[j]!), 0));
}
