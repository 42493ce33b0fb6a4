/**
 * Limits shared by the library, the CLI and the HTTP API, stated once.
 */

/** The most candidates one query may ask for (`--k`, `Linker.link`). */
export const MAX_K = 1000;

/**
 * The longest text the query pipeline reads, in characters: a longer text is cut here
 * (the result says so in `truncated`) before the rule pack, the translator and the
 * encoders see it. A job title or a clinical mention is a few dozen characters.
 */
export const MAX_QUERY_CHARS = 2000;

/** The longest text an HTTP request may send in one `text` field (longer: 400). */
export const MAX_REQUEST_TEXT_CHARS = 10_000;

/** The first MAX_QUERY_CHARS characters of a text (never splitting a surrogate pair), and whether it was cut. */
export function capQuery(text: string): { text: string; truncated: boolean } {
  if (text.length <= MAX_QUERY_CHARS) return { text, truncated: false };
  let end = MAX_QUERY_CHARS;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), truncated: true };
}
