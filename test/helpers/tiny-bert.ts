/**
 * Tiny random-weight BERT models in Hugging Face's ONNX layout, written by the tests
 * (and the encoder benchmark) themselves, so a fresh machine needs no download:
 *
 *   <dir>/config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json
 *   <dir>/onnx/model.onnx            fp32
 *   <dir>/onnx/model_quantized.onnx  int8 weights (QDQ: DequantizeLinear before each MatMul)
 *   <dir>/1_Pooling/config.json      (encoders, when a pooling mode is given)
 *
 * The graph is a real BERT (embeddings, masked multi-head self-attention, GELU FFN,
 * post-LayerNorm), opset 17, with inputs input_ids / attention_mask / token_type_ids
 * (int64, dynamic batch and sequence) like ../shared/models/tiny-random-bert-*. The
 * encoder outputs `last_hidden_state` [batch, seq, hidden]; the cross-encoder adds
 * BERT's pooler and a one-logit classifier and outputs `logits` [batch, 1].
 * Weights are seeded random normals: the outputs mean nothing, but they are
 * deterministic and sensitive to every input token.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

export interface TinyBertOptions {
  kind?: 'encoder' | 'cross-encoder';
  hidden?: number;
  layers?: number;
  heads?: number;
  ffn?: number;
  /** Position embeddings: inputs longer than this must be truncated. */
  maxPositions?: number;
  seed?: number;
  /** Writes 1_Pooling/config.json with this mode (encoders only). */
  pooling?: 'mean' | 'cls';
  /** Also write onnx/model_quantized.onnx. Default true. */
  quantized?: boolean;
  /** Extra (unused) int64 graph inputs, e.g. position_ids, to test input checks. */
  extraInputs?: string[];
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = [
  'software', 'developer', 'java', 'senior', 'nurse', 'registered', 'heart', 'attack', 'myocardial', 'infarction',
  'disease', 'data', 'scientist', 'engineer', 'sales', 'manager', 'the', 'of', 'and', 'a', 'in', 'care', 'cancer',
  'breast', 'lung', 'diabetes', 'type', 'acute', 'chronic', 'pain', 'word',
];

/** The WordPiece vocabulary of the fixture tokenizer: specials, letters, digits, ##-pieces and some words. */
export function fixtureVocab(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  const punct = '.,;:!?()-/\'"&+'.split('');
  return [...SPECIAL, ...letters, ...letters.map((c) => `##${c}`), ...punct, ...WORDS];
}

function tokenizerJson(vocab: string[]): object {
  const ids = Object.fromEntries(vocab.map((t, i) => [t, i]));
  const id = (t: string): number => ids[t] as number;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}

/** Seeded normal random numbers (mulberry32 + Box-Muller). */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const I8 = onnx.TensorProto.DataType.INT8;

class GraphBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private n = 0;
  constructor(private readonly rand: () => number, private readonly quantize: boolean) {}

  private name(prefix: string): string {
    return `${prefix}_${this.n++}`;
  }

  floats(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({ name, dims, dataType: F, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  }

  ints(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({ name, dims: [values.length], dataType: I64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  scalarInt(name: string, value: number): string {
    const data = BigInt64Array.from([BigInt(value)]);
    this.initializers.push({ name, dims: [], dataType: I64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  scalarFloat(name: string, value: number): string {
    this.initializers.push({ name, dims: [], dataType: F, rawData: new Uint8Array(Float32Array.from([value]).buffer) });
    return name;
  }

  random(prefix: string, dims: number[], std: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = this.rand() * std;
    return this.floats(this.name(prefix), dims, v);
  }

  filled(prefix: string, dims: number[], value: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    return this.floats(this.name(prefix), dims, new Float32Array(size).fill(value));
  }

  /** A weight matrix: float, or int8 with a per-tensor scale behind a DequantizeLinear. */
  weight(prefix: string, dims: number[], std: number): string {
    if (!this.quantize) return this.random(prefix, dims, std);
    const size = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    let max = 0;
    for (let i = 0; i < size; i++) {
      v[i] = this.rand() * std;
      max = Math.max(max, Math.abs(v[i] as number));
    }
    const scale = max / 127 || 1;
    const q = new Int8Array(size);
    for (let i = 0; i < size; i++) q[i] = Math.round((v[i] as number) / scale);
    const qName = this.name(`${prefix}_int8`);
    this.initializers.push({ name: qName, dims, dataType: I8, rawData: new Uint8Array(q.buffer) });
    const scaleName = this.scalarFloat(this.name(`${prefix}_scale`), scale);
    const zpName = this.name(`${prefix}_zero`);
    this.initializers.push({ name: zpName, dims: [], dataType: I8, rawData: new Uint8Array(1) });
    return this.op('DequantizeLinear', [qName, scaleName, zpName]);
  }

  op(opType: string, inputs: string[], attrs: OnnxTypes.IAttributeProto[] = [], output?: string): string {
    const out = output ?? this.name(opType.toLowerCase());
    this.nodes.push({ opType, input: inputs, output: [out], name: this.name(`n_${opType}`), attribute: attrs });
    return out;
  }
}

const intAttr = (name: string, i: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const intsAttr = (name: string, ints: number[]): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });
const floatAttr = (name: string, f: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f });

function buildModel(o: Required<Omit<TinyBertOptions, 'pooling' | 'quantized'>>, vocabSize: number, quantize: boolean): Uint8Array {
  const g = new GraphBuilder(gaussian(o.seed), quantize);
  const H = o.hidden;
  const headDim = H / o.heads;
  const layerNorm = (x: string): string =>
    g.op('LayerNormalization', [x, g.filled('ln_gamma', [H], 1), g.filled('ln_beta', [H], 0)], [intAttr('axis', -1), floatAttr('epsilon', 1e-12)]);
  const dense = (x: string, inDim: number, outDim: number): string =>
    g.op('Add', [g.op('MatMul', [x, g.weight('w', [inDim, outDim], 1 / Math.sqrt(inDim))]), g.random('b', [outDim], 0.1)]);

  // Embeddings: word + position (0..seq-1) + token type, then LayerNorm.
  const words = g.op('Gather', [g.random('word_embeddings', [vocabSize, H], 1), 'input_ids']);
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), g.scalarInt('one', 1)], [intAttr('axis', 0)]);
  const positions = g.op('Range', [g.scalarInt('zero', 0), seqLen, g.scalarInt('step', 1)]);
  const pos = g.op('Gather', [g.random('position_embeddings', [o.maxPositions, H], 1), positions]);
  const types = g.op('Gather', [g.random('token_type_embeddings', [2, H], 1), 'token_type_ids']);
  let x = layerNorm(g.op('Add', [g.op('Add', [words, pos]), types]));

  // Additive attention mask [batch, 1, 1, seq]: 0 where attended, -1e4 on padding.
  const maskF = g.op('Cast', ['attention_mask'], [intAttr('to', F)]);
  const mask4 = g.op('Unsqueeze', [maskF, g.ints('mask_axes', [1, 2])]);
  const maskBias = g.op('Mul', [g.op('Sub', [g.scalarFloat('f_one', 1), mask4]), g.scalarFloat('neg', -10000)]);
  const splitHeads = g.ints('split_heads', [0, 0, o.heads, headDim]);
  const mergeHeads = g.ints('merge_heads', [0, 0, H]);
  const scale = g.scalarFloat('scale', 1 / Math.sqrt(headDim));

  for (let l = 0; l < o.layers; l++) {
    const heads = (t: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [t, splitHeads])], [intsAttr('perm', perm)]);
    const q = heads(dense(x, H, H), [0, 2, 1, 3]);
    const k = heads(dense(x, H, H), [0, 2, 3, 1]);
    const v = heads(dense(x, H, H), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), scale]), maskBias]);
    const probs = g.op('Softmax', [scores], [intAttr('axis', -1)]);
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], [intsAttr('perm', [0, 2, 1, 3])]), mergeHeads]);
    x = layerNorm(g.op('Add', [x, dense(context, H, H)]));
    // GELU(h) = 0.5 h (1 + erf(h / sqrt 2))
    const h = dense(x, H, o.ffn);
    const erf = g.op('Erf', [g.op('Div', [h, g.scalarFloat('sqrt2', Math.SQRT2)])]);
    const gelu = g.op('Mul', [g.op('Mul', [h, g.op('Add', [erf, g.scalarFloat('g_one', 1)])]), g.scalarFloat('half', 0.5)]);
    x = layerNorm(g.op('Add', [x, dense(gelu, o.ffn, H)]));
  }

  const dyn = (names: string[]): OnnxTypes.ITensorShapeProto => ({ dim: names.map((dimParam) => ({ dimParam })) });
  const inputs: OnnxTypes.IValueInfoProto[] = ['input_ids', 'attention_mask', 'token_type_ids', ...o.extraInputs].map((name) => ({
    name,
    type: { tensorType: { elemType: I64, shape: dyn(['batch', 'sequence']) } },
  }));
  let outputs: OnnxTypes.IValueInfoProto[];
  if (o.kind === 'encoder') {
    g.op('Identity', [x], [], 'last_hidden_state');
    outputs = [{ name: 'last_hidden_state', type: { tensorType: { elemType: F, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: H }] } } } }];
  } else {
    const cls = g.op('Gather', [x, g.scalarInt('cls_index', 0)], [intAttr('axis', 1)]);
    const pooled = g.op('Tanh', [dense(cls, H, H)]);
    g.op('Identity', [dense(pooled, H, 1)], [], 'logits');
    outputs = [{ name: 'logits', type: { tensorType: { elemType: F, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 1 }] } } } }];
  }

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'normkit-test-fixture',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: `tiny-bert-${o.kind}`, node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Writes a tiny random BERT model directory; returns `dir`. */
export function writeTinyBert(dir: string, options: TinyBertOptions = {}): string {
  const o = {
    kind: options.kind ?? 'encoder',
    hidden: options.hidden ?? 16,
    layers: options.layers ?? 2,
    heads: options.heads ?? 2,
    ffn: options.ffn ?? 32,
    maxPositions: options.maxPositions ?? 64,
    seed: options.seed ?? 42,
    extraInputs: options.extraInputs ?? [],
  };
  if (o.hidden % o.heads !== 0) throw new Error(`hidden (${o.hidden}) must be a multiple of heads (${o.heads})`);
  const vocab = fixtureVocab();
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const json = (file: string, value: unknown): void => writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  json('config.json', {
    architectures: [o.kind === 'encoder' ? 'BertModel' : 'BertForSequenceClassification'],
    model_type: 'bert',
    hidden_size: o.hidden,
    num_attention_heads: o.heads,
    num_hidden_layers: o.layers,
    intermediate_size: o.ffn,
    max_position_embeddings: o.maxPositions,
    type_vocab_size: 2,
    vocab_size: vocab.length,
    pad_token_id: 0,
    ...(o.kind === 'cross-encoder' ? { id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 }, num_labels: 1 } : {}),
  });
  json('tokenizer.json', tokenizerJson(vocab));
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 512,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  });
  json('special_tokens_map.json', { cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' });
  if (options.pooling && o.kind === 'encoder') {
    mkdirSync(join(dir, '1_Pooling'), { recursive: true });
    json('1_Pooling/config.json', {
      word_embedding_dimension: o.hidden,
      pooling_mode_cls_token: options.pooling === 'cls',
      pooling_mode_mean_tokens: options.pooling === 'mean',
      pooling_mode_max_tokens: false,
      pooling_mode_mean_sqrt_len_tokens: false,
    });
  }
  writeFileSync(join(dir, 'onnx', 'model.onnx'), buildModel(o, vocab.length, false));
  if (options.quantized ?? true) writeFileSync(join(dir, 'onnx', 'model_quantized.onnx'), buildModel(o, vocab.length, true));
  return dir;
}
