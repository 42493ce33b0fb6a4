/**
 * hubness: the DBNorm correction of the ranked terms' scores (src/hubness/dbnorm.ts), so
 * that terms near everything (hubs) stop taking the first places of unrelated queries.
 *
 * Building the stage searches its banks with the stages before it (dense, lexical,
 * fusion: the same scores a query gets), each bank item leaving out its own concept; the
 * hits are cached beside the index. The query bank is the given mentions (training
 * mentions, past queries), else a seeded sample of held-out vocabulary terms (unless the
 * section says `queryBank: given`, when the stage is then left out); the dual methods also
 * search a gallery bank of indexed terms. Normalizers for any β come from the stored hits
 * in milliseconds, so tuning never searches again (`correctionFor`).
 */
import { banksFromBuffer, banksToBuffer, sampleIndices, type SerializedBanks } from '../../hubness/banks.js';
import { bankNormalizer, correctScores, type Banks } from '../../hubness/dbnorm.js';
import { BuildCache } from '../cache.js';
import type { HubnessConfig } from '../config.js';
import { defineStage, queryState, runStages, type QueryState, type RankedTerm, type Stage, type StageContext } from '../stage.js';

/** The correction a linker applies: its settings and the two banks' normalizers. */
export interface HubnessCorrection {
  config: HubnessConfig;
  banks: Banks;
  /** Bank hits, from which normalizers for other β are computed (tuning). */
  hits: SerializedBanks;
  /** Where the query bank came from. */
  querySource: 'given' | 'synthetic';
}

export class HubnessStage implements Stage {
  readonly name = 'hubness';
  readonly ranksTerms = true;
  /** K′: the terms re-scored per query. */
  readonly termDepth: number;

  constructor(readonly correction: HubnessCorrection) {
    this.termDepth = correction.config.candidates;
  }

  run(batch: QueryState[]): void {
    const { config, banks } = this.correction;
    for (const q of batch) {
      const byTerm = new Map<number, RankedTerm>();
      const scored = q.ranked.map((x) => {
        byTerm.set(x.term, x);
        return { item: x.term, score: x.score };
      });
      q.ranked = correctScores(scored, config, banks).map(({ item, score }) => ({ ...byTerm.get(item)!, score }));
      q.correction = { method: config.method, before: (term) => byTerm.get(term)?.score };
    }
  }

  describe(): string {
    return `${this.correction.config.method} (β₁ ${this.correction.config.beta1}, ${this.correction.querySource} query bank)`;
  }
}

/**
 * The correction with other settings from the same bank hits: β, method, and bank size and
 * depth up to the searched ones.
 */
export function correctionFor(h: HubnessConfig, from: HubnessCorrection, gallerySize: number): HubnessCorrection {
  const hits = from.hits;
  if (h.bankDepth > hits.depth) throw new Error(`bankDepth ${h.bankDepth} is deeper than the searched ${hits.depth}`);
  if ((h.method === 'dualis' || h.method === 'dualdis') && hits.gallery.length === 0 && hits.query.length > 0) {
    throw new Error(`${h.method} needs the gallery bank, which a linker built for ${from.config.method} did not search`);
  }
  const sub = { depth: h.bankDepth, query: hits.query.slice(0, h.bankSize).map((b) => truncate(b, h.bankDepth)), gallery: hits.gallery.slice(0, h.bankSize).map((b) => truncate(b, h.bankDepth)) };
  return { config: h, hits, banks: normalizersFor(h, sub, gallerySize), querySource: from.querySource };
}

function truncate(b: { items: ArrayLike<number>; scores: ArrayLike<number> }, depth: number): { items: ArrayLike<number>; scores: ArrayLike<number> } {
  if (b.items.length <= depth) return b;
  return { items: Array.from(b.items).slice(0, depth), scores: Array.from(b.scores).slice(0, depth) };
}

/** The two banks' normalizers for the configured β (milliseconds from the stored hits). */
export function normalizersFor(h: HubnessConfig, hits: SerializedBanks, gallerySize: number): Banks {
  return {
    query: bankNormalizer(hits.query, gallerySize, h.beta1, Math.min(h.activationK, hits.depth), hits.depth),
    gallery: bankNormalizer(hits.gallery, gallerySize, h.beta2, Math.min(h.activationK, hits.depth), hits.depth),
  };
}

interface BankItem {
  /** The text as the generators see it (normalized) and as the encoders embed it. */
  norm: string;
  text: string;
  lang: string | undefined;
  /** Concepts whose terms the item does not count (its own). */
  exclude: readonly string[];
}

/** Each bank item's top `bankDepth` terms under the stages before the correction. */
async function searchBanks(h: HubnessConfig, ctx: StageContext): Promise<SerializedBanks> {
  const { index, normalizer } = ctx.resources;
  const terms = index.terms;
  const given = ctx.options.queryBank;
  const asQuery = (text: string, lang: string | undefined, exclude: readonly string[]): BankItem => {
    const q = normalizer.normalize(text);
    return { norm: q.normalized, text: q.text, lang, exclude };
  };
  const queryBank =
    given && given.length > 0
      ? sampleIndices(given.length, h.bankSize, h.seed).map((i) => asQuery(given[i]!.text, given[i]!.lang, given[i]!.conceptIds))
      : sampleIndices(terms.length, h.bankSize, h.seed).map((i) => asQuery(terms[i]!.text, terms[i]!.lang, [terms[i]!.conceptId]));
  // IS and DIS use the query bank only: the gallery bank is searched for the dual methods.
  const dual = h.method === 'dualis' || h.method === 'dualdis';
  const galleryBank: BankItem[] = (dual ? sampleIndices(terms.length, h.bankSize, h.seed + 1) : []).map((i) => ({ norm: terms[i]!.norm, text: terms[i]!.text, lang: terms[i]!.lang, exclude: [terms[i]!.conceptId] }));
  // Bank items are normalized already: the stages after normalize rank their terms.
  const stages = ctx.before.filter((s) => s.name !== 'normalize');
  const search = async (bank: readonly BankItem[]) => {
    if (!bank.length) return [];
    const batch = bank.map((b) =>
      queryState({
        input: b.text,
        lang: b.lang,
        k: h.bankDepth,
        want: h.bankDepth,
        unit: 'term',
        depth: h.bankDepth,
        exclude: new Set(b.exclude),
        query: { normalized: b.norm, text: b.text, rulesFired: [], attributes: {}, codes: [], matchable: true },
      }),
    );
    await runStages(stages, batch);
    return batch.map((q) => ({ items: Int32Array.from(q.ranked, (x) => x.term), scores: Float32Array.from(q.ranked, (x) => x.score) }));
  };
  return { depth: h.bankDepth, query: await search(queryBank), gallery: await search(galleryBank) };
}

export const hubnessStage = defineStage({
  name: 'hubness',
  section: (config) => (config.hubness.method === 'none' ? undefined : config.hubness),
  async build(h, ctx) {
    const given = ctx.options.queryBank;
    // "given": correct only with a query bank of real mentions.
    if (h.queryBank === 'given' && !given?.length) return undefined;
    const { config, resources } = ctx;
    const gen = config.generators[0];
    const key = BuildCache.key({
      key: resources.termsKey,
      ...(resources.dense.length ? { dense: resources.dense.map((d) => [d.encoder.fingerprint, d.config.k, d.config.ef]), fusion: config.fusion } : {}),
      pack: resources.normalizer.pack?.fingerprint ?? null,
      fold: config.normalize.fold,
      dual: h.method === 'dualis' || h.method === 'dualdis',
      bankSize: h.bankSize,
      bankDepth: h.bankDepth,
      seed: h.seed,
      queryBank: given ? BuildCache.digest(given) : null,
      // The lexical search's common grams change what the banks find.
      ...(gen.commonGrams !== undefined ? { commonGrams: gen.commonGrams } : {}),
    });
    const { value: hits } = await ctx.cache.readOrBuild(ctx.vocabulary, `banks-${key}.bin`, { decode: banksFromBuffer, encode: banksToBuffer }, () => searchBanks(h, ctx));
    return new HubnessStage({ config: h, hits, banks: normalizersFor(h, hits, resources.index.size), querySource: given?.length ? 'given' : 'synthetic' });
  },
});
