/**
 * Length-sorted batching with dynamic padding, shared by the bi-encoder and the
 * cross-encoder. Inputs are sorted by token count, cut into batches of `batchSize`,
 * and each batch is padded only to its own longest input, so short texts never pay
 * for long ones. Results come back in input order.
 */
import { ort, type OrtSession, type OrtTensor } from './runtime.js';
import type { Encoded } from './tokenize.js';

export interface BatchOutput {
  /** The output tensor's data, [rows, seq, hidden] or [rows, width]. */
  data: Float32Array;
  dims: readonly number[];
  /** Input positions (into the caller's array) of the rows, in batch order. */
  rows: number[];
  /** attention_mask of the batch, [rows, seq]. */
  mask: BigInt64Array;
  seqLength: number;
}

/** Input order sorted by length (stable), for batching. */
export function lengthOrder(encoded: readonly Encoded[]): number[] {
  return encoded.map((_, i) => i).sort((a, b) => (encoded[a] as Encoded).ids.length - (encoded[b] as Encoded).ids.length || a - b);
}

function tensorData(t: OrtTensor, name: string): Float32Array {
  if (t.type !== 'float32') throw new Error(`model output "${name}" is ${t.type}; normkit needs float32 outputs`);
  return t.data as Float32Array;
}

/**
 * Runs `session` over `encoded` in padded batches; calls `consume` once per batch with
 * the chosen output.
 */
export async function runBatches(
  session: OrtSession,
  encoded: readonly Encoded[],
  options: { batchSize: number; padId: number; output: string },
  consume: (batch: BatchOutput) => void,
): Promise<void> {
  const order = lengthOrder(encoded);
  const wants = new Set(session.inputNames);
  for (let start = 0; start < order.length; start += options.batchSize) {
    const rows = order.slice(start, start + options.batchSize);
    const seqLength = Math.max(...rows.map((r) => (encoded[r] as Encoded).ids.length));
    const size = rows.length * seqLength;
    const ids = new BigInt64Array(size).fill(BigInt(options.padId));
    const mask = new BigInt64Array(size);
    const types = new BigInt64Array(size);
    rows.forEach((r, b) => {
      const e = encoded[r] as Encoded;
      const base = b * seqLength;
      for (let j = 0; j < e.ids.length; j++) {
        ids[base + j] = BigInt(e.ids[j] as number);
        mask[base + j] = 1n;
        types[base + j] = BigInt(e.typeIds[j] ?? 0);
      }
    });
    const dims = [rows.length, seqLength];
    const feeds: Record<string, OrtTensor> = {};
    if (wants.has('input_ids')) feeds['input_ids'] = new ort.Tensor('int64', ids, dims);
    if (wants.has('attention_mask')) feeds['attention_mask'] = new ort.Tensor('int64', mask, dims);
    if (wants.has('token_type_ids')) feeds['token_type_ids'] = new ort.Tensor('int64', types, dims);
    const result = await session.run(feeds, [options.output]);
    const out = result[options.output] as OrtTensor;
    consume({ data: tensorData(out, options.output), dims: out.dims, rows, mask, seqLength });
    for (const t of Object.values(feeds)) t.dispose?.();
    out.dispose?.();
  }
}
