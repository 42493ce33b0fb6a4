/**
 * Fetching models from the Hugging Face Hub into normkit's model cache.
 *
 *   GET {endpoint}/api/models/{id}/revision/{revision}?blobs=true
 *       → the commit sha and every file with its size, git blob id and, for LFS
 *         files, sha256
 *   GET {endpoint}/{id}/resolve/{commit}/{path}
 *       → the file
 *
 * Only what inference needs is fetched: config and tokenizer files, sentence-
 * transformers' pooling config when present, and one ONNX file of the chosen
 * precision. Each file is downloaded to `<file>.part`, checked (sha256 for LFS files,
 * the git blob sha1 for small ones) and renamed into place; the manifest
 * `normkit-model.json` is written last, so a cache folder with a manifest is complete.
 *
 * The endpoint is `$NORMKIT_HF_ENDPOINT`, else `$HF_ENDPOINT`, else
 * https://huggingface.co; `$HF_TOKEN` is sent for private or gated repositories.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { NetworkError, NormkitError, NotFoundError, UsageError, ExitCode } from '../../core/errors.js';
import { download } from '../../io/download.js';
import { silentProgress, type Progress } from '../../core/progress.js';
import { ONNX_FILES, OPTIONAL_FILES, REQUIRED_FILES, type ModelSettings, type Precision } from '../onnx/layout.js';
import { recommendedModel } from './registry.js';
import { writeAtomic } from '../../io/atomic.js';

export const MANIFEST_FILE = 'normkit-model.json';

export interface HubOptions {
  endpoint?: string;
  token?: string;
  /** Branch, tag or commit. Default "main". */
  revision?: string;
  progress?: Progress;
}

export function hubEndpoint(explicit?: string): string {
  return (explicit ?? process.env['NORMKIT_HF_ENDPOINT'] ?? process.env['HF_ENDPOINT'] ?? 'https://huggingface.co').replace(/\/+$/, '');
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
export function isHubId(ref: string): boolean {
  return HUB_ID.test(ref) && !ref.includes('..');
}

/** The cache folder of a hub model. */
export function modelCacheDir(modelsDir: string, id: string): string {
  if (!isHubId(id)) throw new UsageError(`"${id}" is not a Hugging Face model id (owner/name)`);
  return join(modelsDir, id.replace('/', '--'));
}

const RepoInfo = z.object({
  sha: z.string(),
  siblings: z.array(
    z.object({
      rfilename: z.string(),
      size: z.number().optional(),
      blobId: z.string().optional(),
      lfs: z.object({ sha256: z.string(), size: z.number().optional() }).optional(),
    }),
  ),
});
type RepoFile = z.infer<typeof RepoInfo>['siblings'][number];

const ManifestSchema = z.object({
  id: z.string(),
  revision: z.string(),
  endpoint: z.string(),
  fetchedAt: z.string(),
  files: z.record(z.string(), z.object({ sha256: z.string(), bytes: z.number() })),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type ModelManifest = z.infer<typeof ManifestSchema>;

export function readManifest(dir: string): ModelManifest | undefined {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new NormkitError(`${path} is not a normkit model manifest (${parsed.error.issues[0]?.message}); delete the folder and fetch again`, ExitCode.badInput);
  return parsed.data;
}

function authHeaders(options: HubOptions): Record<string, string> {
  const token = options.token ?? process.env['HF_TOKEN'];
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function repoInfo(id: string, options: HubOptions = {}): Promise<z.infer<typeof RepoInfo>> {
  const endpoint = hubEndpoint(options.endpoint);
  const url = `${endpoint}/api/models/${id}/revision/${encodeURIComponent(options.revision ?? 'main')}?blobs=true`;
  let res: Response;
  try {
    res = await fetch(url, { headers: authHeaders(options) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new NetworkError(`cannot reach ${endpoint} to look up ${id} (${cause}). Offline? Copy the model folder here and pass its path, or fetch it where the hub is reachable: normkit model fetch ${id}`);
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    await res.body?.cancel();
    throw new NotFoundError(`${endpoint} has no model "${id}" at revision ${options.revision ?? 'main'} (HTTP ${res.status}); check the id, or set HF_TOKEN for a private or gated repository`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new NetworkError(`${url}: HTTP ${res.status} ${res.statusText}`);
  }
  const parsed = RepoInfo.safeParse(await res.json());
  if (!parsed.success) throw new NetworkError(`${url}: unexpected answer from the hub (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** The files of a repository that inference with the given precision needs. */
export function filesToFetch(id: string, listing: readonly RepoFile[], precision: Precision): RepoFile[] {
  const byName = new Map(listing.map((f) => [f.rfilename, f]));
  const missing = REQUIRED_FILES.filter((f) => !byName.has(f));
  const onnx = ONNX_FILES[precision].find((f) => byName.has(f));
  if (missing.length || !onnx) {
    const onnxPresent = listing.map((f) => f.rfilename).filter((f) => f.endsWith('.onnx'));
    const what = [...missing, ...(onnx ? [] : [`a ${precision} ONNX file (${ONNX_FILES[precision].join(', ')})`])];
    const hint = recommendedModel(id)?.exportHint;
    throw new NotFoundError(
      `${id} lacks ${what.join(', ')}` +
        (onnxPresent.length && !onnx ? `; it has ${onnxPresent.join(', ')}: try --precision ${precision === 'fp32' ? 'int8' : 'fp32'}` : '') +
        (hint ? `; ${hint}` : onnxPresent.length ? '' : '; it is not an ONNX export (look for an Xenova/* or onnx-community/* copy, or export it with optimum-cli)'),
    );
  }
  const wanted = [...REQUIRED_FILES, ...OPTIONAL_FILES.filter((f) => byName.has(f)), onnx, ...(byName.has(`${onnx}_data`) ? [`${onnx}_data`] : [])];
  return wanted.map((f) => byName.get(f) as RepoFile);
}

function gitBlobSha1(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export interface FetchModelResult {
  id: string;
  dir: string;
  revision: string;
  files: Array<{ path: string; bytes: number; downloaded: boolean }>;
}

/** Downloads what `precision` needs of hub model `id` into `<modelsDir>/<owner>--<name>`. */
export async function fetchModel(id: string, modelsDir: string, precision: Precision, options: HubOptions = {}): Promise<FetchModelResult> {
  const dir = modelCacheDir(modelsDir, id);
  const endpoint = hubEndpoint(options.endpoint);
  const info = await repoInfo(id, options);
  const files = filesToFetch(id, info.siblings, precision);
  const previous = readManifest(dir);
  const manifestFiles: ModelManifest['files'] = previous && previous.revision === info.sha ? { ...previous.files } : {};
  const results: FetchModelResult['files'] = [];
  const progress = options.progress ?? silentProgress;
  for (const f of files) {
    const dest = join(dir, f.rfilename);
    await mkdir(dirname(dest), { recursive: true });
    const res = await download(`${endpoint}/${id}/resolve/${info.sha}/${f.rfilename}`, dest, {
      ...(f.lfs ? { sha256: f.lfs.sha256 } : {}),
      headers: authHeaders(options),
      progress,
      offlineHint: `Fetch the model where ${endpoint} is reachable (normkit model fetch ${id}) and copy ${dir} here.`,
    });
    if (!f.lfs && f.blobId && gitBlobSha1(await readFile(dest)) !== f.blobId) {
      await rm(dest, { force: true });
      await rm(`${dest}.sha256`, { force: true });
      throw new NormkitError(`checksum mismatch for ${id}/${f.rfilename}: its git blob id is not ${f.blobId}. The file was deleted; run the command again.`, ExitCode.badInput);
    }
    manifestFiles[f.rfilename] = { sha256: res.sha256, bytes: res.bytes };
    results.push({ path: f.rfilename, bytes: res.bytes, downloaded: res.downloaded });
  }
  const settings: ModelSettings | undefined = recommendedModel(id)?.settings;
  const manifest: ModelManifest = {
    id,
    revision: info.sha,
    endpoint,
    fetchedAt: new Date().toISOString(),
    files: manifestFiles,
    ...(settings ? { settings: { ...settings } } : {}),
  };
  writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { id, dir, revision: info.sha, files: results };
}
