/**
 * Named pipelines. `lexical` is the embedded default (no model needed): char 3-gram TF-IDF
 * fused with BM25 over stemmed words. The BM25 weight, 0.4, was chosen on the dev sets
 * (JobBERT validation, an O*NET alternate-title dev sample, NCBI-disease and BC5CDR dev),
 * where 0.35–0.5 were within 0.1 point of each other.
 */
import { UsageError } from '../errors.js';
import { parsePipeline, type PipelineConfig, type PipelineInput } from './config.js';

const PRESETS: Record<string, PipelineInput> = {
  lexical: {
    name: 'lexical',
    description: 'char 3-gram TF-IDF (char_wb, smooth idf, sublinear tf, l2) fused with BM25 over stemmed words, over every term; best term per concept',
    normalize: { fold: 'full' },
    generators: [{ type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0.4, k: 100 }],
  },
};

PRESETS['jobs'] = {
  name: 'jobs',
  description: 'job titles: the jobs rule pack (noise, gender markers, seniority, abbreviations, codes), then the lexical generator',
  normalize: { fold: 'full', pack: 'jobs', raw: 'also' },
  generators: [{ type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0.4, k: 100 }],
};
PRESETS['medical'] = {
  name: 'medical',
  description: 'clinical mentions: the medical rule pack (abbreviations, context cues, spelling, number, codes), then the lexical generator',
  normalize: { fold: 'full', pack: 'medical' },
  generators: [{ type: 'lexical', n: 3, sublinearTf: true, bm25Weight: 0.4, k: 100 }],
};

export const DEFAULT_PRESET = 'lexical';

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

export function preset(name: string): PipelineConfig {
  const p = PRESETS[name];
  if (!p) throw new UsageError(`unknown preset "${name}" (known: ${presetNames().join(', ')})`);
  return parsePipeline(p, `preset ${name}`);
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
  normalize: {
    description: 'no folding beyond lower case (accents, punctuation and Unicode forms kept)',
    apply: (c) => (c.normalize.fold === 'lowercase' ? undefined : { ...c, normalize: { ...c.normalize, fold: 'lowercase' } }),
  },
};
