/**
 * `vocab fetch <name>`: download a vocabulary's official release (manifest.ts), verify
 * it, unpack what the archive holds, and import it.
 *
 * Downloads live in `<data dir>/downloads/<name>/<version>/`. A finished download is
 * never fetched twice; an interrupted one resumes.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { unzipSync } from 'fflate';
import { InputError, NotFoundError, UsageError } from '../core/errors.js';
import { download, type DownloadResult } from '../io/download.js';
import type { Progress } from '../core/progress.js';
import type { VocabStore } from '../store/store.js';
import { downloadsDir } from '../core/data-dir.js';
import { importVocabulary, type ImportResult } from './import.js';
import { BUILTIN_MANIFEST, loadManifest, type Manifest, type ManifestEntry } from './manifest.js';
import { writeAtomic } from '../io/atomic.js';

export interface FetchOptions {
  dataDir: string;
  store: VocabStore;
  /** Use this manifest file instead of the built-in one. */
  manifestPath?: string;
  /** Import after downloading (default true). */
  importAfter?: boolean;
  skipInvalid?: boolean;
  progress?: Progress;
}

export interface FetchedFile {
  url: string;
  path: string;
  sha256: string;
  bytes: number;
  downloaded: boolean;
  resumed: boolean;
  /** False when the manifest had no checksum and this download's was recorded instead. */
  verified: boolean;
}

export interface FetchResult {
  name: string;
  version: string;
  directory: string;
  files: FetchedFile[];
  /** The files handed to the importer (extracted archive members included). */
  importedFrom: string[];
  import?: Omit<ImportResult, 'vocabulary'> & { concepts: number; terms: number; codes: number };
}

export async function fetchVocabulary(name: string, options: FetchOptions): Promise<FetchResult> {
  const manifest: Manifest = options.manifestPath ? await loadManifest(options.manifestPath) : BUILTIN_MANIFEST;
  const entry: ManifestEntry | undefined = manifest.vocabularies[name];
  if (!entry) {
    throw new NotFoundError(`no vocabulary "${name}" in the fetch manifest; known: ${Object.keys(manifest.vocabularies).join(', ')}`);
  }
  if (entry.manual) throw new UsageError(`${entry.title}: ${entry.manual}`);

  const directory = join(downloadsDir(options.dataDir), name, entry.version);
  await mkdir(directory, { recursive: true });
  const offlineHint =
    `To install without network access, download these files on a connected machine:\n` +
    entry.files.map((f) => `  ${f.url}`).join('\n') +
    `\nthen copy them into ${directory} and run this command again (or import them with: normkit vocab import --format ${entry.format} <files>).`;

  const files: FetchedFile[] = [];
  const importFrom: string[] = [];
  for (const f of entry.files) {
    const dest = join(directory, decodeURIComponent(basename(new URL(f.url).pathname)));
    const res: DownloadResult = await download(f.url, dest, {
      ...(f.sha256 ? { sha256: f.sha256 } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
      offlineHint,
    });
    files.push({ url: f.url, ...res, verified: f.sha256 !== undefined });
    if (f.extract) importFrom.push(...(await extractMembers(res.path, f.extract, directory)));
    else importFrom.push(res.path);
  }

  const result: FetchResult = { name, version: entry.version, directory, files, importedFrom: importFrom };
  if (options.importAfter ?? true) {
    const imported = await importVocabulary(options.store, importFrom, {
      format: entry.format,
      name,
      version: entry.version,
      ...(entry.langs ? { langs: entry.langs } : {}),
      skipInvalid: options.skipInvalid ?? false,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    result.import = {
      report: imported.report,
      seconds: imported.seconds,
      concepts: imported.vocabulary.concepts,
      terms: imported.vocabulary.terms,
      codes: imported.vocabulary.codes,
    };
  }
  return result;
}

/**
 * Extracts the named members (matched by file name, at any depth) of a zip archive into
 * `directory`, each written to a temporary name and renamed into place.
 */
async function extractMembers(zipPath: string, members: string[], directory: string): Promise<string[]> {
  const wanted = new Set(members);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(zipPath)), { filter: (f) => wanted.has(basename(f.name)) });
  } catch (err) {
    throw new InputError([{ file: zipPath, reason: 'wrong-file-type', message: `not a readable zip archive: ${(err as Error).message}` }]);
  }
  const found = new Map(Object.entries(entries).map(([k, v]) => [basename(k), v]));
  const missing = members.filter((m) => !found.has(m));
  if (missing.length > 0) {
    throw new InputError([{ file: zipPath, reason: 'missing-file', message: `archive lacks ${missing.map((m) => `"${m}"`).join(', ')}` }]);
  }
  const out: string[] = [];
  for (const m of members) {
    const dest = join(directory, m);
    writeAtomic(dest, found.get(m)!);
    out.push(dest);
  }
  return out;
}
