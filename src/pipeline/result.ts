/**
 * What a linker answers: a `LinkResult` per text, its ranked `LinkCandidate`s, and what each
 * stage recorded about a candidate (the explanation).
 */
import type { FoundCode } from '../normalize/engine.js';

/** One generator's view of a candidate's matched term. */
export interface GeneratorScore {
  /** "lexical", or "dense:<model>". */
  generator: string;
  /** Its similarity for the term (exact, also when the generator did not return it). */
  score: number;
  /** The term's rank in the generator's own list (1-based), null when it was not in it. */
  rank: number | null;
}

export interface LinkCandidate {
  conceptId: string;
  score: number;
  /** The concept's term that matched best. */
  term: { text: string; lang: string };
  generator: string;
  /** The lexical generator's view scores for that term (char n-gram cosine, normalised BM25). */
  views?: { char: number; bm25: number };
  /** The hubness correction: the term's score before it, and the method. */
  hubness?: { method: string; before: number };
  /** With several generators: each one's score and rank for the matched term (score is then the fused score). */
  generators?: GeneratorScore[];
  /** The calibrated probability that this concept is right (pipelines with a `decision` section). */
  confidence?: number;
  /** The cross-encoder reranker: its logit for (mention, concept text), and the score before it. */
  rerank?: { model: string; score: number; before: number };
  /** The specificity stage answered this concept before its group `group`, from `rank` (1-based) with `score` (it takes the group's). */
  preferredOver?: { group: string; rank: number; score: number };
}

export interface LinkResult {
  input: string;
  /** The text the generators matched (after the rule pack and folding). */
  normalized: string;
  /** Ids of the rules that changed or recognised something. */
  rulesFired: string[];
  /** What the rule pack extracted (seniority, contract, location, negated, laterality…). */
  attributes: Record<string, string[]>;
  /** Codes found in the text; those in the vocabulary are the first candidates. */
  codes: FoundCode[];
  /** The query translated into the vocabulary's language (the translate stage), word by word: what the generators also searched. */
  translation?: TranslationExplained;
  candidates: LinkCandidate[];
  /** Set when the text was longer than MAX_QUERY_CHARS (src/core/limits.ts): `input` is its first `kept` of `chars` characters, and only they were linked. */
  truncated?: { chars: number; kept: number };
  /** True when the best candidate's confidence is below the pipeline's NIL threshold (the candidates are still listed). */
  nil?: boolean;
}

export interface TranslationExplained {
  from: string;
  to: string;
  /** Each word's best translation. */
  text: string;
  /** Per word (or headword phrase): how it was found (exact, stem, prefix, compound, phrase, none) and its kept translations. */
  words: Array<{ source: string; via: string; targets: string[] }>;
}

/** A cosine this close to 1 is an exact match of the normalized texts. */
export const PERFECT = 1 - 1e-6;
