/**
 * A lexicon from an imported vocabulary's own translations: every term in one language
 * paired with every term in the other of the same concept (`normkit lexicon import
 * --from-vocab`). The preferred label of the target side ranks first (rank 1), other terms
 * second. A vocabulary with terms in only one of the languages gives none.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { VocabStore } from '../store/store.js';
import { lexiconLang } from './import.js';
import type { LexiconMeta, LexiconPair } from './store.js';

/** Each concept's terms in `from` and in `to` (ISO 639-1 codes; region subtags ignored), concepts with neither left out. */
export function termsByConcept(store: VocabStore, vocabulary: string, from: string, to: string): Map<string, { from: string[]; to: Array<{ text: string; preferred: boolean }> }> {
  const byConcept = new Map<string, { from: string[]; to: Array<{ text: string; preferred: boolean }> }>();
  for (const term of store.terms(vocabulary)) {
    const lang = lexiconLang(term.lang.split('-')[0]!);
    if (lang !== from && lang !== to) continue;
    let c = byConcept.get(term.conceptId);
    if (!c) byConcept.set(term.conceptId, (c = { from: [], to: [] }));
    if (lang === from) c.from.push(term.text);
    else c.to.push({ text: term.text, preferred: term.kind === 'preferred' });
  }
  return byConcept;
}

export function lexiconFromVocabulary(store: VocabStore, vocabulary: string, from: string, to: string, name?: string): { meta: LexiconMeta; pairs: LexiconPair[] } {
  const [f, t] = [lexiconLang(from), lexiconLang(to)];
  const info = store.vocabulary(vocabulary);
  const byConcept = termsByConcept(store, vocabulary, f, t);
  const pairs: LexiconPair[] = [];
  for (const c of byConcept.values()) for (const s of c.from) for (const x of c.to) pairs.push({ source: s, target: x.text, rank: x.preferred ? 1 : 2 });
  if (!pairs.length) throw new InputError([{ file: `vocabulary ${vocabulary}`, reason: 'empty', message: `no concept has terms in both ${f} and ${t}` }]);
  const checksum = createHash('sha256').update(`${info.checksum}:${f}:${t}`).digest('hex');
  return {
    meta: { name: name ?? `${vocabulary}-${f}-${t}`, from: f, to: t, format: 'vocabulary', source: vocabulary, description: `${vocabulary} ${info.version ?? ''} translations, ${f} → ${t}`.replace(/\s+/g, ' '), licence: `that of the vocabulary ${vocabulary}`, checksum },
    pairs,
  };
}
