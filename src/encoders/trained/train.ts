/**
 * Trains the embedding-bag encoder (model.ts) on a vocabulary's own synonyms, in
 * TypeScript with hand-written gradients (the SapBERT idea: pull a concept's terms
 * together, push other concepts' apart).
 *
 * - Positives: pairs of terms of one concept (all languages: cross-lingual alignment
 *   comes from concepts with labels in several languages); labeled (text → concept)
 *   pairs when given; a concept with one term is paired with a damaged copy of it.
 * - Loss: multiple-negatives ranking (InfoNCE) with in-batch negatives: for anchor i and
 *   candidates j (every positive of the batch, plus one hard negative per anchor),
 *   L = −log softmax_j(s · u_i·v_j)[i]. Candidates of the anchor's own concept (other
 *   than its positive) are masked out.
 * - Hard negatives: the most similar-looking terms of other concepts, from a char n-gram
 *   TF-IDF index over the training terms (one of the top 5, at random, per anchor).
 * - Optimizer: row-wise Adagrad on the embedding table (one accumulator per row, so the
 *   sparse updates cost nothing for untouched rows), linear learning-rate decay.
 * - Early stopping: Success@1 of held-out validation synonyms (never trained on) against
 *   the training terms, every `evalEvery` steps; the best table is kept.
 *
 * Seeded: the same data and options give the same model.
 */
import { LexicalIndex } from '../../lexical/lexical-index.js';
import { foldText } from '../../core/fold.js';
import type { Features } from './featurizer.js';
import { BagModel } from './model.js';
import { NearestSearch } from './nearest.js';
import { DEFAULT_FEATURIZER, type FeaturizerSpec } from './featurizer.js';

export interface TrainingConcept {
  id: string;
  terms: readonly string[];
}

export interface LabeledPair {
  text: string;
  conceptId: string;
}

export interface ValidationQuery {
  text: string;
  conceptId: string;
}

export interface TrainOptions {
  dim?: number;
  featurizer?: Partial<FeaturizerSpec>;
  /** Passes over the anchors (early stopping usually ends sooner). Default 6. */
  epochs?: number;
  /** Anchors per step. Default 128. */
  batchSize?: number;
  /** Adagrad learning rate. Default 0.5. */
  learningRate?: number;
  /** Logit scale s (1/temperature). Default 20. */
  scale?: number;
  /** Hard negatives per anchor (0 or 1). Default 1. */
  hardNegatives?: number;
  seed?: number;
  /** Evaluate on the validation queries every this many steps. Default: 200, or half an epoch when that is longer. */
  evalEvery?: number;
  /** Stop after this many evaluations without improvement. Default 3. */
  patience?: number;
  /** Called after each step and each evaluation. */
  onProgress?: (p: TrainProgress) => void;
  /**
   * Groups of texts that mean the same besides the vocabulary's concepts (e.g. a word and its
   * translations from bilingual lexicons): trained on as concepts are, but never among the
   * terms the validation queries search.
   */
  auxiliary?: readonly TrainingConcept[];
}

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  /** Latest validation Success@1 (NaN before the first evaluation). */
  validation: number;
}

export interface TrainResult {
  model: BagModel;
  steps: number;
  bestStep: number;
  /** Validation Success@1 of the kept model (NaN without validation queries). */
  validation: number;
  history: Array<{ step: number; loss: number; validation: number }>;
  seconds: number;
  counts: { concepts: number; terms: number; labeled: number; validation: number; auxiliaryGroups: number; auxiliaryTexts: number };
  options: Required<Omit<TrainOptions, 'onProgress' | 'featurizer' | 'auxiliary'>> & { featurizer: FeaturizerSpec };
}

/** xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** A copy of a term with one edit a user might make (drop, swap or double a letter). */
export function damage(text: string, rand: () => number): string {
  if (text.length < 4) return text.toUpperCase();
  const i = 1 + Math.floor(rand() * (text.length - 2));
  const r = rand();
  if (r < 0.34) return text.slice(0, i) + text.slice(i + 1);
  if (r < 0.67) return text.slice(0, i) + text[i + 1]! + text[i]! + text.slice(i + 2);
  return text.slice(0, i) + text[i]! + text.slice(i);
}

/**
 * Success@1 of queries against terms under the model (exact search, one onnxruntime
 * MatMul: nearest.ts). Terms may be given already featurized.
 */
export async function successAt1(
  model: BagModel,
  terms: readonly string[] | readonly Features[],
  termConcepts: readonly string[],
  queries: readonly ValidationQuery[],
  search?: NearestSearch,
): Promise<number> {
  if (queries.length === 0) return Number.NaN;
  const T = model.embedFeatures(terms.map((t) => (typeof t === 'string' ? model.featurize(t) : t)));
  const Q = model.embedMatrix(queries.map((q) => q.text));
  const own = search ? undefined : await NearestSearch.create();
  try {
    const nearest = await (search ?? own!).nearest(Q, T, model.dim);
    let hits = 0;
    nearest.forEach((t, q) => {
      if (t >= 0 && termConcepts[t] === queries[q]!.conceptId) hits++;
    });
    return hits / queries.length;
  } finally {
    await own?.close();
  }
}

export async function trainEncoder(concepts: readonly TrainingConcept[], labeled: readonly LabeledPair[], validation: readonly ValidationQuery[], options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const opts = {
    dim: options.dim ?? 256,
    epochs: options.epochs ?? 6,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 0.5,
    scale: options.scale ?? 20,
    hardNegatives: options.hardNegatives ?? 1,
    seed: options.seed ?? 1,
    evalEvery: options.evalEvery ?? 0,
    patience: options.patience ?? 3,
    featurizer: { ...DEFAULT_FEATURIZER, ...options.featurizer },
  };
  const rand = rng(opts.seed);
  const model = BagModel.init(opts.featurizer, opts.dim, opts.seed, 1);
  const d = opts.dim;

  // Terms and their concepts.
  const termTexts: string[] = [];
  const termConcept: number[] = [];
  const conceptIndex = new Map<string, number>();
  const conceptTerms: number[][] = [];
  const auxiliary = options.auxiliary ?? [];
  [...concepts, ...auxiliary].forEach((c) => {
    const ci = conceptIndex.size;
    conceptIndex.set(c.id, ci);
    const ids: number[] = [];
    for (const t of c.terms) {
      ids.push(termTexts.length);
      termTexts.push(t);
      termConcept.push(ci);
    }
    conceptTerms.push(ids);
  });
  const conceptIds = [...concepts, ...auxiliary].map((c) => c.id);
  /** The vocabulary's terms come first; the auxiliary groups' texts after them. */
  const vocabularyTerms = concepts.reduce((n, c) => n + c.terms.length, 0);

  // Anchor → positive pairs for one epoch: every term, and every labeled pair.
  interface Pair {
    anchor: string;
    concept: number;
    /** A term of the concept other than the anchor, or undefined (damaged copy). */
    positive: number | undefined;
    anchorTerm: number | undefined;
  }
  const pairs: Pair[] = [];
  termTexts.forEach((_, t) => {
    const same = conceptTerms[termConcept[t]!]!;
    pairs.push({ anchor: termTexts[t]!, concept: termConcept[t]!, positive: same.length > 1 ? -1 : undefined, anchorTerm: t });
  });
  for (const l of labeled) {
    const ci = conceptIndex.get(l.conceptId);
    if (ci !== undefined) pairs.push({ anchor: l.text, concept: ci, positive: -1, anchorTerm: undefined });
  }

  // Hard negatives from a char n-gram TF-IDF index over the training terms (memoized).
  const lexical = opts.hardNegatives > 0 ? LexicalIndex.build(termTexts.map((text, t) => ({ conceptId: conceptIds[termConcept[t]!]!, text, norm: foldText(text), lang: 'und' })), { bm25Weight: 0 }) : undefined;
  const lexTermToOurs = new Map<number, number>();
  if (lexical) {
    const byKey = new Map<string, number[]>();
    termTexts.forEach((text, t) => {
      const k = `${conceptIds[termConcept[t]!]}\u0000${text}`;
      const l = byKey.get(k);
      if (l) l.push(t);
      else byKey.set(k, [t]);
    });
    lexical.terms.forEach((lt, i) => {
      const l = byKey.get(`${lt.conceptId}\u0000${lt.text}`);
      if (l?.length) lexTermToOurs.set(i, l.shift()!);
    });
  }
  const hardCache = new Map<string, number[]>();
  const hardFor = (text: string, concept: number): number[] => {
    const key = `${concept}\u0000${text}`;
    let h = hardCache.get(key);
    if (!h) {
      h = lexical!
        .searchTerms(foldText(text), 5, { exclude: new Set([conceptIds[concept]!]) })
        .map((x) => lexTermToOurs.get(x.term))
        .filter((x): x is number => x !== undefined);
      hardCache.set(key, h);
    }
    return h;
  };

  const featureCache = new Map<string, Features>();
  const feats = (text: string): Features => {
    let f = featureCache.get(text);
    if (!f) {
      f = model.featurize(text);
      if (featureCache.size < 500_000) featureCache.set(text, f);
    }
    return f;
  };

  const stepsPerEpoch = Math.ceil(pairs.length / opts.batchSize);
  if (opts.evalEvery <= 0) opts.evalEvery = Math.max(200, Math.ceil(stepsPerEpoch / 2));
  const steps = stepsPerEpoch * opts.epochs;
  const accum = new Float32Array(opts.featurizer.buckets); // row-wise Adagrad
  const history: TrainResult['history'] = [];
  const search = validation.length ? await NearestSearch.create() : undefined;
  const termFeatures = validation.length ? termTexts.slice(0, vocabularyTerms).map(feats) : [];
  const termConceptIds = termConcept.slice(0, vocabularyTerms).map((c) => conceptIds[c]!);
  const validate = (): Promise<number> => successAt1(model, termFeatures, termConceptIds, validation, search);
  try {
  let best: { step: number; validation: number; table: Float32Array } = { step: 0, validation: validation.length ? await validate() : Number.NaN, table: model.table.slice() };
  history.push({ step: 0, loss: Number.NaN, validation: best.validation });
  let sinceBest = 0;
  let step = 0;
  let lastLoss = Number.NaN;

  outer: for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // Seeded shuffle.
    for (let i = pairs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = pairs[i]!;
      pairs[i] = pairs[j]!;
      pairs[j] = t;
    }
    for (let start = 0; start < pairs.length; start += opts.batchSize) {
      const batch = pairs.slice(start, start + opts.batchSize);
      // Texts: anchors, then positives, then hard negatives.
      const anchorF: Features[] = [];
      const candF: Features[] = [];
      const candConcept: number[] = [];
      for (const p of batch) {
        anchorF.push(feats(p.anchor));
        let pos: string;
        if (p.positive === undefined) pos = damage(p.anchor, rand);
        else {
          const same = conceptTerms[p.concept]!.filter((t) => t !== p.anchorTerm);
          pos = same.length ? termTexts[same[Math.floor(rand() * same.length)]!]! : damage(p.anchor, rand);
        }
        candF.push(feats(pos));
        candConcept.push(p.concept);
      }
      if (lexical) {
        for (const p of batch) {
          const h = hardFor(p.anchor, p.concept);
          if (h.length) {
            const t = h[Math.floor(rand() * h.length)]!;
            candF.push(feats(termTexts[t]!));
            candConcept.push(termConcept[t]!);
          }
        }
      }
      const { loss, rowGrad } = batchGradients(model, anchorF, candF, batch.map((p) => p.concept), candConcept, opts.scale);
      lastLoss = loss;
      // Row-wise Adagrad with linear decay.
      const lr = opts.learningRate * (1 - step / steps);
      for (const [r, g] of rowGrad) {
        let sq = 0;
        for (let k = 0; k < d; k++) sq += g[k]! * g[k]!;
        accum[r]! += sq / d;
        const a = lr / (Math.sqrt(accum[r]!) + 1e-8);
        const base = r * d;
        for (let k = 0; k < d; k++) model.table[base + k]! -= a * g[k]!;
      }
      step++;
      let val = history[history.length - 1]!.validation;
      if (validation.length && (step % opts.evalEvery === 0 || step === steps)) {
        val = await validate();
        history.push({ step, loss: lastLoss, validation: val });
        if (val > best.validation) {
          best = { step, validation: val, table: model.table.slice() };
          sinceBest = 0;
        } else if (++sinceBest >= opts.patience) {
          options.onProgress?.({ step, steps, loss: lastLoss, validation: val });
          break outer;
        }
      }
      options.onProgress?.({ step, steps, loss: lastLoss, validation: val });
    }
  }
  if (!validation.length) {
    best = { step, validation: Number.NaN, table: model.table };
    history.push({ step, loss: lastLoss, validation: Number.NaN });
  }
  model.table.set(best.table);
  return {
    model,
    steps: step,
    bestStep: best.step,
    validation: best.validation,
    history,
    seconds: (performance.now() - started) / 1000,
    counts: { concepts: concepts.length, terms: vocabularyTerms, labeled: labeled.length, validation: validation.length, auxiliaryGroups: auxiliary.length, auxiliaryTexts: termTexts.length - vocabularyTerms },
    options: opts,
  };
  } finally {
    await search?.close();
  }
}

/**
 * The InfoNCE loss of one batch (mean over anchors) and its gradient with respect to every
 * table row the batch touches. Anchor i's positive is candidate i; candidates of the
 * anchor's concept other than i are masked out.
 *
 *   L_i = −s·u_i·v_i + log Σ_j exp(s·u_i·v_j),  u, v unit vectors of bags h
 *   ∂L/∂u_i = s Σ_j G_ij v_j,  ∂L/∂v_j = s Σ_i G_ij u_i,  G_ij = (softmax_ij − δ_ij) / B
 *   ∂/∂h = (g − y (y·g)) / |h|  (through the normalization),  ∂/∂E[f] = Σ w_f ∂/∂h
 */
/** Softmax probabilities below this are left out of the gradient (their terms are < 1e-7·s/B). */
const NEGLIGIBLE = 1e-7;

export function batchGradients(
  model: BagModel,
  anchorF: readonly Features[],
  candF: readonly Features[],
  anchorConcept: readonly number[],
  candConcept: readonly number[],
  scale: number,
): { loss: number; rowGrad: Map<number, Float32Array> } {
  const d = model.dim;
  const B = anchorF.length;
  const C = candF.length;
  const H = new Float32Array((B + C) * d);
  const norms = new Float64Array(B + C);
  [...anchorF, ...candF].forEach((f, i) => {
    const row = H.subarray(i * d, (i + 1) * d);
    const n = model.bag(f, row);
    norms[i] = n;
    if (n > 0) for (let j = 0; j < d; j++) row[j]! /= n;
  });
  const gradU = new Float64Array(B * d);
  const gradV = new Float64Array(C * d);
  const logits = new Float64Array(C);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const u = H.subarray(i * d, (i + 1) * d);
    let max = -Infinity;
    for (let j = 0; j < C; j++) {
      if (j !== i && candConcept[j] === anchorConcept[i]) {
        logits[j] = -Infinity;
        continue;
      }
      const v = H.subarray((B + j) * d, (B + j + 1) * d);
      let s = 0;
      for (let k = 0; k < d; k++) s += u[k]! * v[k]!;
      logits[j] = scale * s;
      if (logits[j]! > max) max = logits[j]!;
    }
    let z = 0;
    for (let j = 0; j < C; j++) z += logits[j] === -Infinity ? 0 : Math.exp(logits[j]! - max);
    loss += -(logits[i]! - max - Math.log(z));
    for (let j = 0; j < C; j++) {
      if (logits[j] === -Infinity) continue;
      const p = Math.exp(logits[j]! - max) / z;
      // Candidates with a negligible share of the softmax move nothing measurable: skipping
      // them saves most of the gradient products once training has separated the batch.
      if (j !== i && p < NEGLIGIBLE) continue;
      const g = ((p - (j === i ? 1 : 0)) / B) * scale;
      if (g === 0) continue;
      const v = H.subarray((B + j) * d, (B + j + 1) * d);
      for (let k = 0; k < d; k++) {
        gradU[i * d + k]! += g * v[k]!;
        gradV[j * d + k]! += g * u[k]!;
      }
    }
  }
  const rowGrad = new Map<number, Float32Array>();
  const dh = new Float64Array(d);
  const back = (i: number, g: Float64Array, f: Features): void => {
    const n = norms[i]!;
    if (n === 0) return;
    const y = H.subarray(i * d, (i + 1) * d);
    let dot = 0;
    for (let k = 0; k < d; k++) dot += y[k]! * g[k]!;
    for (let k = 0; k < d; k++) dh[k] = (g[k]! - y[k]! * dot) / n;
    for (let t = 0; t < f.ids.length; t++) {
      const r = f.ids[t]!;
      let acc = rowGrad.get(r);
      if (!acc) rowGrad.set(r, (acc = new Float32Array(d)));
      const w = f.weights[t]!;
      for (let k = 0; k < d; k++) acc[k]! += w * dh[k]!;
    }
  };
  for (let i = 0; i < B; i++) back(i, gradU.subarray(i * d, (i + 1) * d), anchorF[i]!);
  for (let j = 0; j < C; j++) back(B + j, gradV.subarray(j * d, (j + 1) * d), candF[j]!);
  return { loss: loss / B, rowGrad };
}
