import { icd9Gem, scifact } from './mapping.js';
import { bc5cdr, codiesp, hpoTranslations, mantra, ncbiDisease, quaero } from './medical.js';
import { escoHeldout, jobbert, melo, onetHoldout } from './jobs.js';
import type { Loader } from './types.js';

export const LOADERS: Record<string, Loader> = {
  jobbert,
  melo,
  'onet-holdout': onetHoldout,
  'esco-heldout': escoHeldout,
  'ncbi-disease': ncbiDisease,
  bc5cdr,
  mantra,
  quaero,
  codiesp,
  'hpo-translations': hpoTranslations,
  'icd9-gem': icd9Gem,
  scifact,
};
