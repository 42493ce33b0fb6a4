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
  normalize: {
    description: 'no folding beyond lower case (accents, punctuation and Unicode forms kept)',
    apply: (c) => (c.normalize.fold === 'lowercase' ? undefined : { ...c, normalize: { fold: 'lowercase' } }),
  },
};
