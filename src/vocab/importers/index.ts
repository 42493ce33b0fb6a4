/** Every vocabulary format normkit imports, by `--format` name. */
import type { FileHead } from '../../io/sniff.js';
import { escoFormat } from './esco.js';
import type { VocabularyFormat } from './format.js';
import { icd10cmFormat } from './icd10cm.js';
import { jsonlFormat } from './jsonl.js';
import { meshFormat } from './mesh.js';
import { doidFormat, hpoFormat, mondoFormat, oboFormat } from './obo.js';
import { onetFormat } from './onet.js';

export type { VocabularyFormat, ReadContext } from './format.js';

/** In detection order: the more specific formats first. */
export const FORMATS: readonly VocabularyFormat[] = [
  meshFormat,
  escoFormat,
  onetFormat,
  icd10cmFormat,
  hpoFormat,
  doidFormat,
  mondoFormat,
  oboFormat,
  jsonlFormat,
];

export function formatNamed(name: string): VocabularyFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}

/** The format whose detector accepts this file's head, if any. */
export function detectFormat(head: FileHead): VocabularyFormat | undefined {
  return FORMATS.find((f) => f.detect(head));
}
