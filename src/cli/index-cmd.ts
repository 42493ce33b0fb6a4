/**
 * The `normkit index` and `normkit link` commands' work and their human-readable output.
 */
import { join } from 'node:path';
import { type HubnessDiagnostics, type HubnessSide, type TuningResult } from '../tuning/hubness.js';
import type { PipelineConfig } from '../pipeline/config.js';
import { Linker, type LinkerSummary } from '../pipeline/linker.js';
import type { DocumentResult } from '../modes/document.js';
import type { VocabStore } from '../store/store.js';
import type { Progress } from '../core/progress.js';
import { renderTable as table } from './table.js';
import type { IndexBuildResult } from '../vector/build-index.js';
import type { TrainedEncoderResult } from '../encoders/trained/vocabulary.js';
import { type Calibration } from '../tuning/calibrate.js';
import type { LinkResult } from '../pipeline/result.js';

export function renderIndexBuild(r: IndexBuildResult): string {
  const p = r.params;
  return `built the vector index of ${r.vocabulary}: ${r.count} terms × ${r.dim} dims in ${r.seconds.toFixed(1)} s\n  encoder ${r.encoder}\n  HNSW space=${p.space} m=${p.m} efConstruction=${p.efConstruction} ef=${p.ef}\n  ${r.file}`;
}

function renderSide(title: string, s: HubnessSide, k: number): string {
  const hist = s.distribution
    .slice(0, 12)
    .map(([occ, n]) => `${occ}:${n}`)
    .join('  ');
  return [
    `${title} (${s.method})`,
    `  N_${k} skewness ${s.skewness.toFixed(2)}; top 1% of concepts hold ${(100 * s.topShare).toFixed(1)}% of top-${k} slots`,
    `  N_${k} distribution (occurrences:concepts) ${hist}${s.distribution.length > 12 ? '  …' : ''}`,
    table(
      ['hub', 'label', `N_${k}`],
      s.hubs.map((h) => [h.conceptId, h.name ?? '', String(h.occurrences)]),
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ].join('\n');
}

export function renderIndexStats(d: HubnessDiagnostics): string {
  const c = d.correction;
  return [
    `${d.queries} queries (${d.querySource}) over ${d.concepts} concepts, top ${d.k}`,
    `correction: ${c.method} β1=${c.beta1} β2=${c.beta2}, banks of ${c.bankSize} (top ${c.bankDepth} each), K′=${c.candidates}`,
    renderSide('before', d.before, d.k),
    renderSide('after', d.after, d.k),
  ].join('\n');
}

export function renderCalibration(c: Calibration, out: string | undefined): string {
  const [w0, w1, w2] = c.decision.confidence.weights;
  const rows = c.reliability.bins.filter((b) => b.n > 0).map((b) => [`${b.from.toFixed(1)}–${b.to.toFixed(1)}`, String(b.n), b.meanConfidence.toFixed(3), b.accuracy.toFixed(3)]);
  return [
    `confidence = σ(${w0.toFixed(3)} + ${w1.toFixed(3)}·similarity + ${w2.toFixed(3)}·margin), fitted on ${c.queries} dev queries`,
    `NIL threshold ${c.decision.nilThreshold.toFixed(3)}: ${c.answered} answered (precision ${c.precision.toFixed(3)})${c.nilQueries ? `, ${c.nilCorrect} of ${c.nilQueries} NIL queries answered NIL` : ''}`,
    `reliability of the top-1 confidence (dev), expected calibration error ${c.reliability.ece.toFixed(3)}:`,
    table(['confidence', 'queries', 'mean confidence', 'accuracy'], rows),
    out ? `pipeline written to ${out}` : 'add --out FILE to write the calibrated pipeline',
  ].join('\n');
}

export function renderTuning(r: TuningResult, out: string | undefined): string {
  const rows = r.perMethod.map((t) => [t.config.method, String(t.config.beta1), String(t.config.beta2), t.successAt1.toFixed(4)]);
  const c = r.chosen.config;
  return [
    table(['method', 'β1', 'β2', 'dev Success@1'], rows),
    `chosen: ${c.method}${c.method === 'none' ? '' : ` β1=${c.beta1} β2=${c.beta2} bank size ${c.bankSize}`} (Success@1 ${r.chosen.successAt1.toFixed(4)}, ${r.trials} trials)`,
    out ? `pipeline written to ${out}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function renderLink(r: LinkResult): string {
  // With several generators: each one's score (rank) for the matched term.
  const names = r.candidates.find((c) => c.generators)?.generators?.map((g) => g.generator) ?? [];
  const rows = r.candidates.map((c, i) => [
    String(i + 1),
    c.conceptId,
    c.term.text,
    c.score.toFixed(4),
    c.hubness ? c.hubness.before.toFixed(4) : '',
    ...names.map((_, gi) => {
      const g = c.generators?.[gi];
      return g ? `${g.score.toFixed(3)} (${g.rank ?? '–'})` : '';
    }),
    c.generator,
  ]);
  return [`normalized: ${r.normalized}`, table(['#', 'concept', 'matched term', 'score', 'before correction', ...names, 'generator'], rows)].join('\n');
}

export function renderDocument(r: DocumentResult): string {
  const rows = r.mentions.map((m) => [`${m.start}–${m.end}`, m.text, m.source, m.canonical === m.text ? '' : m.canonical, m.candidates[0]?.conceptId ?? '', m.candidates[0]?.term.text ?? '', m.candidates[0] ? m.candidates[0].score.toFixed(3) : '']);
  const abbr = Object.entries(r.abbreviations);
  return [table(['span', 'mention', 'found by', 'linked as', 'concept', 'matched term', 'score'], rows), ...(abbr.length ? [`abbreviations: ${abbr.map(([s, l]) => `${s} = ${l}`).join('; ')}`] : [])].join('\n');
}


/** `normkit build`: everything a pipeline needs for a vocabulary, built now (unchanged parts reused from the cache). */
export async function buildCommand(store: VocabStore, vocabulary: string, pipeline: PipelineConfig, options: { dataDir: string; progress?: Progress }): Promise<LinkerSummary> {
  const linker = await Linker.build(store, vocabulary, pipeline, { cacheDir: join(options.dataDir, 'indexes'), dataDir: options.dataDir, ...(options.progress ? { progress: options.progress } : {}) });
  try {
    return linker.summary();
  } finally {
    await linker.close();
  }
}

export function renderBuild(r: LinkerSummary): string {
  return [
    `${r.vocabulary}: pipeline ${r.pipeline}, ${r.concepts.toLocaleString('en-US')} concepts, ${r.terms.toLocaleString('en-US')} terms`,
    ...r.generators.map((g) => `  ${g.generator}${g.dim ? ` (${g.dim} dimensions)` : ''}${g.fromCache === undefined ? '' : g.fromCache ? ': reused' : ': built'}`),
    `  hubness correction: ${r.hubness}`,
    `${r.fromCache ? 'everything reused from the cache' : 'built'} in ${r.seconds.toFixed(1)} s`,
  ].join('\n');
}

export function renderTraining(r: TrainedEncoderResult): string {
  const m = r.metadata;
  const rows = r.history.map((h) => [String(h.step), Number.isNaN(h.loss) ? '' : h.loss.toFixed(3), Number.isNaN(h.validation) ? '' : h.validation.toFixed(4)]);
  return [
    table(['step', 'loss', 'held-out Success@1'], rows),
    `trained on ${m.data.concepts} concepts, ${m.data.terms} terms, ${m.data.labeledPairs} labeled pairs in ${m.trainingSeconds} s; kept step ${m.heldOut.bestStep} (held-out Success@1 ${m.heldOut.validationSuccessAt1.toFixed(4)})`,
    `model written to ${r.dir} (use it with --model ${r.dir})`,
  ].join('\n');
}
