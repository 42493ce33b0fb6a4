/**
 * The language of a query that does not say it: eld (Efficient Language Detector, n-gram
 * tables; its "small" data), restricted to the languages that can be translated (the
 * store's lexicons) and the vocabulary's own. Short titles are hard: a detection eld does
 * not call reliable counts as no language (the query is then searched as it is).
 *
 * Measured on MELO titles of up to 40 characters, 20 per language, 21 languages
 * (docs/crosslingual.md): 74% right with this subset; da, nl, sv, no and sl are the weakest.
 * A caller who knows the language should give it (`--lang`, a query file's `lang`).
 */

export interface LanguageDetector {
  /** The text's language (ISO 639-1), or undefined when the detector is not sure. */
  detect(text: string): string | undefined;
}

/** A detector over `languages` (eld's data is loaded on the first call: about 0.7 s). */
export async function languageDetector(languages: readonly string[]): Promise<LanguageDetector> {
  const { eld } = await import('eld/small');
  const detector = eld.newInstance();
  detector.setLanguageSubset([...languages]);
  return {
    detect(text) {
      const r = detector.detect(text);
      return r.language && r.isReliable() ? r.language : undefined;
    },
  };
}
