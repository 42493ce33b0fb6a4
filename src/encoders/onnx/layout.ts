/**
 * What a model directory holds, in Hugging Face's ONNX layout (as exported by Optimum
 * or published by Xenova/*, sentence-transformers/*):
 *
 *   config.json                    model_type, hidden_size, max_position_embeddings, num_labels
 *   tokenizer.json, tokenizer_config.json
 *   onnx/model.onnx                fp32 (or model.onnx at the top)
 *   onnx/model_quantized.onnx      int8 (other int8 names are recognised too)
 *   1_Pooling/config.json          sentence-transformers pooling mode (optional)
 *   sentence_bert_config.json      max_seq_length (optional)
 *
 * `inspectModel` reads these, settles pooling, max length and prefixes (explicit
 * option > the model's own files > the registry's hint > default) and computes the
 * fingerprint that indexes and the embedding cache are keyed by.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { NotFoundError, UsageError, InputError } from '../../core/errors.js';
import { sha256File } from '../../io/download.js';

export type Pooling = 'mean' | 'cls';
export const POOLINGS: readonly Pooling[] = ['mean', 'cls'];
export type Precision = 'fp32' | 'int8';
export const PRECISIONS: readonly Precision[] = ['fp32', 'int8'];

/** ONNX file names tried for each precision, in order. */
export const ONNX_FILES: Record<Precision, readonly string[]> = {
  fp32: ['onnx/model.onnx', 'model.onnx'],
  int8: [
    'onnx/model_quantized.onnx',
    'onnx/model_int8.onnx',
    'onnx/model_qint8_avx512_vnni.onnx',
    'onnx/model_qint8_avx512.onnx',
    'onnx/model_quint8_avx2.onnx',
    'model_quantized.onnx',
  ],
};

/** Files every model needs besides its ONNX graph. */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** Files used when present. */
export const OPTIONAL_FILES = ['special_tokens_map.json', '1_Pooling/config.json', 'sentence_bert_config.json', 'modules.json'] as const;

/** Settings that a caller, or the registry, can impose on a model. */
export interface ModelSettings {
  precision?: Precision;
  /** An ONNX file inside the directory, instead of choosing by precision. */
  onnxFile?: string;
  pooling?: Pooling;
  maxLength?: number;
  /** Prepended to queries (e5: "query: "). */
  queryPrefix?: string;
  /** Prepended to vocabulary terms (e5: "passage: "). */
  passagePrefix?: string;
}

export interface ModelLayout {
  dir: string;
  onnxPath: string;
  /** `onnxPath` relative to `dir`. */
  onnxFile: string;
  precision: Precision;
  modelType: string;
  architectures: string[];
  hiddenSize?: number;
  numLabels?: number;
  pooling: Pooling;
  /** Where the pooling mode came from. */
  poolingSource: 'option' | '1_Pooling/config.json' | 'registry' | 'default';
  maxLength: number;
  maxLengthSource: 'option' | 'sentence_bert_config.json' | 'registry' | 'tokenizer_config.json' | 'config.json' | 'default';
  queryPrefix: string;
  passagePrefix: string;
  /** sha256 over the model's files and the settings that change its vectors. */
  fingerprint: string;
  /** sha256 of each file that went into the fingerprint, by relative path. */
  fileHashes: Record<string, string>;
}

function readJson(dir: string, file: string): Record<string, unknown> | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    throw new Error('not a JSON object');
  } catch (err) {
    throw new InputError([{ file: path, reason: 'malformed-json', message: `cannot read model file: ${(err as Error).message}` }]);
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Lists the ONNX files in a model directory (for error messages). */
async function onnxFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const sub of ['', 'onnx']) {
    try {
      for (const f of await readdir(join(dir, sub))) if (f.endsWith('.onnx')) found.push(sub ? `${sub}/${f}` : f);
    } catch {
      // no such folder
    }
  }
  return found;
}

/** The ONNX file for a precision, or undefined when the directory has none. */
export function onnxFileFor(dir: string, precision: Precision): string | undefined {
  return ONNX_FILES[precision].find((f) => existsSync(join(dir, f)));
}

/** Files that are missing for a usable model (required files and an ONNX file of the precision). */
export function missingModelFiles(dir: string, precision: Precision): string[] {
  const missing: string[] = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (!onnxFileFor(dir, precision)) missing.push(ONNX_FILES[precision][0] as string);
  return missing;
}

/** Cache of file hashes by path, size and modification time: models are large. */
const hashCache = new Map<string, string>();
async function hashOf(path: string): Promise<string> {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  let h = hashCache.get(key);
  if (!h) {
    h = await sha256File(path);
    hashCache.set(key, h);
  }
  return h;
}

export async function inspectModel(dir: string, settings: ModelSettings = {}, hints: ModelSettings = {}): Promise<ModelLayout> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(`model directory ${dir} does not exist`);
  const precision = settings.precision ?? hints.precision ?? 'fp32';
  if (!PRECISIONS.includes(precision)) throw new UsageError(`unknown precision "${String(precision)}"; use one of ${PRECISIONS.join(', ')}`);
  if (settings.pooling !== undefined && !POOLINGS.includes(settings.pooling)) {
    throw new UsageError(`unknown pooling "${String(settings.pooling)}"; use one of ${POOLINGS.join(', ')}`);
  }

  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new NotFoundError(`model directory ${dir} lacks ${missing.join(', ')}; a model needs ${REQUIRED_FILES.join(', ')} and an ONNX file`);
  const onnxFile = settings.onnxFile ?? onnxFileFor(dir, precision);
  if (!onnxFile || !existsSync(join(dir, onnxFile))) {
    const present = await onnxFilesIn(dir);
    throw new NotFoundError(
      `model directory ${dir} has no ${settings.onnxFile ?? `${precision} ONNX file (looked for ${ONNX_FILES[precision].join(', ')})`}; ` +
        (present.length ? `it has ${present.join(', ')}: choose one with --precision or --onnx-file` : 'it has no .onnx file at all'),
    );
  }

  const config = readJson(dir, 'config.json') ?? {};
  const tokenizerConfig = readJson(dir, 'tokenizer_config.json') ?? {};
  const poolingConfig = readJson(dir, '1_Pooling/config.json');
  const sbertConfig = readJson(dir, 'sentence_bert_config.json');

  let pooling: Pooling = 'mean';
  let poolingSource: ModelLayout['poolingSource'] = 'default';
  if (settings.pooling) {
    pooling = settings.pooling;
    poolingSource = 'option';
  } else if (poolingConfig) {
    if (poolingConfig['pooling_mode_cls_token'] === true) pooling = 'cls';
    else if (poolingConfig['pooling_mode_mean_tokens'] === true) pooling = 'mean';
    else {
      throw new InputError([
        { file: join(dir, '1_Pooling/config.json'), reason: 'unsupported-pooling', message: 'only CLS and mean pooling are supported; pass --pooling mean|cls to override' },
      ]);
    }
    poolingSource = '1_Pooling/config.json';
  } else if (hints.pooling) {
    pooling = hints.pooling;
    poolingSource = 'registry';
  }

  const positions = num(config['max_position_embeddings']);
  // RoBERTa-family models reserve two positions (padding offset).
  const usablePositions = positions !== undefined ? positions - (/roberta/.test(String(config['model_type'])) ? 2 : 0) : undefined;
  let maxLength: number;
  let maxLengthSource: ModelLayout['maxLengthSource'];
  const fromTokenizer = num(tokenizerConfig['model_max_length']);
  if (settings.maxLength !== undefined) {
    if (!Number.isInteger(settings.maxLength) || settings.maxLength < 2) throw new UsageError(`max length must be an integer of at least 2, got ${settings.maxLength}`);
    [maxLength, maxLengthSource] = [settings.maxLength, 'option'];
  } else if (num(sbertConfig?.['max_seq_length']) !== undefined) {
    [maxLength, maxLengthSource] = [num(sbertConfig?.['max_seq_length']) as number, 'sentence_bert_config.json'];
  } else if (hints.maxLength !== undefined) {
    [maxLength, maxLengthSource] = [hints.maxLength, 'registry'];
  } else if (fromTokenizer !== undefined && fromTokenizer < 100_000) {
    [maxLength, maxLengthSource] = [fromTokenizer, 'tokenizer_config.json'];
  } else if (usablePositions !== undefined) {
    [maxLength, maxLengthSource] = [usablePositions, 'config.json'];
  } else {
    [maxLength, maxLengthSource] = [512, 'default'];
  }
  if (usablePositions !== undefined && maxLength > usablePositions) maxLength = usablePositions;

  const id2label = config['id2label'];
  const numLabels = num(config['num_labels']) ?? (id2label && typeof id2label === 'object' ? Object.keys(id2label).length : undefined);

  const queryPrefix = settings.queryPrefix ?? hints.queryPrefix ?? '';
  const passagePrefix = settings.passagePrefix ?? hints.passagePrefix ?? '';

  const hashed = [onnxFile, ...(existsSync(join(dir, `${onnxFile}_data`)) ? [`${onnxFile}_data`] : []), 'config.json', 'tokenizer.json', 'tokenizer_config.json'];
  if (existsSync(join(dir, 'special_tokens_map.json'))) hashed.push('special_tokens_map.json');
  const fileHashes: Record<string, string> = {};
  for (const f of hashed) fileHashes[relative(dir, join(dir, f))] = await hashOf(join(dir, f));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ files: fileHashes, pooling, maxLength, queryPrefix, passagePrefix }))
    .digest('hex');

  return {
    dir,
    onnxPath: join(dir, onnxFile),
    onnxFile,
    precision,
    modelType: typeof config['model_type'] === 'string' ? config['model_type'] : 'unknown',
    architectures: Array.isArray(config['architectures']) ? config['architectures'].filter((a): a is string => typeof a === 'string') : [],
    ...(num(config['hidden_size']) !== undefined ? { hiddenSize: num(config['hidden_size']) as number } : {}),
    ...(numLabels !== undefined ? { numLabels } : {}),
    pooling,
    poolingSource,
    maxLength,
    maxLengthSource,
    queryPrefix,
    passagePrefix,
    fingerprint,
    fileHashes,
  };
}
