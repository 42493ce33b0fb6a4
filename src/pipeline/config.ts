/**
 * Pipeline configuration: which stages a linker runs and with what settings. A preset
 * is a named configuration (presets.ts); `--pipeline FILE` loads one from JSON.
 *
 * Each section configures a stage (src/pipeline/stages/): normalize (with the type filter
 * and the codes the pack finds), generators (lexical, then dense ones), fusion, hubness,
 * ties, rerank, specificity, decision. Every setting has a documented default, so
 * `{ "name": "p", "generators": [{ "type": "lexical" }] }` is a whole pipeline.
 */
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { readInputText } from '../io/read-input.js';
import { describeIssue, parseLocated, type Located } from '../io/validate.js';
import { PAIRWISE_FEATURES } from './pairwise.js';

/** The lexical generator (src/lexical/lexical-index.ts): char n-gram TF-IDF fused with BM25 over stemmed words. */
export const lexicalSchema = z.strictObject({
  type: z.literal('lexical'),
  /** Character n-gram length (2–5). */
  n: z.number().int().min(2).max(5).default(3),
  /** 1 + ln(tf) in the char view. */
  sublinearTf: z.boolean().default(true),
  /** Weight of the BM25 word view in a term's score (0–1; 0 switches it off). */
  bm25Weight: z.number().min(0).max(1).default(0.2),
  k1: z.number().positive().default(1.2),
  b: z.number().min(0).max(1).default(0.75),
  /**
   * BM25 view, languages without a stemmer (cs, pl, hu, lt, lv, et, sk, sl, hr, bg, ro, da…):
   * words cut to this many letters (truncation stemming); 0 keeps them whole. 4 was best on
   * ESCO held-out labels in those 12 languages (docs/tuning.md).
   */
  prefixStem: z.number().int().min(0).max(20).default(4),
  /** Candidates this generator returns per query. */
  k: z.number().int().min(1).max(10_000).default(100),
  /**
   * Fused pipelines searching one text (`normalize.raw` never or dense): char grams found in
   * more than this share of the terms (0–1) are left out of the candidate search and added
   * to the best candidates' scores afterwards. Faster (common grams hold most postings),
   * approximate; absent: every gram is searched.
   */
  commonGrams: z.number().gt(0).max(1).optional(),
});

/**
 * A dense generator: an encoder's nearest terms in an HNSW index over every term the
 * linker searches (src/pipeline/dense.ts).
 */
export const denseSchema = z.strictObject({
  type: z.literal('dense'),
  /**
   * "trained": the encoder normkit trains on the vocabulary's own synonyms (plus the
   * linker's extra terms as labeled pairs), trained once and cached; otherwise a model
   * folder (a trained encoder or a transformer) or a Hugging Face id.
   */
  model: z.string().min(1).default('trained'),
  /** Candidates this generator returns per query (terms, before the best per concept). */
  k: z.number().int().min(1).max(10_000).default(100),
  /** HNSW search breadth: larger finds more of the true nearest terms, more slowly. */
  ef: z.number().int().min(1).max(10_000).default(400),
  /** Where the encoder runs. */
  device: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
  /** Training settings for model "trained" (src/encoders/trained/train.ts); defaults as `normkit train-encoder`. */
  training: z
    .strictObject({
      epochs: z.number().int().min(1).max(100).optional(),
      dim: z.number().int().min(8).max(2048).optional(),
      seed: z.number().int().optional(),
      /**
       * Also learn the word translations of the store's bilingual lexicons into the
       * vocabulary's language (the translate section's tables; src/pipeline/crosslingual-training.ts),
       * so that a query in another language lands near the terms it translates to.
       */
      translations: z.boolean().optional(),
    })
    .default({}),
});

/**
 * How the generators' term scores become one score.
 * weighted: Σ wᵢ·sᵢ over the generators' similarities (a generator that did not return a
 * term contributes its exact similarity when it can compute one, else 0);
 * rrf: reciprocal-rank fusion, Σ wᵢ / (rrfK + rankᵢ), ranks from each generator's own list.
 */
export const fusionSchema = z.strictObject({
  method: z.enum(['weighted', 'rrf']).default('weighted'),
  /** One weight per generator, in order (default: equal weights). */
  weights: z.array(z.number().min(0).max(100)).optional(),
  rrfK: z.number().positive().max(10_000).default(60),
});

/** Hubness correction with query and gallery banks (DBNorm). */
export const hubnessSchema = z.strictObject({
  /** none | is (inverted softmax, query bank) | dis (dynamic IS) | dualis (query and gallery banks) | dualdis. */
  method: z.enum(['none', 'is', 'dis', 'dualis', 'dualdis']).default('none'),
  /** β₁: inverse temperature of the query-bank factor. */
  beta1: z.number().positive().max(1000).default(20),
  /** β₂: inverse temperature of the gallery-bank factor. */
  beta2: z.number().positive().max(1000).default(20),
  /** DIS activation set: items in some bank item's top `activationK`. */
  activationK: z.number().int().min(1).max(100).default(1),
  /** K′: terms re-scored per query (≫ k). */
  candidates: z.number().int().min(1).max(10_000).default(200),
  /** Items per bank (a seeded sample; larger is closer to the exact sums, slower to build). */
  bankSize: z.number().int().min(0).max(1_000_000).default(10_000),
  /** Top-K hits kept per bank item (the top-k approximation of the bank sums). */
  bankDepth: z.number().int().min(1).max(1000).default(50),
  seed: z.number().int().default(1),
  /**
   * any: without a given query bank, synthetic queries (held-out terms) stand in;
   * given: correct only when a query bank of real queries or training mentions is given,
   * otherwise leave scores as they are.
   */
  queryBank: z.enum(['any', 'given']).default('any'),
});

/**
 * The rerank stage: an ONNX cross-encoder (any Hugging Face sequence-classification model)
 * re-scores each query's top candidates: the mention against the concept's name and a few
 * synonyms, as in xMEN.
 */
export const crossEncoderRerankSchema = z.strictObject({
  type: z.literal('cross-encoder'),
  /** A model folder or a Hugging Face id (e.g. cross-encoder/ms-marco-MiniLM-L-6-v2). */
  model: z.string().min(1),
  /** Candidates re-scored per query: more can recover a lower-ranked gold, each costs one pair. */
  top: z.number().int().min(1).max(1000).default(20),
  /** Synonyms appended to the concept's name ("name; synonym; synonym"). */
  synonyms: z.number().int().min(0).max(20).default(3),
  /** Final score = weight·σ(logit) + (1 − weight)·similarity; 1: the cross-encoder alone. */
  weight: z.number().min(0).max(1).default(1),
  device: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
});

/** The trained pairwise reranker (src/pipeline/pairwise.ts), written by `normkit train-reranker`. */
export const trainedRerankSchema = z.strictObject({
  type: z.literal('trained'),
  top: z.number().int().min(1).max(1000).default(20),
  model: z.strictObject({
    features: z.array(z.string()),
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
    weights: z.array(z.number()),
  }),
});

export const rerankSchema = z.discriminatedUnion('type', [crossEncoderRerankSchema, trainedRerankSchema]);

/**
 * The decision stage (src/pipeline/stages/decision.ts), written by `normkit calibrate` from dev
 * queries: the confidence model's weights and the NIL threshold.
 */
export const decisionSchema = z.strictObject({
  /** confidence = σ(w₀ + w₁·similarity + w₂·margin). */
  confidence: z.strictObject({ weights: z.tuple([z.number(), z.number(), z.number()]) }),
  /** Below this top-1 confidence the answer is NIL (0: never). */
  nilThreshold: z.number().min(0).max(1).default(0),
});

/**
 * Prefer the specific concept to its group (src/pipeline/stages/specificity.ts): when the best
 * candidate is a group, a concept of one of `groupTypes` (e.g. ESCO's ISCO groups), and one
 * of its descendants ranks within the first `depth` candidates, the best-ranked descendant
 * is answered first and the group second. Needs the vocabulary's parent links.
 */
export const specificitySchema = z.strictObject({
  groupTypes: z.array(z.string().min(1)).min(1),
  /** How far down the ranked candidates a descendant is looked for (more: more groups replaced, by weaker matches). */
  depth: z.number().int().min(2).max(1000).default(30),
});

/**
 * Query translation (src/pipeline/stages/translate.ts): a query in another language than
 * the vocabulary's is translated word by word through every lexicon in the store for the
 * language pair (normkit lexicon import), and the generators search the translations too.
 */
export const translateSchema = z.strictObject({
  /** The vocabulary's language (default: its most common term language). */
  to: z.string().min(2).optional(),
  /**
   * A translation's scores count this much against the query's own (1: equal; below 1, a
   * direct match wins ties). Chosen with bagWeight on the cross-lingual dev splits (HPO
   * translations, QUAERO, CodiEsp; eval/tune-translate.ts, docs/crosslingual.md).
   */
  weight: z.number().min(0).max(2).default(0.8),
  /** The bag of every kept alternative counts this much of `weight` (0: searched not at all). */
  bagWeight: z.number().min(0).max(1).default(1),
  /** Translations kept per word (more: more recall, more noise in the bag). */
  alternatives: z.number().int().min(1).max(20).default(3),
  /**
   * Headwords the direct lexicons lack are translated through a third language with lexicons
   * to both sides (e.g. sv → de → en): they matter where the direct dictionary is small.
   */
  pivots: z.boolean().default(true),
  /** A query without a language gets one from a language detector (eld), among the languages the lexicons translate; false: such queries are not translated. */
  detect: z.boolean().default(true),
});

export const pipelineSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  normalize: z
    .strictObject({
      /**
       * full: NFKC, case, accents, punctuation folded (`foldText`);
       * lowercase: lower case only, as scikit-learn's default analyzer (the ablation baseline).
       */
      fold: z.enum(['full', 'lowercase']).default('full'),
      /** A rule pack run on every query (and, for its `apply: both` stages, on every term): "jobs", "medical", "codes" or a file. */
      pack: z.string().min(1).optional(),
      /**
       * also: every generator searches the text as written too, and each term keeps its
       * better score, so a vocabulary that itself says "junior accountant" still matches it;
       * dense: only the dense generators encode the text as written too (one lexical search
       * per query instead of two); never (default): only the pack's output.
       */
      raw: z.enum(['also', 'dense', 'never']).default('never'),
    })
    .default({ fold: 'full', raw: 'never' }),
  /** Keep only concepts with at least one of these types (e.g. MeSH tree "C" for diseases). */
  filter: z.strictObject({ types: z.array(z.string().min(1)).min(1) }).optional(),
  /**
   * Candidate generators: one lexical generator (first), then any dense ones. Their term
   * scores are fused (`fusion`) before the hubness correction.
   */
  generators: z
    .tuple([lexicalSchema])
    .rest(denseSchema),
  translate: translateSchema.optional(),
  fusion: fusionSchema.default({ method: 'weighted', rrfK: 60 }),
  /** Hubness correction of the generator's term scores (src/hubness/dbnorm.ts, docs/hubness.md). */
  hubness: hubnessSchema.default(() => hubnessSchema.parse({})),
  /**
   * Candidates matched by the same term text (several concepts share it): preferred: those
   * whose preferred label it is rank first (src/pipeline/stages/specificity.ts); score: the
   * scores decide.
   */
  ties: z.enum(['preferred', 'score']).default('score'),
  rerank: rerankSchema.optional(),
  specificity: specificitySchema.optional(),
  decision: decisionSchema.optional(),
});

export type PipelineConfig = z.infer<typeof pipelineSchema>;
export type PipelineInput = z.input<typeof pipelineSchema>;
export type LexicalConfig = z.infer<typeof lexicalSchema>;
export type HubnessConfig = z.infer<typeof hubnessSchema>;
export type DenseConfig = z.infer<typeof denseSchema>;
export type FusionConfig = z.infer<typeof fusionSchema>;
export type DecisionConfig = z.infer<typeof decisionSchema>;
export type SpecificityConfig = z.infer<typeof specificitySchema>;
export type RerankConfig = z.infer<typeof rerankSchema>;
export type TranslateConfig = z.infer<typeof translateSchema>;

/** Validates a configuration object; errors name the field (and its line, for a file). */
export function parsePipeline(value: unknown, file = '(pipeline)', at?: Located): PipelineConfig {
  const parsed = pipelineSchema.safeParse(value);
  if (!parsed.success) {
    const { reason, field, message } = describeIssue(parsed.error);
    const line = at?.lineOf(parsed.error.issues[0]!.path.filter((p): p is string | number => typeof p !== 'symbol'));
    throw new InputError([{ file, ...(line ? { line } : {}), field, reason, message }]);
  }
  const config = parsed.data;
  if (config.rerank?.type === 'trained') {
    const m = config.rerank.model;
    const known = new Set<string>(PAIRWISE_FEATURES);
    const unknown = m.features.filter((f) => !known.has(f));
    if (unknown.length || new Set(m.features).size !== m.features.length || m.mean.length !== m.features.length || m.std.length !== m.features.length || m.weights.length !== m.features.length) {
      const line = at?.lineOf(['rerank', 'model']);
      const why = unknown.length ? `unknown features ${unknown.join(', ')}; ` : '';
      throw new InputError([{ file, ...(line ? { line } : {}), field: 'rerank.model', reason: 'invalid-field', message: `${why}a trained reranker needs one mean, std and weight per feature, each of: ${PAIRWISE_FEATURES.join(', ')} (retrain it with normkit train-reranker)` }]);
    }
  }
  const weights = config.fusion.weights;
  if (weights && weights.length !== config.generators.length) {
    const line = at?.lineOf(['fusion', 'weights']);
    throw new InputError([{ file, ...(line ? { line } : {}), field: 'fusion.weights', reason: 'invalid-field', message: `fusion.weights has ${weights.length} weights for ${config.generators.length} generators` }]);
  }
  return config;
}

/** Reads a pipeline file: JSON or YAML. */
export async function loadPipeline(file: string): Promise<PipelineConfig> {
  const { value, at } = parseLocated(readInputText(file, 'pipeline'), file, 'malformed-pipeline');
  return parsePipeline(value, file, at);
}
