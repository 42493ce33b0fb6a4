/**
 * Named pipelines. `lexical` is the best the project has until encoders land: char
 * 3-gram TF-IDF over every term, on fully folded text.
 */
import { UsageError } from '../errors.js';
import { parsePipeline, type PipelineConfig, type PipelineInput } from './config.js';

const PRESETS: Record<string, PipelineInput> = {
  lexical: {
    name: 'lexical',
    description: 'char 3-gram TF-IDF (char_wb, smooth idf, l2) over every term; best term per concept',
    normalize: { fold: 'full' },
    generators: [{ type: 'char-tfidf', n: 3, sublinearTf: false, k: 100 }],
  },
};

PRESETS['jobs'] = {
  name: 'jobs',
  description: 'job titles: the jobs rule pack (noise, gender markers, seniority, abbreviations, codes), then char 3-gram TF-IDF',
  normalize: { fold: 'full', pack: 'jobs', raw: 'also' },
  generators: [{ type: 'char-tfidf', n: 3, sublinearTf: false, k: 100 }],
};
PRESETS['medical'] = {
  name: 'medical',
  description: 'clinical mentions: the medical rule pack (abbreviations, context cues, spelling, number, codes), then char 3-gram TF-IDF',
  normalize: { fold: 'full', pack: 'medical' },
  generators: [{ type: 'char-tfidf', n: 3, sublinearTf: false, k: 100 }],
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
