/**
 * Co-reference over one document: groups the mentions that name the same entity and gives
 * each group one canonical surface form, which linking then uses for every member.
 *
 * A mention joins a group when it is
 * - a short form defined in the document (Schwartz–Hearst) whose long form is in the group
 *   (or the long form itself, which starts the group);
 * - the same after folding case, accents, punctuation, spelling (`spellingKey`) and number;
 * - a spelling variant of a member: one edit apart (Damerau–Levenshtein) on keys of 8+
 *   characters without digits ("type 1" and "type 2" diabetes stay apart);
 * - with `partial: true`, a shorter form of an earlier mention with the same head word
 *   ("colorectal cancer" after "hereditary nonpolyposis colorectal cancer"), when exactly one
 *   group qualifies. Off by default: on NCBI-disease (dev) it merges "breast cancer" into
 *   "breast and ovarian cancer" and costs 1.0 point of Success@1.
 * The canonical form is the long form for abbreviation groups, else the member with most words.
 */
import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/index.js';
import { foldText } from '../core/fold.js';
import { abbreviationMap } from './abbreviations.js';
import { singular } from './singular.js';

export interface DocumentMention {
  id: string;
  text: string;
  start?: number;
  end?: number;
}

export interface MentionGroup {
  canonical: string;
  members: string[];
  /** Why members joined, for explanations: "abbreviation", "same", "spelling", "partial". */
  reasons: Record<string, string>;
}

export interface CorefOptions {
  /** Join shorter forms of earlier mentions (see above). Default false. */
  partial?: boolean;
  /** Join one-edit spelling variants. Default true. */
  spelling?: boolean;
}

export interface CorefResult {
  groups: MentionGroup[];
  /** Mention id → the canonical form linking should use. */
  canonical: Map<string, string>;
  /** Short forms the document defines. */
  abbreviations: Map<string, string>;
}

/** The comparison key of a mention: folded, singular. */
export function mentionKey(text: string): string {
  return foldText(singular(foldText(text)));
}

interface Group {
  canonical: string;
  keys: Set<string>;
  headWords: Set<string>;
  tokens: Set<string>;
  members: string[];
  reasons: Record<string, string>;
  fromAbbreviation: boolean;
}

function head(key: string): string {
  const words = key.split(' ');
  return words[words.length - 1] ?? '';
}

function spellingVariant(a: string, b: string): boolean {
  if (a.length < 8 || b.length < 8 || /\d/.test(a) || /\d/.test(b) || Math.abs(a.length - b.length) > 1) return false;
  return DamerauLevenshteinDistance(a, b) <= 1;
}

export function corefDocument(text: string, mentions: readonly DocumentMention[], options: CorefOptions = {}): CorefResult {
  const abbreviations = abbreviationMap(text);
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  const add = (g: Group, m: DocumentMention, key: string, reason: string): void => {
    g.members.push(m.id);
    g.reasons[m.id] = reason;
    g.keys.add(key);
    byKey.set(key, g);
    for (const t of key.split(' ')) g.tokens.add(t);
    if (!g.fromAbbreviation && key.split(' ').length > mentionKey(g.canonical).split(' ').length) g.canonical = m.text.trim();
  };
  const start = (m: DocumentMention, key: string, canonical: string, fromAbbreviation: boolean): Group => {
    const g: Group = { canonical, keys: new Set(), headWords: new Set([head(mentionKey(canonical))]), tokens: new Set(), members: [], reasons: {}, fromAbbreviation };
    groups.push(g);
    if (fromAbbreviation) {
      const lk = mentionKey(canonical);
      g.keys.add(lk);
      byKey.set(lk, g);
    }
    add(g, m, key, fromAbbreviation ? 'abbreviation' : 'first');
    return g;
  };

  for (const m of mentions) {
    const raw = m.text.trim();
    const key = mentionKey(raw);
    if (!key) continue;
    const long = abbreviations.get(raw);
    if (long) {
      const g = byKey.get(mentionKey(long));
      if (g) add(g, m, key, 'abbreviation');
      else start(m, key, long, true);
      continue;
    }
    const same = byKey.get(key);
    if (same) {
      add(same, m, key, 'same');
      continue;
    }
    if (options.spelling ?? true) {
      const variant = groups.find((g) => [...g.keys].some((k) => spellingVariant(k, key)));
      if (variant) {
        add(variant, m, key, 'spelling');
        continue;
      }
    }
    if (options.partial) {
      const words = key.split(' ');
      const partial = groups.filter((g) => g.headWords.has(head(key)) && words.every((w) => g.tokens.has(w)) && [...g.keys].some((k) => k.split(' ').length > words.length));
      if (partial.length === 1 && words.length >= 2) {
        add(partial[0]!, m, key, 'partial');
        continue;
      }
    }
    start(m, key, raw, false);
  }

  const canonical = new Map<string, string>();
  for (const g of groups) for (const id of g.members) canonical.set(id, g.canonical);
  return {
    groups: groups.map((g) => ({ canonical: g.canonical, members: g.members, reasons: g.reasons })),
    canonical,
    abbreviations,
  };
}
