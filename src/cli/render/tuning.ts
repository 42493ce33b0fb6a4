/**
 * Human-readable renderings of the commands that fit a pipeline on dev queries:
 * `index tune-hubness`, `train-reranker` and `calibrate`.
 */
import type { Calibration } from '../../tuning/calibrate.js';
import type { TuningResult } from '../../tuning/hubness.js';
import type { trainPairwise } from '../../tuning/pairwise-train.js';
import { renderTable } from './table.js';

export function renderTuning(r: TuningResult, out: string | undefined): string {
  const rows = r.perMethod.map((t) => [t.config.method, String(t.config.beta1), String(t.config.beta2), t.successAt1.toFixed(4)]);
  const c = r.chosen.config;
  return [
    renderTable(['method', 'β1', 'β2', 'dev Success@1'], rows),
    `chosen: ${c.method}${c.method === 'none' ? '' : ` β1=${c.beta1} β2=${c.beta2} bank size ${c.bankSize}`} (Success@1 ${r.chosen.successAt1.toFixed(4)}, ${r.trials} trials)`,
    out ? `pipeline written to ${out}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** What the pairwise reranker's training reports. */
export type RerankerTraining = ReturnType<typeof trainPairwise>;

/** `top`: the candidates per query the reranker re-scores (--top). */
export function renderReranker(training: RerankerTraining, top: number, out: string | undefined): string {
  return [
    `trained on ${training.queries} queries whose gold is in the top ${top}: Success@1 on them ${training.trainSuccessAt1.before.toFixed(4)} → ${training.trainSuccessAt1.after.toFixed(4)}`,
    ...training.model.features.map((f, j) => `  ${f.padEnd(12)} ${training.model.weights[j]!.toFixed(3)}`),
    out ? `pipeline written to ${out} (run normkit calibrate on it for confidences)` : 'add --out FILE to write the pipeline',
  ].join('\n');
}

export function renderCalibration(c: Calibration, out: string | undefined): string {
  const [w0, w1, w2] = c.decision.confidence.weights;
  const rows = c.reliability.bins.filter((b) => b.n > 0).map((b) => [`${b.from.toFixed(1)}–${b.to.toFixed(1)}`, String(b.n), b.meanConfidence.toFixed(3), b.accuracy.toFixed(3)]);
  return [
    `confidence = σ(${w0.toFixed(3)} + ${w1.toFixed(3)}·similarity + ${w2.toFixed(3)}·margin), fitted on ${c.queries} dev queries`,
    `NIL threshold ${c.decision.nilThreshold.toFixed(3)}: ${c.answered} answered (precision ${c.precision.toFixed(3)})${c.nilQueries ? `, ${c.nilCorrect} of ${c.nilQueries} NIL queries answered NIL` : ''}`,
    `reliability of the top-1 confidence (dev), expected calibration error ${c.reliability.ece.toFixed(3)}:`,
    renderTable(['confidence', 'queries', 'mean confidence', 'accuracy'], rows),
    out ? `pipeline written to ${out}` : 'add --out FILE to write the calibrated pipeline',
  ].join('\n');
}
