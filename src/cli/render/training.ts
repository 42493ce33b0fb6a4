/** Human-readable rendering of `normkit train-encoder`: the loss and held-out curve, and where the model went. */
import type { TrainedEncoderResult } from '../../encoders/trained/vocabulary.js';
import { renderTable } from './table.js';

export function renderTraining(r: TrainedEncoderResult): string {
  const m = r.metadata;
  const rows = r.history.map((h) => [String(h.step), Number.isNaN(h.loss) ? '' : h.loss.toFixed(3), Number.isNaN(h.validation) ? '' : h.validation.toFixed(4)]);
  return [
    renderTable(['step', 'loss', 'held-out Success@1'], rows),
    `trained on ${m.data.concepts} concepts, ${m.data.terms} terms, ${m.data.labeledPairs} labeled pairs in ${m.trainingSeconds} s; kept step ${m.heldOut.bestStep} (held-out Success@1 ${m.heldOut.validationSuccessAt1.toFixed(4)})`,
    `model written to ${r.dir} (use it with --model ${r.dir})`,
  ].join('\n');
}
