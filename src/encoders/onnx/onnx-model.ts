/**
 * What the bi-encoder and the cross-encoder share: a model folder's layout, its tokenizer
 * and an ONNX Runtime session, the output to read, and that output's shape (from one
 * probe pass over an empty input).
 */
import { ExitCode, NormkitError, UsageError } from '../../core/errors.js';
import { inspectModel, type ModelLayout, type ModelSettings } from './layout.js';
import { runBatches, type BatchOutput } from './batches.js';
import { createSession, type OrtSession, type SessionOptions } from './runtime.js';
import { TextTokenizer, type Encoded } from './tokenize.js';

export interface OnnxModelOptions extends ModelSettings, SessionOptions {
  /** Inputs per forward pass. Larger batches are faster up to memory limits. Default 32. */
  batchSize?: number;
  /** Defaults from the model registry; explicit settings and the model's own files win. */
  hints?: ModelSettings;
}

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

export class OnnxTextModel {
  private constructor(
    readonly layout: ModelLayout,
    readonly tokenizer: TextTokenizer,
    readonly session: OrtSession,
    readonly device: 'cpu' | 'cuda',
    readonly batchSize: number,
    readonly output: string,
    /** Shape of the output for one input of one token-free text. */
    readonly probeDims: readonly number[],
  ) {}

  /**
   * Loads the model in `dir`, reading the first of `outputs` the graph has; `probe`
   * encodes the empty input that settles the output's shape.
   */
  static async load(dir: string, options: OnnxModelOptions, outputs: readonly string[], probe: (t: TextTokenizer, maxLength: number) => Encoded): Promise<OnnxTextModel> {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batch size must be a positive integer, got ${batchSize}`);
    const layout = await inspectModel(dir, options, options.hints);
    const tokenizer = await TextTokenizer.load(dir);
    const { session, device } = await createSession(layout.onnxPath, options);
    const unknown = session.inputNames.filter((n) => !KNOWN_INPUTS.has(n));
    if (unknown.length || !session.inputNames.includes('input_ids')) {
      await session.release();
      throw new NormkitError(
        `${layout.onnxPath}: the model's inputs are ${session.inputNames.join(', ')}; normkit feeds input_ids, attention_mask and token_type_ids (a BERT-style encoder export)`,
        ExitCode.badInput,
      );
    }
    const output = outputs.find((n) => session.outputNames.includes(n));
    if (!output) {
      await session.release();
      throw new NormkitError(
        `${layout.onnxPath}: the model's outputs are ${session.outputNames.join(', ') || 'none'}; expected ${outputs.join(' or ')} (${outputs.includes('logits') ? 'a sequence-classification export, not an encoder' : 'a feature-extraction export, not a classifier'})`,
        ExitCode.badInput,
      );
    }
    const model = new OnnxTextModel(layout, tokenizer, session, device, batchSize, output, []);
    let dims: readonly number[] = [];
    await model.run([probe(tokenizer, layout.maxLength)], (b) => {
      dims = b.dims;
    });
    return new OnnxTextModel(layout, tokenizer, session, device, batchSize, output, dims);
  }

  /** Runs encoded inputs in length-sorted, padded batches. */
  run(encoded: readonly Encoded[], consume: (batch: BatchOutput) => void): Promise<void> {
    return runBatches(this.session, encoded, { batchSize: this.batchSize, padId: this.tokenizer.padId, output: this.output }, consume);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
