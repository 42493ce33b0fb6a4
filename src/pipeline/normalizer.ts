/**
 * The query normalizer: what the normalize stage does to a text, and to a vocabulary term.
 *
 * A query goes through the pipeline's rule pack (when it has one: noise, abbreviations,
 * attributes, codes) and is folded into the match key the lexical generator searches
 * (`fold: full`: NFKC, case, accents, punctuation; `lowercase`: lower case only). The text
 * as written is folded once, here: the fusion stage puts a term spelled as written before
 * a normalized-only match, and with `raw: also | dense` the generators search it too.
 *
 * A vocabulary term gets the same folding, after the pack's `apply: both` stages when the
 * pack has any, so both sides are compared on one key.
 */
import { normalize, rulesFired, type FoundCode } from '../normalize/engine.js';
import { loadPack, type CompiledPack } from '../normalize/pack.js';
import { foldText } from '../core/fold.js';
import type { PipelineConfig } from './config.js';

export interface NormalizedQuery {
  /** The match key the lexical generator searches: the pack's output, folded. */
  normalized: string;
  /** The pack's output before folding: what the dense generators encode. */
  text: string;
  /** Ids of the rules that changed or recognised something. */
  rulesFired: string[];
  attributes: Record<string, string[]>;
  codes: FoundCode[];
  /** With a rule pack: the text as written, folded (`foldText`). */
  written?: string;
  /** With a rule pack and `raw: also | dense`: the text as written in the pipeline's folding, searched as well. */
  raw?: string;
  /** Whether anything is left to match: letters or digits in the match key or in the raw text. */
  matchable: boolean;
}

const ALPHANUMERIC = /[\p{L}\p{N}]/u;

export class QueryNormalizer {
  readonly pack: CompiledPack | undefined;
  /** The pack when it has stages that also apply to vocabulary terms. */
  private readonly termPack: CompiledPack | undefined;

  constructor(readonly config: PipelineConfig['normalize']) {
    this.pack = config.pack ? loadPackCached(config.pack) : undefined;
    this.termPack = this.pack?.stages.some((st) => st.appliesToTerms) ? this.pack : undefined;
  }

  /** The fingerprint of the pack's term stages (a part of the lexical index's cache key), or null when terms are only folded. */
  get termFingerprint(): string | null {
    return this.termPack?.fingerprint ?? null;
  }

  normalize(input: string): NormalizedQuery {
    const full = this.config.fold === 'full';
    if (!this.pack) {
      const normalized = full ? foldText(input) : input.toLowerCase();
      return { normalized, text: input, rulesFired: [], attributes: {}, codes: [], matchable: ALPHANUMERIC.test(normalized) };
    }
    const r = normalize(input, this.pack);
    const normalized = full ? r.key : r.text.toLowerCase();
    const written = foldText(input);
    const raw = this.config.raw === 'never' ? undefined : full ? written : input.toLowerCase();
    return {
      normalized,
      text: r.text,
      rulesFired: rulesFired(r),
      attributes: r.attributes,
      codes: r.codes,
      written,
      ...(raw !== undefined ? { raw } : {}),
      matchable: ALPHANUMERIC.test(normalized) || (raw !== undefined && ALPHANUMERIC.test(raw)),
    };
  }

  /** The match key of a vocabulary term; `stored` is its folded form from the store, used when the pack does not change terms. */
  termKey(text: string, stored?: string): string {
    const p = this.termPack;
    if (this.config.fold === 'lowercase') return (p ? normalize(text, p, { target: 'term', trace: false }).text : text).toLowerCase();
    return p ? normalize(text, p, { target: 'term', trace: false }).key : (stored ?? foldText(text));
  }
}

const packCache = new Map<string, CompiledPack>();

/** Packs compiled once per process (a linker per worker thread, many linkers in a benchmark run). */
function loadPackCached(nameOrFile: string): CompiledPack {
  let p = packCache.get(nameOrFile);
  if (!p) packCache.set(nameOrFile, (p = loadPack(nameOrFile)));
  return p;
}
