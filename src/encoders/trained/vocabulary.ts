/**
 * `normkit train-encoder`: trains the embedding-bag encoder on one vocabulary of the store
 * and saves it as a model folder (export.ts).
 *
 * Validation for early stopping: a seeded share of the concepts' alternative terms is held
 * out (never trained on) and queried against the remaining terms.
 */
import type { Progress } from '../../core/progress.js';
import { readQueries } from '../../io/queries.js';
import type { VocabStore } from '../../store/store.js';
import { seededRandom } from '../../core/random.js';
import { saveTrainedEncoder, type TrainedEncoderMetadata } from './export.js';
import { trainEncoder, type LabeledPair, type TrainOptions, type TrainProgress, type TrainResult, type TrainingConcept, type ValidationQuery } from './train.js';

export interface VocabularyTrainingOptions extends TrainOptions {
  /** Keep only concepts with one of these types. */
  types?: readonly string[];
  /** Keep only terms in these languages. */
  langs?: readonly string[];
  /** Labeled (text → concept) pairs, e.g. a benchmark's training mentions. */
  labeled?: readonly LabeledPair[];
  /** Share of alternative terms held out for validation. Default 0.05. */
  validationShare?: number;
  /**
   * At most this many validation queries (each costs a pass over every term at each
   * evaluation). Default: 40 million / terms, between 300 and 1,000 (1,000 for ESCO, 300 for
   * MeSH).
   */
  maxValidation?: number;
  /** Terms never trained on (e.g. a benchmark's held-out queries), by exact text and concept. */
  exclude?: ReadonlyArray<{ text: string; conceptId: string }>;
}

export interface SplitVocabulary {
  concepts: TrainingConcept[];
  validation: ValidationQuery[];
}

/** The vocabulary's concepts and terms, with a seeded validation share of alternative terms held out. */
export function splitVocabulary(store: VocabStore, vocabulary: string, options: VocabularyTrainingOptions = {}): SplitVocabulary {
  const share = options.validationShare ?? 0.05;
  const rand = seededRandom((options.seed ?? 1) + 1000);
  const excluded = new Set((options.exclude ?? []).map((e) => `${e.conceptId}\u0000${e.text}`));
  const langs = options.langs ? new Set(options.langs) : undefined;
  const byConcept = new Map<string, { preferred: string[]; alt: string[] }>();
  for (const t of store.terms(vocabulary, options.types ? { types: options.types } : {})) {
    if (langs && !langs.has(t.lang)) continue;
    if (excluded.has(`${t.conceptId}\u0000${t.text}`)) continue;
    const e = byConcept.get(t.conceptId) ?? { preferred: [], alt: [] };
    (t.kind === 'preferred' ? e.preferred : e.alt).push(t.text);
    byConcept.set(t.conceptId, e);
  }
  const concepts: TrainingConcept[] = [];
  let validation: ValidationQuery[] = [];
  for (const [id, e] of byConcept) {
    const terms = [...e.preferred];
    for (const a of e.alt) {
      if (rand() < share && terms.length + e.alt.length > 1) validation.push({ text: a, conceptId: id });
      else terms.push(a);
    }
    if (terms.length === 0 && e.alt.length) {
      // Every alternative was drawn: keep one to train on.
      const back = validation.findIndex((v) => v.conceptId === id);
      terms.push(validation.splice(back, 1)[0]!.text);
    }
    concepts.push({ id, terms });
  }
  const nTerms = concepts.reduce((a, c) => a + c.terms.length, 0);
  const max = options.maxValidation ?? Math.min(1000, Math.max(300, Math.round(4e7 / Math.max(1, nTerms))));
  if (validation.length > max) {
    const r = seededRandom((options.seed ?? 1) + 2000);
    validation = validation
      .map((v) => [r(), v] as const)
      .sort((a, b) => a[0] - b[0])
      .slice(0, max)
      .map(([, v]) => v);
  }
  return { concepts, validation };
}

export async function trainOnVocabulary(store: VocabStore, vocabulary: string, options: VocabularyTrainingOptions = {}): Promise<TrainResult & { split: SplitVocabulary }> {
  const split = splitVocabulary(store, vocabulary, options);
  const result = await trainEncoder(split.concepts, options.labeled ?? [], split.validation, options);
  return { ...result, split };
}

export function metadataOf(store: VocabStore, vocabulary: string, r: TrainResult): TrainedEncoderMetadata {
  const info = store.vocabulary(vocabulary);
  const { featurizer, ...hyper } = r.options;
  return {
    kind: 'normkit-trained-encoder',
    version: 1,
    dim: r.model.dim,
    vocabulary: { name: vocabulary, version: info.version, checksum: info.checksum, importedAt: info.importedAt },
    data: { concepts: r.counts.concepts, terms: r.counts.terms, labeledPairs: r.counts.labeled, validationQueries: r.counts.validation, ...(r.counts.auxiliaryGroups ? { translationGroups: r.counts.auxiliaryGroups, translationTexts: r.counts.auxiliaryTexts } : {}) },
    hyperparameters: { ...hyper, featurizer },
    heldOut: { validationSuccessAt1: r.validation, steps: r.steps, bestStep: r.bestStep },
    trainingSeconds: Math.round(r.seconds * 10) / 10,
    date: new Date().toISOString(),
  };
}

/** Trains on `vocabulary` and writes the model folder to `dir`. */
export async function trainAndSave(store: VocabStore, vocabulary: string, dir: string, options: VocabularyTrainingOptions & { quantized?: boolean } = {}): Promise<{ result: TrainResult; metadata: TrainedEncoderMetadata }> {
  const result = await trainOnVocabulary(store, vocabulary, options);
  const metadata = metadataOf(store, vocabulary, result);
  saveTrainedEncoder(dir, result.model, metadata, options.quantized === undefined ? {} : { quantized: options.quantized });
  return { result, metadata };
}

export type { TrainProgress };

/** What a progress bar shows beside the steps: the batch loss and the latest held-out Success@1. */
export function trainingDetail(p: TrainProgress): string {
  return `loss ${p.loss.toFixed(3)} | held-out Success@1 ${Number.isNaN(p.validation) ? '–' : p.validation.toFixed(3)}`;
}

export interface TrainedEncoderResult {
  dir: string;
  metadata: TrainedEncoderMetadata;
  history: Array<{ step: number; loss: number; validation: number }>;
}

/** `normkit train-encoder`: trains on a vocabulary, with optional labeled pairs (query JSONL), and writes the model folder. */
export async function trainVocabularyEncoder(
  store: VocabStore,
  vocabulary: string,
  dir: string,
  options: VocabularyTrainingOptions & { pairsFile?: string; progress?: Progress; quantized?: boolean },
): Promise<TrainedEncoderResult> {
  let labeled: Array<{ text: string; conceptId: string }> = [];
  if (options.pairsFile) {
    const { queries } = await readQueries(options.pairsFile);
    labeled = queries.flatMap((q) => q.gold.map((g) => ({ text: q.text, conceptId: g })));
  }
  let started = false;
  let last = 0;
  const { result, metadata } = await trainAndSave(store, vocabulary, dir, {
    ...options,
    labeled,
    onProgress: (p) => {
      if (!options.progress) return;
      if (!started) {
        options.progress.start('training', p.steps, 'steps');
        started = true;
      }
      options.progress.advance(p.step - last, trainingDetail(p));
      last = p.step;
    },
  });
  options.progress?.stop();
  return { dir, metadata, history: result.history };
}
