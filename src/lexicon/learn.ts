/**
 * A lexicon learned from what the user has (`normkit lexicon learn`): the word translations
 * that parallel texts support (src/lexicon/align.ts), where the parallel texts are
 * - a vocabulary's own translations: each term in `from` with each term in `to` of the same
 *   concept (HPO's translations, ESCO's languages, MeSH translation files);
 * - labeled examples: a text in `from` with its gold concepts' terms in `to` (coded
 *   diagnoses, recruiters' choices: the query files `normkit eval` reads).
 * A pair's weight is split over the concept's `to` terms, so a concept with many synonyms
 * counts as much as one with few.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { VocabStore } from '../store/store.js';
import { alignWords, type AlignedWord, type ParallelText } from './align.js';
import { termsByConcept } from './from-vocab.js';
import { lexiconLang } from './import.js';
import type { LexiconMeta } from './store.js';

export interface LearnOptions {
  from: string;
  to: string;
  /** Lexicon name (default `<vocabulary>-learned-<from>-<to>`). */
  name?: string;
  /**
   * Labeled texts in `from` with their gold concepts; an example with a `target` (the text it
   * translates, when known: a translation table's source column) is paired with that text
   * only, not with every term of its concepts.
   */
  examples?: ReadonlyArray<{ text: string; gold: readonly string[]; target?: string | undefined }>;
  /** Learn from the vocabulary's own translations too (default true). */
  translations?: boolean;
  /** The lowest alignment score kept (default 0.1). */
  minScore?: number;
}

export interface LearnedLexicon {
  meta: LexiconMeta;
  pairs: AlignedWord[];
  /** Parallel texts learned from: from the vocabulary's translations and from examples; examples whose gold has no term in `to`. */
  texts: { translations: number; examples: number; unusedExamples: number };
}

export function learnLexicon(store: VocabStore, vocabulary: string, options: LearnOptions): LearnedLexicon {
  const [from, to] = [lexiconLang(options.from), lexiconLang(options.to)];
  if (from === to) throw new InputError([{ file: `vocabulary ${vocabulary}`, reason: 'invalid', message: `--from and --to are both ${from}` }]);
  const info = store.vocabulary(vocabulary);
  const byConcept = termsByConcept(store, vocabulary, from, to);
  const parallel: ParallelText[] = [];
  const texts = { translations: 0, examples: 0, unusedExamples: 0 };
  if (options.translations !== false) {
    for (const c of byConcept.values()) {
      for (const source of c.from) for (const target of c.to) parallel.push({ source, target: target.text, weight: 1 / c.to.length });
      if (c.to.length) texts.translations += c.from.length;
    }
  }
  for (const e of options.examples ?? []) {
    const targets = e.target ? [e.target] : e.gold.flatMap((id) => (byConcept.get(id)?.to ?? []).map((x) => x.text));
    if (!targets.length) {
      texts.unusedExamples++;
      continue;
    }
    texts.examples++;
    for (const target of targets) parallel.push({ source: e.text, target, weight: 1 / targets.length });
  }
  if (!parallel.length) {
    const what = options.translations === false ? 'no example has a gold concept' : `no concept has terms in both ${from} and ${to}, and no example has a gold concept`;
    throw new InputError([{ file: `vocabulary ${vocabulary}`, reason: 'empty', message: `nothing to learn from: ${what} with a term in ${to}` }]);
  }
  const minScore = options.minScore ?? 0.1;
  const pairs = alignWords(parallel, { from, to, minScore });
  const checksum = createHash('sha256')
    .update(JSON.stringify([info.checksum, from, to, minScore, options.translations !== false, (options.examples ?? []).map((e) => [e.text, e.gold, e.target ?? null])]))
    .digest('hex');
  return {
    meta: {
      name: options.name ?? `${vocabulary}-learned-${from}-${to}`,
      from,
      to,
      format: 'learned',
      source: vocabulary,
      description: `word translations learned from ${[texts.translations ? `${texts.translations} ${vocabulary} translations` : '', texts.examples ? `${texts.examples} labeled examples` : ''].filter(Boolean).join(' and ')}, ${from} → ${to}`,
      licence: `that of the vocabulary ${vocabulary} and of the examples`,
      checksum,
    },
    pairs,
    texts,
  };
}
