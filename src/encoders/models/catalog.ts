import { isTrainedEncoder, TrainedEncoder } from '../trained/encoder.js';
import type { TrainedEncoderMetadata } from '../trained/export.js';
import type { FeaturizerSpec } from '../trained/featurizer.js';
/**
 * What `normkit model list` and `model info` report: the recommended models with
 * their cache state, the other models in the cache, and one model's settings.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CrossEncoder } from '../onnx/cross-encoder.js';
import type { SessionOptions } from '../onnx/runtime.js';
import { TransformerEncoder } from '../onnx/transformer.js';
import { readManifest } from './hub.js';
import { inspectModel, type ModelLayout, type ModelSettings } from '../onnx/layout.js';
import { RECOMMENDED_MODELS, recommendedModel, type ModelKind } from './registry.js';
import { modelsDir, resolveModel, type ResolveOptions } from './resolve.js';
import { modelCacheDir } from './hub.js';

export interface ModelListEntry {
  id: string;
  kind: ModelKind | 'unknown';
  recommended: boolean;
  use: string;
  cached: boolean;
  /** Cached ONNX files. */
  files: string[];
  bytes: number;
  revision?: string;
  exportHint?: string;
}

export async function listModels(dataDir: string): Promise<ModelListEntry[]> {
  const root = modelsDir(dataDir);
  const entries: ModelListEntry[] = [];
  const seen = new Set<string>();
  const describe = (id: string, dir: string): Pick<ModelListEntry, 'cached' | 'files' | 'bytes' | 'revision'> => {
    const manifest = existsSync(dir) ? readManifest(dir) : undefined;
    if (!manifest) return { cached: false, files: [], bytes: 0 };
    const files = Object.keys(manifest.files).filter((f) => f.endsWith('.onnx'));
    const bytes = Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0);
    return { cached: true, files, bytes, revision: manifest.revision };
  };
  for (const m of RECOMMENDED_MODELS) {
    seen.add(m.id.toLowerCase());
    entries.push({
      id: m.id,
      kind: m.kind,
      recommended: true,
      use: m.use,
      ...describe(m.id, modelCacheDir(root, m.id)),
      ...(m.exportHint ? { exportHint: m.exportHint } : {}),
    });
  }
  if (existsSync(root)) {
    for (const name of (await readdir(root)).sort()) {
      const manifest = readManifest(join(root, name));
      if (!manifest || seen.has(manifest.id.toLowerCase())) continue;
      entries.push({ id: manifest.id, kind: 'unknown', recommended: false, use: '', ...describe(manifest.id, join(root, name)) });
    }
  }
  return entries;
}

/** A model folder written by `normkit train-encoder`. */
export interface TrainedModelInfo {
  ref: string;
  dir: string;
  source: 'local' | 'cache' | 'downloaded';
  kind: 'trained-encoder';
  dim: number;
  device: 'cpu' | 'cuda';
  precision: 'fp32' | 'int8';
  fingerprint: string;
  featurizer: FeaturizerSpec;
  /** Training metadata: vocabulary and version, data sizes, hyperparameters, held-out scores, date. */
  metadata: TrainedEncoderMetadata;
}

export interface ModelInfo {
  ref: string;
  dir: string;
  source: 'local' | 'cache' | 'downloaded';
  kind: ModelKind;
  layout: ModelLayout;
  /** Output width (encoders) or number of labels (cross-encoders). */
  dim: number;
  device: 'cpu' | 'cuda';
  revision?: string;
}

/** Loads a model (fetching it if needed and allowed) and reports how normkit will run it. */
export async function modelInfo(ref: string, options: ResolveOptions & SessionOptions & ModelSettings): Promise<ModelInfo | TrainedModelInfo> {
  const resolved = await resolveModel(ref, options);
  if (isTrainedEncoder(resolved.dir)) {
    const precision = options.precision ?? 'fp32';
    const m = await TrainedEncoder.load(resolved.dir, { ...options, precision });
    await m.close();
    return { ref, dir: resolved.dir, source: resolved.source, kind: 'trained-encoder', dim: m.dim, device: m.device, precision, fingerprint: m.fingerprint, featurizer: m.spec, metadata: m.metadata };
  }
  const hints = { ...(recommendedModel(ref)?.settings ?? {}), ...resolved.hints };
  const probe = await inspectModel(resolved.dir, options, hints);
  const isCross = probe.architectures.some((a) => a.endsWith('ForSequenceClassification')) || recommendedModel(ref)?.kind === 'cross-encoder';
  const revision = readManifest(resolved.dir)?.revision;
  const base = { ref, dir: resolved.dir, source: resolved.source, ...(revision ? { revision } : {}) };
  if (isCross) {
    const model = await CrossEncoder.load(resolved.dir, { ...options, hints });
    await model.close();
    return { ...base, kind: 'cross-encoder', layout: model.layout, dim: model.labels, device: model.device };
  }
  const model = await TransformerEncoder.load(resolved.dir, { ...options, hints });
  await model.close();
  return { ...base, kind: 'encoder', layout: model.layout, dim: model.dim, device: model.device };
}
