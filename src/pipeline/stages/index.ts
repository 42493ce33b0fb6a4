/**
 * The stage registry: every stage a pipeline can run, in the order they run
 * (src/pipeline/stage.ts says what each reads and writes). A linker builds each one its
 * configuration names and runs them in this order.
 *
 * Adding a stage: write `stages/<name>.ts` exporting a `defineStage({ name, section, build })`
 * (its config section in, a `Stage` out), and add it to this list where it runs; a stage
 * with settings also gets its section in the pipeline schema (src/pipeline/config.ts).
 */
import type { StageDefinition } from '../stage.js';
import { bestTermStage } from './best-term.js';
import { codesStage } from './codes.js';
import { decisionStage } from './decision.js';
import { denseStage } from './dense.js';
import { fusionStage } from './fusion.js';
import { hubnessStage } from './hubness.js';
import { lexicalStage } from './lexical.js';
import { normalizeStage } from './normalize.js';
import { rerankStage } from './rerank.js';
import { specificityStage } from './specificity.js';
import { tiesStage } from './ties.js';
import { translateStage } from './translate.js';

export const STAGES: readonly StageDefinition[] = [
  normalizeStage,
  translateStage,
  denseStage,
  lexicalStage,
  fusionStage,
  hubnessStage,
  bestTermStage,
  tiesStage,
  codesStage,
  rerankStage,
  specificityStage,
  decisionStage,
];
