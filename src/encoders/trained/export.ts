/**
 * Saves a trained embedding-bag model as a folder any ONNX runtime can serve:
 *
 *   <dir>/onnx/model.onnx            fp32 table
 *   <dir>/onnx/model_quantized.onnx  int8 table with a scale per row (4× smaller)
 *   <dir>/featurizer.json            how a text becomes the model's inputs (featurizer.ts)
 *   <dir>/normkit-encoder.json       training metadata (also in the ONNX metadata_props)
 *
 * The graph (opset 17): feature_ids int32 [batch, features] and feature_weights float
 * [batch, features] → Gather rows → weighted sum over features (batched MatMul) → divide by the L2
 * norm → sentence_embedding float [batch, dim]. Padding uses id 0 (a zero row) and weight 0.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';
import type { FeaturizerSpec } from './featurizer.js';
import type { BagModel } from './model.js';
import { VERSION } from '../../core/version.js';

const { onnx } = onnxProto;
const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const I8 = onnx.TensorProto.DataType.INT8;
const I32 = onnx.TensorProto.DataType.INT32;

export const ENCODER_METADATA = 'normkit-encoder.json';
export const FEATURIZER_FILE = 'featurizer.json';

/** What `normkit model info` shows about a trained encoder. */
export interface TrainedEncoderMetadata {
  kind: 'normkit-trained-encoder';
  version: 1;
  dim: number;
  vocabulary: { name: string; version?: string | undefined; checksum: string; importedAt: string };
  data: { concepts: number; terms: number; labeledPairs: number; validationQueries: number; translationGroups?: number; translationTexts?: number };
  hyperparameters: Record<string, unknown>;
  heldOut: { validationSuccessAt1: number; steps: number; bestStep: number };
  trainingSeconds: number;
  date: string;
}

function graph(model: BagModel, quantize: boolean): OnnxTypes.IGraphProto {
  const nodes: OnnxTypes.INodeProto[] = [];
  const inits: OnnxTypes.ITensorProto[] = [];
  const { buckets } = model.spec;
  const d = model.dim;
  let n = 0;
  const op = (opType: string, inputs: string[], attrs: OnnxTypes.IAttributeProto[] = [], output?: string): string => {
    const out = output ?? `${opType.toLowerCase()}_${n++}`;
    nodes.push({ opType, input: inputs, output: [out], name: `n${n++}_${opType}`, attribute: attrs });
    return out;
  };
  const ints = (name: string, values: number[]): string => {
    inits.push({ name, dims: [values.length], dataType: I64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
    return name;
  };
  let rows: string;
  if (!quantize) {
    inits.push({ name: 'table', dims: [buckets, d], dataType: F, rawData: new Uint8Array(model.table.buffer, model.table.byteOffset, model.table.byteLength) });
    rows = op('Gather', ['table', 'feature_ids']);
  } else {
    const q = new Int8Array(buckets * d);
    const scales = new Float32Array(buckets);
    for (let r = 0; r < buckets; r++) {
      let max = 0;
      for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(model.table[r * d + j]!));
      const s = max / 127 || 1;
      scales[r] = s;
      for (let j = 0; j < d; j++) q[r * d + j] = Math.round(model.table[r * d + j]! / s);
    }
    inits.push({ name: 'table_int8', dims: [buckets, d], dataType: I8, rawData: new Uint8Array(q.buffer) });
    inits.push({ name: 'table_scale', dims: [buckets, 1], dataType: F, rawData: new Uint8Array(scales.buffer) });
    const g = op('Cast', [op('Gather', ['table_int8', 'feature_ids'])], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: F }]);
    rows = op('Mul', [g, op('Gather', ['table_scale', 'feature_ids'])]);
  }
  // [batch, 1, features] × [batch, features, dim] → [batch, 1, dim]: the weighted sum as one
  // batched MatMul (no [batch, features, dim] product tensor), then the middle axis dropped.
  const w = op('Unsqueeze', ['feature_weights', ints('axis_1', [1])]);
  const h = op('Squeeze', [op('MatMul', [w, rows]), 'axis_1']);
  // Opset 17: ReduceL2 takes its axes as an attribute.
  const norm = op('ReduceL2', [h], [
    { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
    { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
  ]);
  inits.push({ name: 'eps', dims: [], dataType: F, rawData: new Uint8Array(Float32Array.from([1e-12]).buffer) });
  op('Div', [h, op('Max', [norm, 'eps'])], [], 'sentence_embedding');
  return {
    name: 'normkit-embedding-bag',
    node: nodes,
    initializer: inits,
    input: [
      { name: 'feature_ids', type: { tensorType: { elemType: I32, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'features' }] } } } },
      { name: 'feature_weights', type: { tensorType: { elemType: F, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'features' }] } } } },
    ],
    output: [{ name: 'sentence_embedding', type: { tensorType: { elemType: F, shape: { dim: [{ dimParam: 'batch' }, { dimValue: d }] } } } }],
  };
}

export function onnxBytes(model: BagModel, metadata: TrainedEncoderMetadata, quantize: boolean): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'normkit',
    producerVersion: VERSION,
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: [{ key: 'normkit', value: JSON.stringify(metadata) }],
    graph: graph(model, quantize),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/**
 * Writes the model folder atomically: everything goes into `<dir>.tmp-<pid>`, which then
 * replaces `dir` (the previous model stays until the new one is complete).
 */
export function saveTrainedEncoder(dir: string, model: BagModel, metadata: TrainedEncoderMetadata, options: { quantized?: boolean } = {}): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'onnx'), { recursive: true });
  try {
    writeFileSync(join(tmp, 'onnx', 'model.onnx'), onnxBytes(model, metadata, false));
    if (options.quantized ?? true) writeFileSync(join(tmp, 'onnx', 'model_quantized.onnx'), onnxBytes(model, metadata, true));
    writeFileSync(join(tmp, FEATURIZER_FILE), `${JSON.stringify(model.spec satisfies FeaturizerSpec, null, 2)}\n`);
    writeFileSync(join(tmp, ENCODER_METADATA), `${JSON.stringify(metadata, null, 2)}\n`);
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
