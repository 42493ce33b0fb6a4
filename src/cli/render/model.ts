/** Human-readable renderings of `normkit model …` results. */
import type { FetchModelResult } from '../../encoders/models/hub.js';
import type { TrainedModelInfo, ModelInfo, ModelListEntry } from '../../encoders/models/catalog.js';
import { fmtInt, renderTable } from './table.js';

function mib(bytes: number): string {
  return bytes ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : '';
}

export function renderModelList(entries: ModelListEntry[]): string {
  const table = renderTable(
    ['model', 'kind', 'cached', 'size', 'use'],
    entries.map((e) => [e.id, e.kind, e.cached ? e.files.map((f) => f.replace(/^onnx\//, '')).join(', ') : e.exportHint ? 'needs export' : 'no', mib(e.bytes), e.use]),
    { maxWidth: 60, right: [3] },
  );
  const hints = entries.filter((e) => e.exportHint && !e.cached).map((e) => `  ${e.id}: ${e.exportHint}`);
  return [table, '', 'Fetch one with: normkit model fetch <model> [--precision int8]', ...(hints.length ? ['', 'Needs an ONNX export first:', ...hints] : [])].join('\n');
}

export function renderModelFetch(r: FetchModelResult): string {
  const got = r.files.filter((f) => f.downloaded);
  const bytes = r.files.reduce((a, f) => a + f.bytes, 0);
  return [
    `${r.id} @ ${r.revision.slice(0, 12)} in ${r.dir}`,
    `  ${got.length ? `downloaded ${got.length} of ${r.files.length} files` : `all ${r.files.length} files were already there`} (${mib(bytes)}, checksums verified)`,
    ...r.files.map((f) => `  ${f.downloaded ? '↓' : '='} ${f.path}  ${fmtInt(f.bytes)} B`),
  ].join('\n');
}

export function renderModelInfo(i: ModelInfo | TrainedModelInfo): string {
  if (i.kind === 'trained-encoder') {
    const m = i.metadata;
    const f = i.featurizer;
    return [
      `${i.ref}  (encoder trained by normkit, ${i.source})`,
      `  folder       ${i.dir}`,
      `  onnx file    onnx/${i.precision === 'int8' ? 'model_quantized' : 'model'}.onnx (${i.precision})`,
      `  dimension    ${i.dim}`,
      `  features     char ${f.minN}–${f.maxN}-grams${f.words ? ', words' : ''}${f.bigrams ? ', word bigrams' : ''}; ${f.buckets} hashed rows; mean of sublinear counts`,
      `  vocabulary   ${m.vocabulary.name}${m.vocabulary.version ? ` ${m.vocabulary.version}` : ''} (imported ${m.vocabulary.importedAt}, ${m.vocabulary.checksum.slice(0, 19)})`,
      `  data         ${m.data.concepts} concepts, ${m.data.terms} terms, ${m.data.labeledPairs} labeled pairs, ${m.data.validationQueries} validation queries`,
      `  held out     Success@1 ${Number.isNaN(m.heldOut.validationSuccessAt1) ? 'n/a' : m.heldOut.validationSuccessAt1.toFixed(4)} (best at step ${m.heldOut.bestStep} of ${m.heldOut.steps})`,
      `  training     ${m.trainingSeconds} s on ${m.date}`,
      `  settings     ${Object.entries(m.hyperparameters).filter(([k]) => k !== 'featurizer').map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
      `  device       ${i.device}`,
      `  fingerprint  ${i.fingerprint}`,
    ].join('\n');
  }
  const l = i.layout;
  const src = (s: string): string => (s === 'default' ? 'default' : `from ${s}`);
  return [
    `${i.ref}  (${i.kind}, ${i.source}${i.revision ? ` @ ${i.revision.slice(0, 12)}` : ''})`,
    `  folder       ${i.dir}`,
    `  onnx file    ${l.onnxFile} (${l.precision})`,
    `  model type   ${l.modelType}${l.architectures.length ? ` (${l.architectures.join(', ')})` : ''}`,
    i.kind === 'encoder' ? `  dimension    ${i.dim}` : `  labels       ${i.dim}`,
    ...(i.kind === 'encoder' ? [`  pooling      ${l.pooling} (${src(l.poolingSource)})`] : []),
    `  max length   ${l.maxLength} tokens (${src(l.maxLengthSource)})`,
    ...(l.queryPrefix || l.passagePrefix ? [`  prefixes     query ${JSON.stringify(l.queryPrefix)}, passage ${JSON.stringify(l.passagePrefix)}`] : []),
    `  device       ${i.device}`,
    `  fingerprint  ${l.fingerprint}`,
  ].join('\n');
}
