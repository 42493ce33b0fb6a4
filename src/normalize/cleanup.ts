/**
 * Text cleanup, the first stage of every normalization: it makes text comparable without
 * changing its meaning, and keeps case (rule packs may need it: "IT" is not "it").
 *
 * - HTML entities decoded (`&amp;`, `&eacute;`, `&#x27;`);
 * - Unicode NFKC (full-width letters, ligatures such as "ﬁ", superscripts);
 * - control characters (NUL included) turned into spaces, as the match key does;
 *   zero-width characters and bidi marks removed;
 * - quotes, apostrophes, dashes, slashes and spaces unified.
 *
 * Splitting machine identifiers (camelCase, snake_case, digit runs) is left to rule packs
 * (`transform: split-identifier`), since only they know which tokens are names ("DevOps",
 * "JavaScript") and which are identifiers.
 *
 * `foldAccents` and lower-casing finish the job for matching (the original is always kept).
 */
import { decodeHTML } from 'entities';

/** Control characters (NUL included) separate words, as they do in the match key (`foldText`): each becomes a space. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Zero-width, bidi and other invisible marks are removed. */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
const SPACES = /[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\u301d\u301e]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u2035\u0060\u00b4\u02bc]/g;
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
const SLASHES = /[\u2044\u2215\uff0f]/g;

export function cleanup(raw: string): string {
  let s = raw.includes('&') ? decodeHTML(raw) : raw;
  s = s.normalize('NFKC').replace(CONTROL, ' ').replace(INVISIBLE, '');
  s = s.replace(DOUBLE_QUOTES, '"').replace(SINGLE_QUOTES, "'").replace(DASHES, '-').replace(SLASHES, '/');
  return s.replace(SPACES, ' ').trim();
}

/** Machine identifiers as words: "seniorJavaDeveloper" → "senior Java Developer", "back_end_dev" → "back end dev", "Level2" → "Level 2". */
export function splitIdentifier(token: string): string {
  return token
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/[_]+/g, ' ')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .replace(/ +/g, ' ')
    .trim();
}

/** Accents and other combining marks removed ("infirmière" → "infirmiere"). */
export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}
