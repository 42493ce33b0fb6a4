/**
 * From a model reference to a ready model: a local directory is used as it is; a
 * Hugging Face id is looked up in the model cache and fetched on first use unless
 * offline (`--offline`, `NORMKIT_OFFLINE=1` or `HF_HUB_OFFLINE=1`), where a missing
 * model is an error that lists the missing files and the command that fetches them.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveDataDir } from '../../core/data-dir.js';
import { NotFoundError } from '../../core/errors.js';
import { CrossEncoder, type CrossEncoderOptions } from '../onnx/cross-encoder.js';
import { TransformerEncoder, type TransformerOptions } from '../onnx/transformer.js';
import { fetchModel, isHubId, modelCacheDir, readManifest, type HubOptions } from './hub.js';
import { missingModelFiles, type ModelSettings, type Precision } from '../onnx/layout.js';
import { recommendedModel } from './registry.js';

/** Where hub models are cached inside a data dir. */
export function modelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

export interface ResolveOptions extends HubOptions {
  /** The data dir whose models/ folder caches hub models. Default: resolveDataDir(). */
  dataDir?: string;
  offline?: boolean;
  precision?: Precision;
}

export interface ResolvedModel {
  ref: string;
  dir: string;
  /** Hub id, when the model came from the hub. */
  id?: string;
  source: 'local' | 'cache' | 'downloaded';
  /** Registry defaults for the model (pooling, prefixes). */
  hints: ModelSettings;
}

export function isOffline(explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  return process.env['NORMKIT_OFFLINE'] === '1' || process.env['HF_HUB_OFFLINE'] === '1';
}

function isLocalRef(ref: string): boolean {
  return /^[./~]/.test(ref) || (existsSync(ref) && statSync(ref).isDirectory());
}

export async function resolveModel(ref: string, options: ResolveOptions = {}): Promise<ResolvedModel> {
  if (isLocalRef(ref)) {
    const dir = resolve(ref.replace(/^~(?=\/)/, process.env['HOME'] ?? '~'));
    if (!existsSync(dir)) throw new NotFoundError(`model directory ${dir} does not exist`);
    const manifestSettings = readManifest(dir)?.settings as ModelSettings | undefined;
    return { ref, dir, source: 'local', hints: manifestSettings ?? {} };
  }
  if (!isHubId(ref)) throw new NotFoundError(`"${ref}" is neither a model directory nor a Hugging Face id (owner/name)`);
  const precision = options.precision ?? 'fp32';
  const cache = modelsDir(resolveDataDir(options.dataDir));
  const dir = modelCacheDir(cache, ref);
  const hints = recommendedModel(ref)?.settings ?? {};
  const missing = readManifest(dir) ? missingModelFiles(dir, precision) : missingModelFiles(dir, precision).concat(existsSync(dir) ? ['normkit-model.json'] : []);
  if (missing.length === 0) return { ref, dir, id: ref, source: 'cache', hints };
  if (isOffline(options.offline)) {
    throw new NotFoundError(
      `model ${ref} (${precision}) is not in the cache ${dir} and normkit is offline.\n` +
        `Missing: ${missing.join(', ')}\n` +
        `Fetch it where the hub is reachable: normkit model fetch ${ref}${precision === 'fp32' ? '' : ` --precision ${precision}`} (then copy ${dir} here), or pass a local model folder.`,
    );
  }
  await fetchModel(ref, cache, precision, options);
  return { ref, dir, id: ref, source: 'downloaded', hints };
}

export async function openEncoder(ref: string, options: ResolveOptions & TransformerOptions = {}): Promise<TransformerEncoder> {
  const model = await resolveModel(ref, options);
  return TransformerEncoder.load(model.dir, { ...options, hints: { ...model.hints, ...options.hints } });
}

export async function openCrossEncoder(ref: string, options: ResolveOptions & CrossEncoderOptions = {}): Promise<CrossEncoder> {
  const model = await resolveModel(ref, options);
  return CrossEncoder.load(model.dir, { ...options, hints: { ...model.hints, ...options.hints } });
}
