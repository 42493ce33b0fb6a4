/**
 * Hubness correction with query and gallery banks (DBNorm: "Balance Act: Mitigating
 * Hubness in Cross-Modal Retrieval with Query and Gallery Banks", Wang et al., EMNLP 2023;
 * IS/DIS from QB-Norm, Bogolin et al., CVPR 2022).
 *
 * For a gallery item g (a vocabulary term) and a bank B, the bank sum is
 *
 *     Z_B(g) = Σ_{b ∈ B} exp(β · s(b, g))
 *
 * - IS:      s'(q, g) = exp(β₁ s(q, g)) / Z_Q(g)                       (query bank Q)
 * - DIS:     IS when q's top-1 item is in the activation set A_Q (every item some bank
 *            query retrieves in its top-k), else s(q, g) unchanged
 * - DualIS:  s'(q, g) = exp(β₁ s) / Z_Q(g) · exp(β₂ s) / Z_G(g)          (gallery bank G)
 * - DualDIS: each factor as in DIS, with its own activation set (A_Q, A_G)
 *
 * Both bank sums run over the bank for a fixed gallery item g. (The authors' `db_norm`
 * passes the gallery-to-gallery matrix where the test queries' matrix belongs; this is
 * the paper's definition.) For the gallery bank, a gallery item's similarity to itself is
 * left out, and so are the other terms of its concept: concepts are what is linked, so a
 * concept is not a hub for being near its own synonyms. Synthetic query-bank items (held-
 * out vocabulary terms) leave out their own concept the same way.
 *
 * Everything is computed in log space, in float64: scores are
 *     β₁ s − log Z_Q(g)  [+ β₂ s − log Z_G(g)],
 * which rank exactly as the ratios above and cannot overflow for β up to 100 and beyond.
 * A factor that DIS leaves inactive contributes β s (the ranking of s alone; with a product
 * of two factors it keeps the sign of cosines that may be negative).
 *
 * **Top-k approximation.** The exact sums need every (bank item, gallery item) similarity:
 * 133,000² for MeSH. Each bank item's top-K gallery hits (K = `bankDepth`) are summed
 * exactly; every pair outside a bank item's top K is counted as if at the median of the
 * bank items' K-th scores (an upper estimate of those pairs' similarity):
 *     log Z(g) = LSE( {β s(b, g) : g in top-K of b} ∪ {log(|B| − n_g) + β t} )
 * with n_g the number of bank items that have g in their top K and t that median. Hubs are
 * decided by the large terms, which the top K hold; the tail term is nearly the same
 * for every g and keeps items no bank item retrieved from dividing by nothing.
 *
 * An empty bank leaves its factor uncorrected (log Z = 0, no item activated).
 */

export type HubnessMethod = 'none' | 'is' | 'dis' | 'dualis' | 'dualdis';
export const HUBNESS_METHODS: readonly HubnessMethod[] = ['none', 'is', 'dis', 'dualis', 'dualdis'];

export interface HubnessParams {
  method: HubnessMethod;
  /** Inverse temperature of the query-bank factor (β₁). */
  beta1: number;
  /** Inverse temperature of the gallery-bank factor (β₂). */
  beta2: number;
  /** DIS activation: an item is active when it is in some bank item's top `activationK`. */
  activationK: number;
}

/** One bank item's top hits over the gallery: gallery item indices and similarities. */
export interface BankHits {
  items: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** What the correction needs from one bank, per gallery item. */
export interface BankNormalizer {
  /** Bank items it was computed from (0: empty bank, no correction). */
  size: number;
  /** β it was computed with. */
  beta: number;
  /** log Z(g) per gallery item, float64. */
  logZ: Float64Array;
  /** 1 when the item is in the DIS activation set. */
  active: Uint8Array;
  /** The tail similarity t of the top-k approximation (median of the bank's K-th scores). */
  tail: number;
}

/** Numerically stable log(e^a + e^b). */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = a > b ? a : b;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Bank normalizer from each bank item's top hits (in any order) over a gallery of
 * `gallerySize` items. `depth` is the K the hits were fetched with (the tail applies to
 * the pairs below it); `activationK` ≤ depth.
 */
export function bankNormalizer(hits: readonly BankHits[], gallerySize: number, beta: number, activationK: number, depth: number): BankNormalizer {
  if (!(beta > 0) || !Number.isFinite(beta)) throw new RangeError(`β must be a positive number (got ${beta})`);
  if (!Number.isInteger(activationK) || activationK < 1) throw new RangeError(`activationK must be a positive integer (got ${activationK})`);
  const logZ = new Float64Array(gallerySize).fill(Number.NEGATIVE_INFINITY);
  const count = new Int32Array(gallerySize);
  const active = new Uint8Array(gallerySize);
  if (hits.length === 0) return { size: 0, beta, logZ: logZ.fill(0), active, tail: 0 };
  const kth: number[] = [];
  for (const h of hits) {
    const order = Array.from({ length: h.items.length }, (_, i) => i).sort((a, b) => Number(h.scores[b]) - Number(h.scores[a]) || a - b);
    order.forEach((i, rank) => {
      const g = Number(h.items[i]);
      if (g < 0 || g >= gallerySize) throw new RangeError(`bank hit ${g} is outside the gallery (0..${gallerySize - 1})`);
      logZ[g] = logAddExp(logZ[g]!, beta * Number(h.scores[i]));
      count[g]!++;
      if (rank < activationK) active[g] = 1;
    });
    // A bank item with fewer than `depth` hits has nothing below its last one: its tail is empty.
    if (h.items.length >= depth && depth > 0) kth.push(Number(h.scores[order[depth - 1]!]));
  }
  kth.sort((a, b) => a - b);
  const tail = kth.length ? kth[Math.floor(kth.length / 2)]! : 0;
  const withTail = kth.length > 0;
  for (let g = 0; g < gallerySize; g++) {
    const rest = hits.length - count[g]!;
    if (withTail && rest > 0) logZ[g] = logAddExp(logZ[g]!, Math.log(rest) + beta * tail);
    else if (logZ[g] === Number.NEGATIVE_INFINITY) logZ[g] = 0; // nothing near it and no tail: left uncorrected
  }
  return { size: hits.length, beta, logZ, active, tail };
}

export interface ScoredItem {
  /** Gallery item index. */
  item: number;
  score: number;
}

export interface Banks {
  query?: BankNormalizer | undefined;
  gallery?: BankNormalizer | undefined;
}

/** Which bank factors a method uses, and whether each is dynamic. */
function factors(method: HubnessMethod): { query: boolean; gallery: boolean; dynamic: boolean } {
  switch (method) {
    case 'none':
      return { query: false, gallery: false, dynamic: false };
    case 'is':
      return { query: true, gallery: false, dynamic: false };
    case 'dis':
      return { query: true, gallery: false, dynamic: true };
    case 'dualis':
      return { query: true, gallery: true, dynamic: false };
    case 'dualdis':
      return { query: true, gallery: true, dynamic: true };
  }
}

/**
 * Re-scores one query's candidates (its top K′ gallery items with their raw similarities)
 * and returns them best first (ties: lower item). With `none` the scores are unchanged.
 */
export function correctScores(candidates: readonly ScoredItem[], params: HubnessParams, banks: Banks): ScoredItem[] {
  const f = factors(params.method);
  const sorted = [...candidates].sort((a, b) => b.score - a.score || a.item - b.item);
  if (sorted.length === 0 || (!f.query && !f.gallery)) return sorted;
  const top = sorted[0]!.item;
  const use = (bank: BankNormalizer | undefined, wanted: boolean): BankNormalizer | undefined => {
    if (!wanted || !bank || bank.size === 0) return undefined;
    if (f.dynamic && !bank.active[top]) return undefined;
    return bank;
  };
  const q = use(banks.query, f.query);
  const g = use(banks.gallery, f.gallery);
  const out = sorted.map(({ item, score }) => {
    let s = 0;
    if (f.query) s += params.beta1 * score - (q ? q.logZ[item]! : 0);
    if (f.gallery) s += params.beta2 * score - (g ? g.logZ[item]! : 0);
    return { item, score: s };
  });
  return out.sort((a, b) => b.score - a.score || a.item - b.item);
}

/**
 * The k-occurrence of each gallery item: how many of the queries' top-k lists it is in
 * (N_k), and the skewness of that distribution (0 for a symmetric one; large and positive
 * when a few hubs take many slots).
 */
export function kOccurrence(topLists: ReadonlyArray<ArrayLike<number>>, gallerySize: number): { counts: Int32Array; skewness: number; topShare: number } {
  const counts = new Int32Array(gallerySize);
  let slots = 0;
  for (const list of topLists)
    for (let i = 0; i < list.length; i++) {
      counts[Number(list[i])]!++;
      slots++;
    }
  return { counts, skewness: skewness(counts), topShare: topShare(counts, slots, 0.01) };
}

/** Sample skewness (population moments, as scipy.stats.skew's default). 0 for a constant. */
export function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += Number(values[i]);
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = Number(values[i]) - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** Share of all slots taken by the `fraction` most frequent items (at least one item). */
function topShare(counts: Int32Array, slots: number, fraction: number): number {
  if (slots === 0) return 0;
  const sorted = Array.from(counts).sort((a, b) => b - a);
  const n = Math.max(1, Math.round(counts.length * fraction));
  let s = 0;
  for (let i = 0; i < n; i++) s += sorted[i]!;
  return s / slots;
}
