/**
 * TrainedEncoder: serves a model folder written by `normkit train-encoder` (export.ts)
 * through the same onnxruntime-node session code as the transformers (runtime.ts:
 * `--device cpu|cuda|auto`, threads). The featurizer turns texts into padded
 * (feature_ids, feature_weights) batches; the graph returns unit vectors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, NormkitError } from '../../core/errors.js';
import { rowsOf, type Encoder } from '../encoder.js';
import { createSession, ort, type OrtSession, type SessionOptions } from '../onnx/runtime.js';
import { ENCODER_METADATA, FEATURIZER_FILE, type TrainedEncoderMetadata } from './export.js';
import { checkSpec, featurize, type FeaturizerSpec } from './featurizer.js';

export interface TrainedEncoderOptions extends SessionOptions {
  precision?: 'fp32' | 'int8';
  /** Texts per forward pass. Default 256. */
  batchSize?: number;
}

/** Whether a folder holds a normkit-trained encoder. */
export function isTrainedEncoder(dir: string): boolean {
  return existsSync(join(dir, FEATURIZER_FILE)) && existsSync(join(dir, ENCODER_METADATA));
}

export function readTrainedMetadata(dir: string): TrainedEncoderMetadata {
  return JSON.parse(readFileSync(join(dir, ENCODER_METADATA), 'utf8')) as TrainedEncoderMetadata;
}

export class TrainedEncoder implements Encoder {
  private constructor(
    readonly dim: number,
    readonly fingerprint: string,
    readonly spec: FeaturizerSpec,
    readonly metadata: TrainedEncoderMetadata,
    readonly device: 'cpu' | 'cuda',
    private readonly session: OrtSession,
    private readonly batchSize: number,
  ) {}

  static async load(dir: string, options: TrainedEncoderOptions = {}): Promise<TrainedEncoder> {
    if (!isTrainedEncoder(dir)) throw new NormkitError(`${dir} is not a normkit-trained encoder (no ${FEATURIZER_FILE} and ${ENCODER_METADATA})`, ExitCode.badInput);
    const specPath = join(dir, FEATURIZER_FILE);
    let spec: FeaturizerSpec;
    try {
      spec = JSON.parse(readFileSync(specPath, 'utf8')) as FeaturizerSpec;
      checkSpec(spec, specPath);
    } catch (err) {
      throw new NormkitError(`${specPath}: ${(err as Error).message}`, ExitCode.badInput);
    }
    const metadata = readTrainedMetadata(dir);
    const file = join(dir, 'onnx', options.precision === 'int8' ? 'model_quantized.onnx' : 'model.onnx');
    if (!existsSync(file)) throw new NormkitError(`${file} is missing (train again, or use --precision ${options.precision === 'int8' ? 'fp32' : 'int8'})`, ExitCode.badInput);
    const { session, device } = await createSession(file, options);
    if (!session.inputNames.includes('feature_ids') || !session.inputNames.includes('feature_weights') || !session.outputNames.includes('sentence_embedding')) {
      await session.release();
      throw new NormkitError(`${file}: expected inputs feature_ids, feature_weights and output sentence_embedding`, ExitCode.badInput);
    }
    const fingerprint = `trained:${createHash('sha256').update(readFileSync(file)).update(JSON.stringify(spec)).digest('hex').slice(0, 24)}`;
    return new TrainedEncoder(metadata.dim, fingerprint, spec, metadata, device, session, options.batchSize ?? 256);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const d = this.dim;
    const out = new Float32Array(texts.length * d);
    // Batches of similar feature counts, so little of each batch is padding.
    const features = texts.map((t) => featurize(this.spec, t));
    const order = features.map((_, i) => i).sort((a, b) => features[a]!.ids.length - features[b]!.ids.length || a - b);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const rowsOfBatch = order.slice(start, start + this.batchSize);
      const width = Math.max(1, ...rowsOfBatch.map((i) => features[i]!.ids.length));
      const ids = new Int32Array(rowsOfBatch.length * width);
      const weights = new Float32Array(rowsOfBatch.length * width);
      rowsOfBatch.forEach((i, r) => {
        ids.set(features[i]!.ids, r * width);
        weights.set(features[i]!.weights, r * width);
      });
      const result = await this.session.run({
        feature_ids: new ort.Tensor('int32', ids, [rowsOfBatch.length, width]),
        feature_weights: new ort.Tensor('float32', weights, [rowsOfBatch.length, width]),
      });
      const vectors = result['sentence_embedding']!.data as Float32Array;
      rowsOfBatch.forEach((i, r) => out.set(vectors.subarray(r * d, (r + 1) * d), i * d));
    }
    return rowsOf(out, d);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
