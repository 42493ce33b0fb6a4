/**
 * LiteralMatcher: every literal of a stage in one character trie, matched as whole words.
 *
 * Thousands of abbreviations cost one walk per word start instead of one regex alternative
 * per position. A literal that starts (ends) with a letter or digit only matches where the
 * text does not continue with one before (after) it; a space in a literal matches any run
 * of white space. At one position the longest literal wins; on equal length, the earlier rule.
 */

interface TrieNode {
  next: Map<string, TrieNode>;
  /** Rule index when a literal ends here. */
  rule?: number;
  /** The literal ends with a word character, so the text must not continue with one. */
  endBoundary?: boolean;
}

export interface LiteralHit {
  start: number;
  end: number;
  rule: number;
}

export function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return /[\p{L}\p{N}]/u.test(ch);
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u00a0';
}

/** Lower case without changing the string's length (so offsets stay valid). */
export function lowerSameLength(s: string): string {
  const l = s.toLowerCase();
  if (l.length === s.length) return l;
  let out = '';
  for (const ch of s) {
    const lc = ch.toLowerCase();
    out += lc.length === ch.length ? lc : ch;
  }
  return out;
}

class Trie {
  readonly root: TrieNode = { next: new Map() };
  size = 0;

  add(literal: string, rule: number): void {
    let node = this.root;
    const text = literal.replace(/\s+/g, ' ');
    for (const ch of text) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { next: new Map() }));
      node = child;
    }
    if (node.rule === undefined || rule < node.rule) {
      node.rule = rule;
      node.endBoundary = isWordChar([...text].pop());
    }
    this.size++;
  }

  /** The longest literal starting at `i` in `text`, if any. */
  longestAt(text: string, i: number): LiteralHit | null {
    if (isWordChar(text[i]) && isWordChar(text[i - 1])) return null;
    let node: TrieNode | undefined = this.root;
    let best: LiteralHit | null = null;
    let j = i;
    while (node && j <= text.length) {
      if (node.rule !== undefined && j > i && (!node.endBoundary || !isWordChar(text[j]))) {
        if (!best || j > best.end || (j === best.end && node.rule < best.rule)) best = { start: i, end: j, rule: node.rule };
      }
      if (j === text.length) break;
      const ch = text[j]!;
      if (isSpace(ch)) {
        node = node.next.get(' ');
        while (isSpace(text[j])) j++;
        continue;
      }
      node = node.next.get(ch);
      j++;
    }
    return best;
  }
}

export class LiteralMatcher {
  private readonly insensitive = new Trie();
  private readonly sensitive = new Trie();

  add(literal: string, rule: number, caseSensitive: boolean): void {
    if (caseSensitive) this.sensitive.add(literal, rule);
    else this.insensitive.add(lowerSameLength(literal), rule);
  }

  get size(): number {
    return this.insensitive.size + this.sensitive.size;
  }

  /** The leftmost literal at or after `from` (`lowered` is `lowerSameLength(text)`). */
  next(text: string, lowered: string, from: number): LiteralHit | null {
    const ci = this.insensitive.size > 0;
    const cs = this.sensitive.size > 0;
    for (let i = from; i < text.length; i++) {
      const a = ci && this.insensitive.root.next.has(lowered[i]!) ? this.insensitive.longestAt(lowered, i) : null;
      const b = cs && this.sensitive.root.next.has(text[i]!) ? this.sensitive.longestAt(text, i) : null;
      if (a && b) return a.end > b.end || (a.end === b.end && a.rule < b.rule) ? a : b;
      if (a || b) return a ?? b;
    }
    return null;
  }
}
