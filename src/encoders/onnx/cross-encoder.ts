/**
 * A cross-encoder scorer: a sequence-classification model reads (query, candidate)
 * together and returns a relevance logit. Pairs run in length-sorted, padded batches.
 *
 * Models with one label (ms-marco cross-encoders) give that logit; models with two
 * labels give logit[1] − logit[0], the log-odds of the positive class. Higher is more
 * relevant either way.
 */
import { ExitCode, NormkitError } from '../../core/errors.js';
import type { ModelLayout } from './layout.js';
import { OnnxTextModel, type OnnxModelOptions } from './onnx-model.js';

export type CrossEncoderOptions = Omit<OnnxModelOptions, 'pooling' | 'queryPrefix' | 'passagePrefix'>;

export class CrossEncoder {
  readonly fingerprint: string;
  readonly layout: ModelLayout;
  readonly device: 'cpu' | 'cuda';
  readonly batchSize: number;
  /** 1 or 2 logits per pair. */
  readonly labels: number;

  private constructor(private readonly model: OnnxTextModel) {
    const dims = model.probeDims;
    const labels = dims[1] ?? 0;
    if (dims.length !== 2 || labels < 1 || labels > 2) {
      throw new NormkitError(
        `${model.layout.onnxPath}: output "${model.output}" has shape [${dims.join(', ')}]; a cross-encoder gives [batch, 1] or [batch, 2] logits`,
        ExitCode.badInput,
      );
    }
    this.labels = labels;
    this.layout = model.layout;
    this.fingerprint = model.layout.fingerprint;
    this.device = model.device;
    this.batchSize = model.batchSize;
  }

  static async load(dir: string, options: CrossEncoderOptions = {}): Promise<CrossEncoder> {
    const model = await OnnxTextModel.load(dir, options, ['logits'], (t, max) => t.encodePair('', '', max));
    try {
      return new CrossEncoder(model);
    } catch (err) {
      await model.close();
      throw err;
    }
  }

  /** One score per (query, text) pair, in input order. */
  async scorePairs(pairs: ReadonlyArray<readonly [string, string]>): Promise<Float32Array> {
    const scores = new Float32Array(pairs.length);
    if (pairs.length === 0) return scores;
    const encoded = pairs.map(([a, b]) => this.model.tokenizer.encodePair(a, b, this.layout.maxLength));
    const width = this.labels;
    await this.model.run(encoded, (b) => {
      b.rows.forEach((row, r) => {
        scores[row] = width === 1 ? (b.data[r] as number) : (b.data[r * 2 + 1] as number) - (b.data[r * 2] as number);
      });
    });
    return scores;
  }

  /** Scores each text against one query. */
  async score(query: string, texts: readonly string[]): Promise<Float32Array> {
    return this.scorePairs(texts.map((t) => [query, t] as const));
  }

  async close(): Promise<void> {
    await this.model.close();
  }
}
