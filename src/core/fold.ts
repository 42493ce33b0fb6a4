/**
 * Match keys: the form of a term that lookups and indexes compare.
 *
 * `foldText` is deliberately conservative — it only removes differences that never
 * change meaning: Unicode compatibility forms (NFKC), case, accents, ligatures,
 * punctuation and spacing. The rule packs of `src/normalize/` (abbreviations,
 * noise, seniority…) run before it and do the meaningful rewriting.
 */

// Letters that NFD does not decompose into base + combining mark.
const EXTRA_FOLDS: Record<string, string> = {
  ß: 'ss',
  œ: 'oe',
  æ: 'ae',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const EXTRA_FOLD_RE = /[ßœæøłđðþı]/g;
const COMBINING_MARKS_RE = /\p{M}+/gu;
const NON_WORD_RE = /[^\p{L}\p{N}]+/gu;

/** Case- and accent-folded text with every run of non-alphanumerics turned into one space. */
export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(EXTRA_FOLD_RE, (c) => EXTRA_FOLDS[c] ?? c)
    .normalize('NFD')
    .replace(COMBINING_MARKS_RE, '')
    .replace(NON_WORD_RE, ' ')
    .trim();
}

/** Codes compare without separators or case: "E11.9", "e11 9" and "E119" share one key. */
export function foldCode(code: string): string {
  return foldText(code).replace(/ /g, '');
}
