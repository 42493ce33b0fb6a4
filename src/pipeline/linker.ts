/**
 * Linker: runs a pipeline configuration over one vocabulary.
 *
 *   text → normalize → candidate generators (lexical, dense) → fusion → hubness correction
 *        → best term per concept → ranked concepts (with the term that matched)
 *
 * Building a linker builds (or loads from the cache) what its configuration needs: the
 * char TF-IDF index, each dense generator's encoder (trained on the vocabulary when the
 * configuration says "trained"), term vectors and HNSW graph, and the hubness banks; each
 * is cached per vocabulary version and settings, written atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LexicalIndex, type ConceptMatch, type IndexedTerm } from '../lexical/lexical-index.js';
import { compareRanked } from '../core/rank.js';
import type { VocabStore } from '../store/store.js';
import { normalize, rulesFired as firedRules, type FoundCode } from '../normalize/engine.js';
import { loadPack, type CompiledPack } from '../normalize/pack.js';
import { foldCode, foldText } from '../core/fold.js';
import { banksFromBuffer, banksToBuffer, sampleIndices, searchBank, type BankQuery, type SerializedBanks } from '../hubness/banks.js';
import { bankNormalizer, correctScores, type Banks } from '../hubness/dbnorm.js';
import type { Progress } from '../core/progress.js';
import type { HubnessConfig, PipelineConfig, SpecificityConfig } from './config.js';
import { candidateFeatures, confidenceOf } from './decision.js';
import { preferredLabelsFirst, preferSpecific, withPositionalScores, type Hierarchy } from './specificity.js';
import { DenseGenerator } from './dense.js';
import { pairFeatures, pairwiseScores, type PairContext } from './pairwise.js';
import { CrossEncoder } from '../encoders/onnx/cross-encoder.js';
import { openCrossEncoder } from '../encoders/models/resolve.js';

export interface ExtraTerm {
  conceptId: string;
  text: string;
  lang: string;
}

export interface LinkerOptions {
  /** Where built indexes are cached; no caching when absent. */
  cacheDir?: string;
  /** Terms added to the index only (e.g. a benchmark's training mentions). Unknown concepts are ignored. */
  extraTerms?: readonly ExtraTerm[];
  /**
   * Whether a trained dense encoder also learns from the extra terms (as labeled pairs).
   * Default true (benchmark training mentions); the service's custom synonyms are only
   * indexed, so adding one does not retrain the encoder.
   */
  trainOnExtraTerms?: boolean;
  /**
   * The hubness correction's query bank: training mentions or past queries with their
   * concepts. Without one, held-out vocabulary terms stand in (src/hubness/banks.ts).
   */
  queryBank?: ReadonlyArray<{ text: string; conceptIds: readonly string[]; lang?: string }>;
  /** Where Hugging Face models named by dense generators are cached (the data dir). */
  dataDir?: string;
  /** Progress of the long builds (encoder training, term encoding, HNSW). */
  progress?: Progress;
  /**
   * onnxruntime intra-op threads per encoder session (default: one per core). A server
   * running one linker per worker thread sets 1: its parallelism is the pool's.
   */
  encoderThreads?: number;
}

/** One generator's view of a candidate's matched term. */
export interface GeneratorScore {
  /** "lexical", or "dense:<model>". */
  generator: string;
  /** Its similarity for the term (exact, also when the generator did not return it). */
  score: number;
  /** The term's rank in the generator's own list (1-based), null when it was not in it. */
  rank: number | null;
}

/** The hubness correction a linker applies: its settings and the two banks' normalizers. */
export interface LinkerHubness {
  config: HubnessConfig;
  banks: Banks;
  /** Bank hits, from which normalizers for other β are computed (tuning). */
  hits: SerializedBanks;
  /** Where the query bank came from. */
  querySource: 'given' | 'synthetic';
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
  candidates: LinkCandidate[];
  /** True when the best candidate's confidence is below the pipeline's NIL threshold (the candidates are still listed). */
  nil?: boolean;
}

/** What a built linker holds and how it was built (`normkit build`). */
export interface LinkerSummary {
  vocabulary: string;
  pipeline: string;
  concepts: number;
  terms: number;
  /** The candidate generators: lexical first, then each dense one with its vector width and whether it came from the cache. */
  generators: Array<{ generator: string; dim?: number; fromCache?: boolean }>;
  /** The hubness correction and its query bank, or "none". */
  hubness: string;
  /** Everything came from the cache. */
  fromCache: boolean;
  /** Seconds spent building (or loading). */
  seconds: number;
}

export class Linker {
  readonly config: PipelineConfig;
  readonly vocabulary: string;
  /** Seconds spent building (or loading) the indexes. */
  readonly buildSeconds: number;
  readonly fromCache: boolean;
  readonly concepts: number;
  readonly terms: number;
  /** The lexical index the linker searches. */
  readonly index: LexicalIndex;
  private readonly conceptIds: ReadonlySet<string>;
  private readonly pack: CompiledPack | undefined;
  /** foldCode(code) → concept ids, for codes found in queries. */
  private readonly codes: ReadonlyMap<string, string[]>;
  /** The hubness correction, when the configuration asks for one. */
  hubness: LinkerHubness | undefined;
  /** The dense generators, in configuration order (after the lexical one). */
  readonly dense: readonly DenseGenerator[];
  /** Fusion weight per generator (lexical first). */
  private readonly weights: readonly number[];
  /** The rerank stage's cross-encoder, when the configuration has one. */
  reranker: CrossEncoder | undefined;
  /** Training mentions per concept (the linker's extra terms): the trained reranker's prior. */
  private priors: ReadonlyMap<string, number> = new Map();
  /** Each concept's parents (the trained reranker's shared-parent feature). */
  private parentsOf: ReadonlyMap<string, readonly string[]> = new Map();
  /** The index's terms that are their concept's preferred label (ties: preferred). */
  private preferredTerms: ReadonlySet<IndexedTerm> = new Set();
  /** The concepts of the specificity stage's group types. */
  private groups: ReadonlySet<string> = new Set();
  private readonly hierarchy: Hierarchy = {
    isGroup: (id) => this.groups.has(id),
    parents: (id) => this.parentsOf.get(id) ?? [],
  };

  private constructor(init: {
    config: PipelineConfig;
    vocabulary: string;
    index: LexicalIndex;
    pack: CompiledPack | undefined;
    codes: ReadonlyMap<string, string[]>;
    buildSeconds: number;
    fromCache: boolean;
    dense: readonly DenseGenerator[];
  }) {
    this.config = init.config;
    this.vocabulary = init.vocabulary;
    this.index = init.index;
    this.buildSeconds = init.buildSeconds;
    this.fromCache = init.fromCache;
    this.terms = init.index.size;
    this.conceptIds = new Set(init.index.terms.map((t) => t.conceptId));
    this.concepts = this.conceptIds.size;
    this.pack = init.pack;
    this.codes = init.codes;
    this.hubness = undefined;
    this.dense = init.dense;
    const g = init.config.generators.length;
    this.weights = init.config.fusion.weights ?? Array.from({ length: g }, () => 1 / g);
  }

  static async build(store: VocabStore, vocabulary: string, config: PipelineConfig, options: LinkerOptions = {}): Promise<Linker> {
    const started = performance.now();
    const info = store.vocabulary(vocabulary);
    const gen = config.generators[0]!;
    const extra = options.extraTerms ?? [];
    const pack = config.normalize.pack ? loadPackCached(config.normalize.pack) : undefined;
    const key = createHash('sha256')
      .update(
        JSON.stringify({
          vocabulary,
          checksum: info.checksum,
          importedAt: info.importedAt,
          fold: config.normalize.fold,
          pack: pack?.stages.some((st) => st.appliesToTerms) ? pack.fingerprint : null,
          filter: config.filter ?? null,
          generator: { n: gen.n, sublinearTf: gen.sublinearTf, bm25Weight: gen.bm25Weight, k1: gen.k1, b: gen.b, ...(gen.prefixStem ? { prefixStem: gen.prefixStem } : {}) },
          extra: createHash('sha256').update(JSON.stringify(extra)).digest('hex'),
        }),
      )
      .digest('hex')
      .slice(0, 20);
    const file = options.cacheDir ? join(options.cacheDir, vocabulary, `lexical-${key}.bin`) : undefined;

    let index: LexicalIndex | undefined;
    let fromCache = false;
    if (file && existsSync(file)) {
      try {
        index = LexicalIndex.fromBuffer(readFileSync(file));
        fromCache = true;
      } catch {
        index = undefined; // a damaged cache file is rebuilt below
      }
    }
    if (!index) {
      const termKey = termNormalizer(config, pack);
      const terms: IndexedTerm[] = [];
      const known = new Set<string>();
      for (const t of store.terms(vocabulary, config.filter ? { types: config.filter.types } : {})) {
        known.add(t.conceptId);
        terms.push({ conceptId: t.conceptId, text: t.text, norm: termKey(t.text, t.norm), lang: t.lang });
      }
      for (const e of extra) if (known.has(e.conceptId)) terms.push({ ...e, norm: termKey(e.text) });
      index = LexicalIndex.build(terms, { n: gen.n, sublinearTf: gen.sublinearTf, bm25Weight: gen.bm25Weight, k1: gen.k1, b: gen.b, prefixStem: gen.prefixStem });
      if (file) {
        mkdirSync(join(options.cacheDir!, vocabulary), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, index.toBuffer());
        renameSync(tmp, file);
      }
    }
    const codes = new Map<string, string[]>();
    if (pack) {
      const inIndex = new Set(index.terms.map((t) => t.conceptId));
      const addCode = (code: string, id: string): void => {
        if (!inIndex.has(id)) return;
        const k = foldCode(code);
        const list = codes.get(k);
        if (!list) codes.set(k, [id]);
        else if (!list.includes(id)) list.push(id);
      };
      for (const id of inIndex) addCode(id, id);
      for (const t of store.terms(vocabulary, { includeCodes: true })) if (t.kind === 'code') addCode(t.text, t.conceptId);
    }
    const dense: DenseGenerator[] = [];
    const [, ...denseConfigs] = config.generators;
    for (const d of denseConfigs) {
      dense.push(
        await DenseGenerator.build(d, {
          store,
          vocabulary,
          termTexts: index.terms.map((t) => t.text),
          termsKey: key,
          types: config.filter?.types,
          labeled: options.trainOnExtraTerms === false ? [] : extra.map((e) => ({ text: e.text, conceptId: e.conceptId })),
          cacheDir: options.cacheDir,
          dataDir: options.dataDir,
          progress: options.progress,
          threads: options.encoderThreads,
        }),
      );
    }
    const linker = new Linker({ config, vocabulary, index, pack, codes, buildSeconds: 0, fromCache: fromCache && dense.every((d) => d.fromCache), dense });
    const priors = new Map<string, number>();
    for (const e of extra) priors.set(e.conceptId, (priors.get(e.conceptId) ?? 0) + 1);
    linker.priors = priors;
    const parentsOf = new Map<string, string[]>();
    for (const [child, parent] of store.parentLinks(vocabulary)) {
      const list = parentsOf.get(child);
      if (list) list.push(parent);
      else parentsOf.set(child, [parent]);
    }
    linker.parentsOf = parentsOf;
    if (config.ties === 'preferred') {
      const labels = new Set<string>();
      for (const t of store.terms(vocabulary)) if (t.kind === 'preferred') labels.add(`${t.conceptId}\u0000${t.text}`);
      linker.preferredTerms = new Set(index.terms.filter((t) => labels.has(`${t.conceptId}\u0000${t.text}`)));
    }
    if (config.specificity) linker.groups = new Set(store.conceptsOfTypes(vocabulary, config.specificity.groupTypes));
    if (config.rerank?.type === 'cross-encoder') {
      const r = config.rerank;
      linker.reranker = existsSync(r.model) ? await CrossEncoder.load(r.model, { device: r.device }) : await openCrossEncoder(r.model, { dataDir: options.dataDir ?? join(tmpdir(), 'normkit'), device: r.device });
    }
    const noBank = config.hubness.queryBank === 'given' && !options.queryBank?.length;
    if (config.hubness.method !== 'none' && !noBank) {
      const h = config.hubness;
      const bankKey = createHash('sha256')
        .update(JSON.stringify({ key, ...(dense.length ? { dense: dense.map((d) => [d.encoder.fingerprint, d.config.k, d.config.ef]), fusion: config.fusion } : {}), pack: pack?.fingerprint ?? null, fold: config.normalize.fold, dual: h.method === 'dualis' || h.method === 'dualdis', bankSize: h.bankSize, bankDepth: h.bankDepth, seed: h.seed, queryBank: options.queryBank ? createHash('sha256').update(JSON.stringify(options.queryBank)).digest('hex') : null }))
        .digest('hex')
        .slice(0, 20);
      const bankFile = options.cacheDir ? join(options.cacheDir, vocabulary, `banks-${bankKey}.bin`) : undefined;
      let hits: SerializedBanks | undefined;
      if (bankFile && existsSync(bankFile)) {
        try {
          hits = banksFromBuffer(readFileSync(bankFile));
        } catch {
          hits = undefined;
        }
      }
      if (!hits) {
        hits = await linker.searchBanks(h, options.queryBank);
        if (bankFile) {
          const tmp = `${bankFile}.${process.pid}.tmp`;
          writeFileSync(tmp, banksToBuffer(hits));
          renameSync(tmp, bankFile);
        }
      }
      linker.hubness = { config: h, hits, banks: normalizersFor(h, hits, index.size), querySource: options.queryBank?.length ? 'given' : 'synthetic' };
    }
    (linker as { buildSeconds: number }).buildSeconds = (performance.now() - started) / 1000;
    return linker;
  }

  /** The bank items' top hits over this linker's terms (the expensive part of the correction). */
  async searchBanks(h: HubnessConfig, given?: LinkerOptions['queryBank']): Promise<SerializedBanks> {
    const terms = this.index.terms;
    const retrieve = (b: BankQuery, depth: number, exclude: ReadonlySet<string>) =>
      this.fusedTerms(b.norm, undefined, (b.vectors ?? []).map((v) => [v]), depth, { ...(b.lang ? { lang: b.lang } : {}), exclude }).list.map((x) => ({ term: x.term, score: x.score }));
    const item = (text: string, lang: string | undefined, exclude: readonly string[]): BankQuery & { text: string } => {
      const q = this.normalizeQuery(text);
      return { norm: q.normalized, text: q.text, lang, exclude };
    };
    let queryBank: Array<BankQuery & { text: string }>;
    if (given && given.length > 0) {
      queryBank = sampleIndices(given.length, h.bankSize, h.seed).map((i) => item(given[i]!.text, given[i]!.lang, given[i]!.conceptIds));
    } else {
      queryBank = sampleIndices(terms.length, h.bankSize, h.seed).map((i) => item(terms[i]!.text, terms[i]!.lang, [terms[i]!.conceptId]));
    }
    // IS and DIS use the query bank only: the gallery bank is searched for the dual methods.
    const dual = h.method === 'dualis' || h.method === 'dualdis';
    const galleryBank: Array<BankQuery & { text: string }> = (dual ? sampleIndices(terms.length, h.bankSize, h.seed + 1) : []).map((i) => {
      const t = terms[i]!;
      return { norm: t.norm, text: t.text, lang: t.lang, exclude: [t.conceptId] };
    });
    for (const bank of [queryBank, galleryBank]) {
      if (!this.dense.length || !bank.length) continue;
      const vectors = await Promise.all(this.dense.map((d) => d.embed(bank.map((b) => b.text))));
      bank.forEach((b, i) => (b.vectors = vectors.map((v) => v[i]!)));
    }
    return { depth: h.bankDepth, query: searchBank(queryBank, retrieve, h.bankDepth), gallery: searchBank(galleryBank, retrieve, h.bankDepth) };
  }

  /** The same linker with other hubness settings, reusing its indexes and bank hits (bank size and depth up to the searched ones). */
  withHubness(h: HubnessConfig): Linker {
    const copy = Object.create(Linker.prototype) as Linker;
    Object.assign(copy, this);
    (copy as { config: PipelineConfig }).config = { ...this.config, hubness: h };
    if (h.method === 'none') copy.hubness = undefined;
    else {
      const hits = this.hubness?.hits;
      if (!hits) throw new Error('withHubness needs a linker built with a hubness correction (its banks are reused)');
      if (h.bankDepth > hits.depth) throw new Error(`bankDepth ${h.bankDepth} is deeper than the searched ${hits.depth}`);
      if ((h.method === 'dualis' || h.method === 'dualdis') && hits.gallery.length === 0 && hits.query.length > 0) {
        throw new Error(`${h.method} needs the gallery bank, which a linker built for ${this.hubness!.config.method} did not search`);
      }
      const sub = { depth: h.bankDepth, query: hits.query.slice(0, h.bankSize).map((b) => truncate(b, h.bankDepth)), gallery: hits.gallery.slice(0, h.bankSize).map((b) => truncate(b, h.bankDepth)) };
      copy.hubness = { config: h, hits, banks: normalizersFor(h, sub, this.index.size), querySource: this.hubness!.querySource };
    }
    return copy;
  }

  summary(): LinkerSummary {
    return {
      vocabulary: this.vocabulary,
      pipeline: this.config.name,
      concepts: this.concepts,
      terms: this.terms,
      generators: [{ generator: 'lexical' }, ...this.dense.map((d) => ({ generator: `dense:${d.config.model}`, dim: d.dim, fromCache: d.fromCache }))],
      hubness: this.hubness ? `${this.hubness.config.method} (β₁ ${this.hubness.config.beta1}, ${this.hubness.querySource} query bank)` : 'none',
      fromCache: this.fromCache,
      seconds: this.buildSeconds,
    };
  }

  /** Whether a concept id is in what this linker searches (after the type filter). */
  hasConcept(id: string): boolean {
    return this.conceptIds.has(id);
  }

  /** The query as the generators see it, with what the rule pack found. */
  normalizeQuery(text: string): { normalized: string; text: string; rulesFired: string[]; attributes: Record<string, string[]>; codes: FoundCode[] } {
    if (this.pack) {
      const r = normalize(text, this.pack);
      return { normalized: this.config.normalize.fold === 'full' ? r.key : r.text.toLowerCase(), text: r.text, rulesFired: firedRules(r), attributes: r.attributes, codes: r.codes };
    }
    return { normalized: this.config.normalize.fold === 'full' ? foldText(text) : text.toLowerCase(), text, rulesFired: [], attributes: {}, codes: [] };
  }

  /** Links `text`: the top `k` concepts. `lang`, when known, picks the stemmer for the query's words. */
  async link(text: string, k = 10, options: { lang?: string } = {}): Promise<LinkResult> {
    return (await this.linkMany([{ text, ...options }], k))[0]!;
  }

  /** Links many texts; the dense generators encode them in batches. */
  async linkMany(queries: ReadonlyArray<{ text: string; lang?: string | undefined }>, k = 10): Promise<LinkResult[]> {
    const normalized = queries.map((q) => this.normalizeQuery(q.text));
    // With raw: also or dense, the dense generators see the text as written too.
    const raw = this.pack && this.config.normalize.raw !== 'never';
    const texts = normalized.flatMap((n, i) => (raw && queries[i]!.text !== n.text ? [n.text, queries[i]!.text] : [n.text]));
    const vectors: Float32Array[][] = [];
    for (const d of this.dense) vectors.push(await d.embed(texts));
    // Ranked deeper than k when a later stage needs it: the reranker its `top`, the decision
    // a runner-up (the top candidate's confidence depends on it).
    const want = Math.max(k, this.config.decision ? 2 : 0, this.config.rerank ? this.config.rerank.top : 0, this.config.specificity && this.groups.size ? this.config.specificity.depth : 0);
    let at = 0;
    const results = queries.map((q, i) => {
      const n = raw && q.text !== normalized[i]!.text ? 2 : 1;
      // The text as written often embeds exactly as the normalized one (the encoder folds
      // case too): one vector then, not the same nearest-neighbour search twice.
      const own = vectors.map((v) => (n === 2 && sameVector(v[at]!, v[at + 1]!) ? [v[at]!] : v.slice(at, at + n)));
      at += n;
      return this.linkNormalized(q.text, normalized[i]!, own, want, q.lang ? { lang: q.lang } : {});
    });
    if (this.config.rerank) await this.rerank(results);
    if (this.config.specificity && this.groups.size) for (const r of results) this.preferSpecific(r, this.config.specificity);
    return results.map((r) => this.decide(r, k));
  }

  /** The cross-encoder's scores for each result's top candidates (the mention against the concept's name and synonyms), blended and re-sorted. */
  private async rerank(results: LinkResult[]): Promise<void> {
    const cfg = this.config.rerank!;
    if (cfg.type === 'trained') {
      for (const r of results) {
        const top = r.candidates.slice(0, cfg.top);
        const scores = pairwiseScores(cfg.model, pairFeatures({ input: r.input, candidates: top }, this.pairContext));
        const rescored = top.map((c, i) => ({ ...c, score: scores[i]!, rerank: { model: 'trained', score: scores[i]!, before: c.score } }));
        rescored.sort((a, b) => b.score - a.score || (a.conceptId < b.conceptId ? 1 : a.conceptId > b.conceptId ? -1 : 0));
        r.candidates = [...rescored, ...r.candidates.slice(cfg.top)];
      }
      return;
    }
    const pairs: Array<[string, string]> = [];
    for (const r of results) for (const c of r.candidates.slice(0, cfg.top)) pairs.push([r.input, this.conceptText(c, cfg.synonyms)]);
    const scores = await this.reranker!.scorePairs(pairs);
    let at = 0;
    for (const r of results) {
      const top = r.candidates.slice(0, cfg.top).map((c) => {
        const logit = scores[at++]!;
        const similarity = c.hubness?.before ?? c.score;
        const score = cfg.weight / (1 + Math.exp(-logit)) + (1 - cfg.weight) * similarity;
        return { ...c, score, rerank: { model: cfg.model, score: logit, before: c.score } };
      });
      top.sort((a, b) => b.score - a.score || (a.conceptId < b.conceptId ? 1 : a.conceptId > b.conceptId ? -1 : 0));
      r.candidates = [...top, ...r.candidates.slice(cfg.top)];
    }
  }

  /** "name; synonym; synonym" of a candidate's concept, as the cross-encoder sees it (xMEN). */
  private conceptText(c: LinkCandidate, synonyms: number): string {
    const ci = this.conceptIndexOf().get(c.conceptId);
    if (ci === undefined) return c.term.text;
    const [from, to] = this.index.conceptTerms(ci);
    const texts = [this.index.terms[from]!.text];
    if (!texts.includes(c.term.text)) texts.push(c.term.text);
    for (let t = from + 1; t < to && texts.length < 1 + synonyms; t++) if (!texts.includes(this.index.terms[t]!.text)) texts.push(this.index.terms[t]!.text);
    return texts.slice(0, 1 + synonyms).join('; ');
  }

  /** A concept's preferred label (its first term in the index), or undefined when not indexed. */
  conceptName(id: string): string | undefined {
    const ci = this.conceptIndexOf().get(id);
    return ci === undefined ? undefined : this.index.terms[this.index.conceptTerms(ci)[0]]!.text;
  }

  private conceptIndexMap: Map<string, number> | undefined;

  private conceptIndexOf(): Map<string, number> {
    if (!this.conceptIndexMap) this.conceptIndexMap = new Map(this.index.conceptIds.map((id, i) => [id, i]));
    return this.conceptIndexMap;
  }

  /** The specificity stage (src/pipeline/specificity.ts): a group's best-ranked descendant before the group. */
  private preferSpecific(r: LinkResult, config: SpecificityConfig): void {
    const { candidates, moved } = preferSpecific(r.candidates, config, this.hierarchy);
    if (moved < 0) return;
    candidates[0] = { ...candidates[0]!, preferredOver: { group: candidates[1]!.conceptId, rank: moved + 1, score: candidates[0]!.score } };
    r.candidates = withPositionalScores(r.candidates, candidates);
  }

  /** The decision stage: confidences and NIL (pipelines with a `decision` section), then the top k. */
  private decide(r: LinkResult, k: number): LinkResult {
    const decision = this.config.decision;
    if (!decision) return { ...r, candidates: r.candidates.slice(0, k) };
    const features = candidateFeatures(r.candidates);
    const decided = r.candidates.map((c, i) => ({ ...c, confidence: confidenceOf(decision.confidence.weights, features[i]!) })).slice(0, k);
    return { ...r, candidates: decided, nil: !decided.length || decided[0]!.confidence < decision.nilThreshold };
  }

  private linkNormalized(text: string, q: ReturnType<Linker['normalizeQuery']>, vectors: QueryVectors, want: number, search: { lang?: string }): LinkResult {
    const gen = this.config.generators[0];
    const { normalized, rulesFired, attributes, codes } = q;
    const byCode: LinkCandidate[] = [];
    for (const c of codes) {
      for (const id of this.codes.get(foldCode(c.code)) ?? []) {
        if (!byCode.some((b) => b.conceptId === id)) byCode.push({ conceptId: id, score: 1, term: { text: c.code, lang: '' }, generator: 'code' });
      }
    }
    const raw = this.pack && this.config.normalize.raw !== 'never' ? (this.config.normalize.fold === 'full' ? foldText(text) : text.toLowerCase()) : undefined;
    // The lexical generator searches the text as written only with raw: also (with raw: dense only the dense generators see it).
    const lexicalRaw = this.config.normalize.raw === 'also' ? raw : undefined;
    // Nothing left to match (empty, or only noise and punctuation): no candidates rather than a dense generator's guess.
    const empty = !/[\p{L}\p{N}]/u.test(normalized) && !(raw !== undefined && /[\p{L}\p{N}]/u.test(raw));
    const found = empty
      ? []
      : this.hubness || this.dense.length
        ? this.termSearch(text, normalized, lexicalRaw, vectors, want, search)
        : this.plainSearch(text, normalized, lexicalRaw, Math.min(want, gen.k), search);
    const candidates = [...byCode, ...found.filter((c) => !byCode.some((b) => b.conceptId === c.conceptId))].slice(0, want);
    return { input: text, normalized, rulesFired, attributes, codes, candidates };
  }

  private plainSearch(text: string, normalized: string, raw: string | undefined, depth: number, search: { lang?: string }): LinkCandidate[] {
    const gen = this.config.generators[0];
    let matches = this.index.search(normalized, depth, search);
    if (raw !== undefined && raw !== normalized) matches = bestPerConcept([...matches, ...this.index.search(raw, depth, search)]).slice(0, depth);
    if (this.pack) {
      // Normalization can make different terms equal ("Morphines" and "Morphine"): on such
      // near-ties, the term the input spells out as written goes first.
      // Only perfect matches can tie this way, so only they are checked.
      const rawKey = foldText(text);
      if (matches.some((m) => m.score >= PERFECT)) {
        matches = bestPerConcept(matches.map((m) => (m.score < PERFECT || foldText(m.term.text) === rawKey ? m : { ...m, score: m.score * (1 - EXACT_TIE_MARGIN) })));
      }
    }
    const out = matches.map((m): LinkCandidate => ({ conceptId: m.conceptId, score: m.score, term: { text: m.term.text, lang: m.term.lang }, generator: gen.type, views: m.views }));
    return this.breakTies(out, matches.map((m) => m.term));
  }

  /** ties: preferred — among candidates matched by the same term text, preferred labels first (src/pipeline/specificity.ts). */
  private breakTies(candidates: LinkCandidate[], terms: readonly IndexedTerm[]): LinkCandidate[] {
    if (this.config.ties !== 'preferred' || candidates.length < 2) return candidates;
    const order = preferredLabelsFirst(
      candidates.map((_, i) => i),
      (i) => terms[i]!.norm,
      (i) => this.preferredTerms.has(terms[i]!),
    );
    return withPositionalScores(candidates, order.map((i) => candidates[i]!));
  }

  /**
   * The generators' terms, fused (`fusion`). The lexical generator returns `depth` terms;
   * each dense generator its own `k` (at most `depth`). Weighted fusion scores every
   * returned term exactly under every generator (the lexical index scores the dense terms,
   * the term vectors the lexical ones); RRF uses each generator's own list. `parts` gives a
   * term's score and rank under each generator (for explanations; built on demand).
   */
  private fusedTerms(
    normalized: string,
    raw: string | undefined,
    vectors: QueryVectors,
    depth: number,
    options: { lang?: string; exclude?: ReadonlySet<string> },
  ): { list: Array<{ term: number; score: number; lexical: number }>; parts: (term: number) => GeneratorScore[] } {
    const exclude = options.exclude && options.exclude.size ? options.exclude : undefined;
    const terms = this.index.terms;
    const denseLists = this.dense.map((d, gi) => {
      const k = Math.min(depth, d.config.k);
      const best = new Map<number, number>();
      for (const v of vectors[gi]!) for (const h of d.search(v, exclude ? k + 32 : k)) if (!(best.get(h.term)! >= h.score)) best.set(h.term, h.score);
      const hits = [...best].map(([term, score]) => ({ term, score })).sort((a, b) => b.score - a.score || a.term - b.term);
      return (exclude ? hits.filter((h) => !exclude.has(terms[h.term]!.conceptId)) : hits).slice(0, k);
    });
    const rrf = this.config.fusion.method === 'rrf';
    const also = !rrf && denseLists.length ? new Set(denseLists.flatMap((l) => l.map((h) => h.term))) : undefined;
    const common = this.config.generators[0].commonGrams;
    const lexOptions = { ...(options.lang ? { lang: options.lang } : {}), ...(exclude ? { exclude } : {}), ...(also ? { also } : {}), ...(common !== undefined ? { commonGrams: common } : {}) };
    const lexical = new Map<number, number>();
    const hits = raw !== undefined && raw !== normalized ? this.index.searchTermsEither(normalized, raw, depth, lexOptions) : this.index.searchTerms(normalized, depth, lexOptions);
    for (const hit of hits) lexical.set(hit.term, hit.score);
    let lexRanks: Map<number, number> | undefined;
    const lexRank = (term: number): number | null => {
      lexRanks ??= new Map([...lexical].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([t], i) => [t, i + 1] as const));
      return lexRanks.get(term) ?? null;
    };
    if (!this.dense.length) {
      return {
        list: [...lexical].map(([term, score]) => ({ term, score, lexical: score })),
        parts: (term) => [{ generator: 'lexical', score: lexical.get(term) ?? 0, rank: lexRank(term) }],
      };
    }
    const all = [...new Set<number>([...lexical.keys(), ...(also ?? denseLists.flatMap((l) => l.map((h) => h.term)))])];
    // Each dense generator's exact similarity of every term (the best over the query's vectors).
    const denseScores = this.dense.map((d, gi) => {
      const out = new Float64Array(all.length);
      const vs = vectors[gi]!;
      for (let i = 0; i < all.length; i++) {
        let best = -Infinity;
        for (const v of vs) {
          const sim = d.similarity(v, all[i]!);
          if (sim > best) best = sim;
        }
        out[i] = best;
      }
      return out;
    });
    const denseRanks = denseLists.map((l) => new Map(l.map((h, i) => [h.term, i + 1] as const)));
    // Term → position in `all`, for the few terms whose parts are asked for (built on first use).
    let position: Map<number, number> | undefined;
    const w = this.weights;
    const rrfK = this.config.fusion.rrfK;
    const list = all.map((term, i) => {
      const lex = lexical.get(term) ?? 0;
      let score: number;
      if (rrf) {
        const r = lexRank(term);
        score = r === null ? 0 : w[0]! / (rrfK + r);
        denseRanks.forEach((ranks, gi) => {
          const dr = ranks.get(term);
          if (dr !== undefined) score += w[gi + 1]! / (rrfK + dr);
        });
      } else {
        score = w[0]! * lex;
        for (let gi = 0; gi < denseScores.length; gi++) score += w[gi + 1]! * denseScores[gi]![i]!;
      }
      return { term, score, lexical: lex };
    });
    list.sort((a, b) => b.score - a.score || a.term - b.term);
    return {
      list,
      parts: (term) => {
        position ??= new Map(all.map((t, i) => [t, i] as const));
        const i = position.get(term)!;
        return [
          { generator: 'lexical', score: lexical.get(term) ?? 0, rank: lexRank(term) },
          ...this.dense.map((d, gi) => ({ generator: `dense:${d.config.model}`, score: denseScores[gi]![i]!, rank: denseRanks[gi]!.get(term) ?? null })),
        ];
      },
    };
  }

  /** Fused term scores, re-scored by the hubness correction when configured, then the best term per concept. */
  private termSearch(text: string, normalized: string, raw: string | undefined, vectors: QueryVectors, k: number, search: { lang?: string }): LinkCandidate[] {
    const h = this.hubness;
    // A request for k concepts searches at least k terms.
    const depth = Math.max(k, h ? h.config.candidates : Math.max(...this.config.generators.map((g) => g.k)));
    const { list: fused, parts } = this.fusedTerms(normalized, raw, vectors, depth, search);
    const terms = this.index.terms;
    const rawKey = this.pack ? foldText(text) : undefined;
    const scored = fused.map((x) => ({
      item: x.term,
      // A perfect lexical match of a normalized form loses the near-tie against the term as written.
      score: rawKey !== undefined && x.lexical >= PERFECT && foldText(terms[x.term]!.text) !== rawKey ? x.score * (1 - EXACT_TIE_MARGIN) : x.score,
    }));
    const before = new Map(scored.map((x) => [x.item, x.score]));
    const ranked = h ? correctScores(scored, h.config, h.banks) : scored.sort((a, b) => b.score - a.score || a.item - b.item);
    const out: LinkCandidate[] = [];
    const outTerms: IndexedTerm[] = [];
    const seen = new Set<string>();
    const several = this.dense.length > 0;
    for (const { item, score } of ranked) {
      const t = terms[item]!;
      if (seen.has(t.conceptId)) continue;
      seen.add(t.conceptId);
      outTerms.push(t);
      out.push({
        conceptId: t.conceptId,
        score,
        term: { text: t.text, lang: t.lang },
        generator: several ? 'fusion' : this.config.generators[0].type,
        ...(h ? { hubness: { method: h.config.method, before: before.get(item)! } } : {}),
        ...(several ? { generators: parts(item) } : {}),
      });
      if (out.length >= k) break;
    }
    return this.breakTies(out, outTerms);
  }

  /** What the trained reranker's features read of the vocabulary: concept priors and parents. */
  readonly pairContext: PairContext = {
    prior: (id) => this.conceptPrior(id),
    parents: (id) => this.parentsOf.get(id) ?? [],
  };

  /** How many of the linker's extra terms (training mentions) name a concept: the trained reranker's prior. */
  conceptPrior(conceptId: string): number {
    return this.priors.get(conceptId) ?? 0;
  }

  /** Releases the dense generators' encoders and the reranker. */
  async close(): Promise<void> {
    for (const d of this.dense) await d.close();
    await this.reranker?.close();
  }
}

function truncate(b: { items: ArrayLike<number>; scores: ArrayLike<number> }, depth: number): { items: ArrayLike<number>; scores: ArrayLike<number> } {
  if (b.items.length <= depth) return b;
  return { items: Array.from(b.items).slice(0, depth), scores: Array.from(b.scores).slice(0, depth) };
}

/** The two banks' normalizers for the configured β (milliseconds from the stored hits). */
function normalizersFor(h: HubnessConfig, hits: SerializedBanks, gallerySize: number): Banks {
  return {
    query: bankNormalizer(hits.query, gallerySize, h.beta1, Math.min(h.activationK, hits.depth), hits.depth),
    gallery: bankNormalizer(hits.gallery, gallerySize, h.beta2, Math.min(h.activationK, hits.depth), hits.depth),
  };
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Per dense generator, the query's vectors (the normalized text, and the text as written when they differ and `raw` is also or dense). */
type QueryVectors = ReadonlyArray<readonly Float32Array[]>;

/** How much a normalized-only match loses against a match of the text as written. */
const EXACT_TIE_MARGIN = 1e-4;
/** A cosine this close to 1 is an exact match of the normalized texts. */
export const PERFECT = 1 - 1e-6;

/** Each concept once, with its best match, in ranking order. */
function bestPerConcept(matches: ConceptMatch[]): ConceptMatch[] {
  const best = new Map<string, ConceptMatch>();
  for (const m of matches) {
    const prev = best.get(m.conceptId);
    if (!prev || m.score > prev.score) best.set(m.conceptId, m);
  }
  return [...best.values()].sort((a, b) => compareRanked({ id: a.conceptId, score: a.score }, { id: b.conceptId, score: b.score }));
}

/** The match key of a vocabulary term: folded, after the pack's term stages when it has any. */
function termNormalizer(config: PipelineConfig, pack: CompiledPack | undefined): (text: string, stored?: string) => string {
  const termStages = pack?.stages.some((st) => st.appliesToTerms) ? pack : undefined;
  if (config.normalize.fold === 'lowercase') {
    return (text) => (termStages ? normalize(text, termStages, { target: 'term', trace: false }).text : text).toLowerCase();
  }
  return (text, stored) => (termStages ? normalize(text, termStages, { target: 'term', trace: false }).key : stored ?? foldText(text));
}

const packCache = new Map<string, CompiledPack>();

function loadPackCached(nameOrFile: string): CompiledPack {
  let p = packCache.get(nameOrFile);
  if (!p) packCache.set(nameOrFile, (p = loadPack(nameOrFile)));
  return p;
}
