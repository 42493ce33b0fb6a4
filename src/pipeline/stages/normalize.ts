/**
 * normalize: each query's match key, the rule pack's attributes and codes, and the text as
 * written (src/pipeline/normalizer.ts does the work; the vocabulary's terms were folded the
 * same way when the index was built).
 */
import { defineStage, type Stage } from '../stage.js';
import type { QueryNormalizer } from '../normalizer.js';

export function normalizeStageOf(normalizer: QueryNormalizer): Stage {
  return {
    name: 'normalize',
    run(batch) {
      for (const q of batch) q.query = normalizer.normalize(q.input);
    },
  };
}

export const normalizeStage = defineStage({
  name: 'normalize',
  section: (config) => config.normalize,
  build: (_section, { resources }) => normalizeStageOf(resources.normalizer),
});
