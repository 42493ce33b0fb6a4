/**
 * Named pipelines. `lexical` is the embedded default (no model needed): char 3-gram TF-IDF
 * fused with BM25 over stemmed words. The BM25 weight of each preset was chosen on dev data
 * only (docs/tuning.md): JobBERT validation and an O*NET alternate-title dev hold-out for
 * jobs (0.5 best, 0.4–0.7 within 0.1 point); the dev splits of NCBI-disease, BC5CDR, HPO
 * translations, QUAERO, CodiEsp and the ICD-9 GEMs for medical, where any BM25 weight cost
 * accuracy (0: char view only); `lexical`, for any vocabulary, takes 0.2, the best
 * non-zero weight over all of them.
 */
import { UsageError } from '../core/errors.js';
import { parsePipeline, type PipelineConfig, type PipelineInput } from './config.js';

const PRESETS: Record<string, PipelineInput> = {
  lexical: {
    name: 'lexical',
    description: 'char 3-gram TF-IDF (char_wb, smooth idf, sublinear tf, l2) fused with BM25 over stemmed words (weight 0.2), over every term; best term per concept',
    normalize: { fold: 'full' },
    generators: [{ type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0.2, k: 100 }],
  },
};

PRESETS['jobs'] = {
  name: 'jobs',
  description: 'job titles: the jobs rule pack (noise, gender markers, seniority, abbreviations, codes), then the lexical generator and the encoder normkit trains on the vocabulary, fused (weighted), then the hubness correction (inverted softmax)',
  // raw: dense: the encoder sees the title as written too, the lexical generator only the
  // pack's output (one lexical search per title instead of two for a quarter of them,
  // about 10% less linking time). JobBERT validation, k = 5 (`npm run eval:depth --
  // 30,40,also 30,40,dense`): Success@1 0.2714 against 0.2722 with raw: also (paired
  // bootstrap −0.08 points, 95% CI [−0.16, 0.00]), Success@5 0.4863 against 0.4867
  // ([−0.12, +0.05]); the O*NET dev hold-out is unchanged (0.2423).
  normalize: { fold: 'full', pack: 'jobs', raw: 'dense' },
  generators: [
    // commonGrams 0.05: the char grams in more than 5% of the terms (78% of a title's
    // postings on ESCO) are added only to the best candidates' scores. JobBERT validation,
    // k = 5: Success@1 0.2714 either way, Success@5 0.4865 against 0.4863; O*NET dev
    // hold-out 0.2425 against 0.2423; about 20% less linking CPU (paired runs).
    { type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0.5, k: 100, commonGrams: 0.05 },
    // ef 30 (default 400): see K′ below. It searches K′ terms, the depth the linker asks.
    { type: 'dense', model: 'trained', k: 100, ef: 30 },
  ],
  // Chosen on the JobBERT validation split (15,462 titles; eval/fusion.ts, docs/pipelines.md):
  // lexical weight 0.2 (0.2606–0.2626 for 0.2–0.4, 0.2504 at 0.8), then IS with β₁ = 10
  // over the fused scores (0.2719, against 0.2626 without correction and 0.2712 at β₁ = 2).
  fusion: { method: 'weighted', weights: [0.2, 0.8] },
  // K′ 30 and ef 30 (defaults 200 and 400), measured on the JobBERT validation split
  // linking k = 5 concepts per title, as the API does (`npm run eval:depth`): with raw:
  // also, Success@1 0.2722 and @5 0.4867 at (K′, ef) = (30, 40), (30, 30) and (20, 40),
  // against 0.2722 and 0.4865 at the defaults and 0.4869 at (50, 50); with raw: dense,
  // (30, 30) and (30, 40) give the same 0.2714 and 0.4863. hnswlib searches max(ef, k)
  // candidates, so ef below K′ changes nothing. A request for k concepts searches max(k, K′)
  // terms, so the eval suite (k = 100) does not exercise K′.
  hubness: { method: 'is', beta1: 10, candidates: 30 },
  // Several concepts matched by the same text: the one whose preferred label it is first.
  // JobBERT validation, k = 5: Success@1 0.2714 → 0.2753 (paired +0.39 points, 95% CI
  // [+0.30, +0.50]); O*NET dev hold-out unchanged (docs/pipelines.md).
  ties: 'preferred',
  // An ISCO group on top gives way to its best-ranked occupation within the first 30
  // candidates (the depth the hubness correction ranks anyway; not tuned).
  specificity: { groupTypes: ['isco-group'] },
  // Fitted on the JobBERT validation split (eval/calibrate.ts, refitted with raw: dense):
  // ECE 0.024 there, 0.194 on MELO usa_q_en_c_en (test), where it is underconfident: MELO
  // is easier than JobBERT.
  decision: { confidence: { weights: [-5.8016, 4.8213, 0.8776] }, nilThreshold: 0 },
};
PRESETS['medical'] = {
  name: 'medical',
  description: 'clinical mentions: the medical rule pack (abbreviations, context cues, spelling, number, codes), then char 3-gram TF-IDF (the BM25 view is off: it cost accuracy on every medical dev set), then the hubness correction when a query bank of real mentions is given',
  normalize: { fold: 'full', pack: 'medical' },
  generators: [{ type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0, k: 100 }],
  // Chosen on the medical dev sets (docs/hubness.md): IS with β₁ = 2 when training
  // mentions or past queries form the query bank; with synthetic queries the correction
  // cost accuracy on the ICD-9 and CodiEsp dev sets, so without a real bank it is off.
  hubness: { method: 'is', beta1: 2, queryBank: 'given' },
  // Fitted on NCBI-disease dev (eval/calibrate.ts): ECE 0.049 there, 0.039 on NCBI-disease test.
  decision: { confidence: { weights: [-2.178, 2.0909, 6.1675] }, nilThreshold: 0 },
};

PRESETS['map'] = {
  name: 'map',
  description: 'taxonomy mapping (source concept labels or codes → target concepts): the medical rule pack (codes, abbreviations), then char 3-gram TF-IDF fused with BM25 (weight 0.3), no hubness correction',
  normalize: { fold: 'full', pack: 'medical' },
  // Chosen on the ICD-9 → ICD-10-CM GEM dev split (docs/tuning.md): BM25 weight 0.3 was
  // best there (0.413, against 0.404 for the char view alone that `medical` uses), and the
  // hubness correction with a synthetic query bank cost a point (docs/hubness.md).
  generators: [{ type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0.3, k: 100 }],
};

// Cross-lingual: queries in another language than the vocabulary's are translated word by
// word through every bilingual lexicon in the store for the pair (normkit lexicon import),
// and the generators search the translations too (src/pipeline/stages/translate.ts).
PRESETS['crosslingual'] = {
  ...PRESETS['jobs']!,
  name: 'crosslingual',
  description: 'job titles in any language with a lexicon: the jobs preset, with queries in other languages translated word by word through the store\'s bilingual lexicons and the translations searched too',
  translate: {},
};
PRESETS['medical-crosslingual'] = {
  ...PRESETS['medical']!,
  name: 'medical-crosslingual',
  description: 'clinical mentions in any language with a lexicon: the medical preset, with queries in other languages translated word by word through the store\'s bilingual lexicons and the translations searched too',
  translate: {},
};

export const DEFAULT_PRESET = 'lexical';

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

/** Why `name` is not a preset ("unknown preset …", with the known ones), or undefined when it is one. */
export function unknownPreset(name: string): string | undefined {
  return PRESETS[name] ? undefined : `unknown preset "${name}" (known: ${presetNames().join(', ')})`;
}

export function preset(name: string): PipelineConfig {
  const unknown = unknownPreset(name);
  if (unknown) throw new UsageError(unknown);
  return parsePipeline(PRESETS[name]!, `preset ${name}`);
}

/** Stages that `--ablate` can switch off, and what "off" means for each. */
export const ABLATIONS: Record<string, { description: string; apply(config: PipelineConfig): PipelineConfig | undefined }> = {
  rules: {
    description: 'no rule pack',
    apply: (c) => {
      if (!c.normalize.pack) return undefined;
      const { pack: _pack, ...rest } = c.normalize;
      return { ...c, normalize: rest };
    },
  },
  translate: {
    description: 'no query translation (the query searched as it is)',
    apply: (c) => {
      if (!c.translate) return undefined;
      const { translate: _translate, ...rest } = c;
      return rest;
    },
  },
  'translation-training': {
    description: 'the trained encoder learns no lexicon translations (the vocabulary\'s own synonyms only)',
    apply: (c) => {
      if (!c.generators.some((g) => g.type === 'dense' && g.training.translations)) return undefined;
      const generators = c.generators.map((g) => (g.type === 'dense' ? { ...g, training: { ...g.training, translations: false } } : g)) as PipelineConfig['generators'];
      return { ...c, generators };
    },
  },
  hubness: {
    description: 'no hubness correction',
    apply: (c) => (c.hubness.method === 'none' ? undefined : { ...c, hubness: { ...c.hubness, method: 'none' } }),
  },
  dense: {
    description: 'no dense generators (the lexical generator alone)',
    apply: (c) => (c.generators.length === 1 ? undefined : { ...c, generators: [c.generators[0]], fusion: { method: c.fusion.method, rrfK: c.fusion.rrfK } }),
  },
  ties: {
    description: 'ties on a shared term decided by score (not preferred labels first)',
    apply: (c) => (c.ties === 'score' ? undefined : { ...c, ties: 'score' }),
  },
  specificity: {
    description: 'no specificity stage (a group on top stays on top)',
    apply: (c) => {
      if (!c.specificity) return undefined;
      const { specificity: _specificity, ...rest } = c;
      return rest;
    },
  },
  normalize: {
    description: 'no folding beyond lower case (accents, punctuation and Unicode forms kept)',
    apply: (c) => (c.normalize.fold === 'lowercase' ? undefined : { ...c, normalize: { ...c.normalize, fold: 'lowercase' } }),
  },
};
