/**
 * A transformer bi-encoder on onnxruntime-node: tokenize (AutoTokenizer), run the ONNX
 * graph in length-sorted, dynamically padded batches, pool (mean over attended tokens,
 * or the first token), L2-normalize.
 */
import { ExitCode, NormkitError } from '../../core/errors.js';
import type { ModelLayout } from './layout.js';
import { l2normalize, rowsOf, type EmbedOptions, type Encoder } from '../encoder.js';
import { OnnxTextModel, type OnnxModelOptions } from './onnx-model.js';

export type TransformerOptions = OnnxModelOptions;

/** Token-level outputs (pooled here), then already-pooled ones. */
const OUTPUTS = ['last_hidden_state', 'token_embeddings', 'sentence_embedding', 'pooler_output'];

export class TransformerEncoder implements Encoder {
  readonly dim: number;
  readonly fingerprint: string;
  readonly layout: ModelLayout;
  readonly device: 'cpu' | 'cuda';
  readonly batchSize: number;
  /** Whether the graph's output is already one vector per text. */
  private readonly pooled: boolean;

  private constructor(private readonly model: OnnxTextModel) {
    const dims = model.probeDims;
    if (dims.length !== 2 && dims.length !== 3) {
      throw new NormkitError(`${model.layout.onnxPath}: output "${model.output}" has shape [${dims.join(', ')}]; expected [batch, seq, hidden] or [batch, hidden]`, ExitCode.badInput);
    }
    this.dim = dims[dims.length - 1] as number;
    this.pooled = dims.length === 2;
    this.layout = model.layout;
    this.fingerprint = model.layout.fingerprint;
    this.device = model.device;
    this.batchSize = model.batchSize;
  }

  static async load(dir: string, options: TransformerOptions = {}): Promise<TransformerEncoder> {
    const model = await OnnxTextModel.load(dir, options, OUTPUTS, (t, max) => t.encode('', max));
    try {
      return new TransformerEncoder(model);
    } catch (err) {
      await model.close();
      throw err;
    }
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { dim, layout } = this;
    const out = new Float32Array(texts.length * dim);
    const prefix = (options.role ?? 'query') === 'query' ? layout.queryPrefix : layout.passagePrefix;
    const encoded = texts.map((t) => this.model.tokenizer.encode(prefix + t, layout.maxLength));
    const cls = layout.pooling === 'cls';
    await this.model.run(encoded, (b) => {
      const seq = b.seqLength;
      b.rows.forEach((row, r) => {
        const target = out.subarray(row * dim, (row + 1) * dim);
        if (this.pooled) {
          target.set(b.data.subarray(r * dim, (r + 1) * dim));
        } else if (cls) {
          target.set(b.data.subarray(r * seq * dim, r * seq * dim + dim));
        } else {
          // Mean over attended positions, summed in float64.
          const acc = new Float64Array(dim);
          let count = 0;
          for (let j = 0; j < seq; j++) {
            if (b.mask[r * seq + j] === 0n) continue;
            count++;
            const base = (r * seq + j) * dim;
            for (let d = 0; d < dim; d++) acc[d] = (acc[d] as number) + (b.data[base + d] as number);
          }
          for (let d = 0; d < dim; d++) target[d] = (acc[d] as number) / Math.max(count, 1);
        }
        l2normalize(target);
      });
    });
    return rowsOf(out, dim);
  }

  async close(): Promise<void> {
    await this.model.close();
  }
}
