/**
 * `normkit lexicon fetch <pair>`: a FreeDict release downloaded, verified and imported.
 *
 * FreeDict lists its releases in one JSON file (the "FreeDict database",
 * https://freedict.org/freedict-database.json): per dictionary (`deu-eng`), releases per
 * platform with a URL, a size and a checksum. The `dictd` release is a .tar.xz holding
 * `<pair>/<pair>.index` and `<pair>.dict.dz`. It is downloaded with the resumable download
 * of `vocab fetch` (src/io/download.ts), its checksum checked (sha512 or sha256, as the
 * database gives it), unpacked into a temporary folder renamed into place, and imported.
 *
 * Offline, the error says how to get the same dictionary from Debian instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { extract } from 'tar-stream';
import xzDecompress from 'xz-decompress';
import { z } from 'zod';
import { downloadsDir } from '../core/data-dir.js';
import { InputError, NetworkError, NormkitError, NotFoundError, UsageError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { download } from '../io/download.js';
import { importLexicons, lexiconLang } from './import.js';
import type { LexiconInfo, LexiconStore } from './store.js';

export const FREEDICT_DATABASE = 'https://freedict.org/freedict-database.json';

const ISO3: Record<string, string> = {
  bg: 'bul', cs: 'ces', da: 'dan', de: 'deu', el: 'ell', en: 'eng', es: 'spa', et: 'est', fi: 'fin', fr: 'fra', hr: 'hrv', hu: 'hun',
  it: 'ita', lt: 'lit', lv: 'lav', nl: 'nld', no: 'nob', pl: 'pol', pt: 'por', ro: 'ron', ru: 'rus', sk: 'slk', sl: 'slv', sr: 'srp', sv: 'swe', tr: 'tur', uk: 'ukr',
};

const releaseSchema = z.looseObject({ platform: z.string(), URL: z.string().url(), checksum: z.string().optional(), size: z.union([z.string(), z.number()]).optional(), version: z.string().optional() });
const databaseSchema = z.array(z.looseObject({ name: z.string().optional(), releases: z.array(releaseSchema).optional() }));

export interface LexiconFetchOptions {
  dataDir: string;
  store: LexiconStore;
  /** The FreeDict database's URL (or a local file). */
  database?: string;
  progress?: Progress;
  /** Download and unpack, but do not import. */
  importAfter?: boolean;
}

export interface LexiconFetchResult {
  pair: string;
  version: string;
  url: string;
  directory: string;
  downloaded: boolean;
  lexicons: LexiconInfo[];
}

/** `deu-eng`, `de-en` or `de:en` → FreeDict's `deu-eng`. */
export function freedictPair(pair: string): string {
  const parts = pair.toLowerCase().split(/[-:_/]/);
  if (parts.length !== 2 || parts.some((p) => !/^[a-z]{2,3}$/.test(p))) throw new UsageError(`"${pair}" is not a language pair: give it as deu-eng (FreeDict's names) or de-en`);
  return parts.map((p) => (p.length === 2 ? ISO3[p] ?? p : p)).join('-');
}

export async function fetchLexicon(pair: string, options: LexiconFetchOptions): Promise<LexiconFetchResult> {
  const name = freedictPair(pair);
  const [from, to] = name.split('-') as [string, string];
  const debian = `dict-freedict-${name}`;
  const offlineHint = `Without network access to FreeDict, install Debian's package of the same dictionary and import it:\n  sudo apt-get install ${debian}\n  normkit lexicon import /usr/share/dictd --from ${lexiconLang(from)} --to ${lexiconLang(to)}`;
  const root = join(downloadsDir(options.dataDir), 'freedict');
  await mkdir(root, { recursive: true });

  const database = await readDatabase(options.database ?? FREEDICT_DATABASE, root, offlineHint);
  const entry = database.find((d) => d.name === name);
  if (!entry) throw new NotFoundError(`FreeDict has no dictionary "${name}" (its database lists ${database.length}); e.g. ${database.slice(0, 5).map((d) => d.name).join(', ')}`);
  const release = (entry.releases ?? []).find((r) => r.platform === 'dictd');
  if (!release) throw new NotFoundError(`FreeDict's "${name}" has no dictd release (platforms: ${(entry.releases ?? []).map((r) => r.platform).join(', ') || 'none'})`);
  const version = release.version ?? 'latest';
  const archive = join(root, decodeURIComponent(basename(new URL(release.URL).pathname)));
  const checksum = parseChecksum(release.checksum);
  const got = await download(release.URL, archive, { ...(checksum?.algorithm === 'sha256' ? { sha256: checksum.hex } : {}), ...(options.progress ? { progress: options.progress } : {}), offlineHint });
  if (checksum && checksum.algorithm !== 'sha256') {
    const actual = await hashFile(archive, checksum.algorithm);
    if (actual !== checksum.hex) {
      await rm(archive, { force: true });
      await rm(`${archive}.sha256`, { force: true });
      throw new NormkitError(`checksum mismatch for ${release.URL}: expected ${checksum.algorithm} ${checksum.hex}, got ${actual}. The download was deleted; run the command again.`, 3);
    }
  }
  const directory = join(root, `freedict-${name}-${version}`);
  if (got.downloaded || !existsSync(join(directory, `freedict-${name}.index`))) await unpack(archive, directory, name);
  const lexicons = options.importAfter === false ? [] : importLexicons(options.store, join(directory, `freedict-${name}.index`), {});
  return { pair: name, version, url: release.URL, directory, downloaded: got.downloaded, lexicons };
}

async function readDatabase(source: string, root: string, offlineHint: string): Promise<z.infer<typeof databaseSchema>> {
  let text: string;
  if (!/^https?:\/\//.test(source)) text = await readFile(source, 'utf8');
  else {
    const file = join(root, 'freedict-database.json');
    try {
      await rm(file, { force: true });
      await rm(`${file}.sha256`, { force: true });
      await download(source, file, { offlineHint });
    } catch (err) {
      // A copy fetched earlier still lists the releases.
      if (!(err instanceof NetworkError) || !existsSync(`${file}.previous`)) throw err;
      await rename(`${file}.previous`, file);
    }
    text = await readFile(file, 'utf8');
    await writeFile(`${file}.previous`, text);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InputError([{ file: source, reason: 'malformed-json', message: `the FreeDict database is not JSON: ${(err as Error).message}` }]);
  }
  const r = databaseSchema.safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError([{ file: source, field: issue.path.join('.'), reason: 'invalid-database', message: `not a FreeDict database: ${issue.message}` }]);
  }
  return r.data;
}

function parseChecksum(value: string | undefined): { algorithm: 'sha256' | 'sha512'; hex: string } | undefined {
  if (!value) return undefined;
  const m = /^(?:(sha256|sha512)[:=-]?)?([0-9a-f]+)$/i.exec(value.trim());
  if (!m) return undefined;
  const hex = m[2]!.toLowerCase();
  const algorithm = (m[1]?.toLowerCase() as 'sha256' | 'sha512' | undefined) ?? (hex.length === 64 ? 'sha256' : hex.length === 128 ? 'sha512' : undefined);
  return algorithm ? { algorithm, hex } : undefined;
}

async function hashFile(path: string, algorithm: string): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Unpacks the archive's .index and .dict(.dz) into `directory` (through a temporary folder, renamed into place). */
async function unpack(archive: string, directory: string, name: string): Promise<void> {
  const temporary = `${directory}.tmp-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary, { recursive: true });
  const found: string[] = [];
  try {
    const tar = extract();
    const done = new Promise<void>((resolve, reject) => {
      tar.on('entry', (header, stream, next) => {
        const file = basename(header.name);
        const keep = header.type === 'file' && /\.(index|dict|dict\.dz)$/.test(file);
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => {
          if (keep) chunks.push(c as Buffer);
        });
        stream.on('end', () => {
          if (!keep) return next();
          const target = file.startsWith('freedict-') ? file : `freedict-${file}`;
          found.push(target);
          writeFile(join(temporary, target), Buffer.concat(chunks)).then(() => next(), reject);
        });
        stream.on('error', reject);
      });
      tar.on('finish', resolve);
      tar.on('error', reject);
    });
    // xz-decompress is CommonJS: its class comes on the default export under Node's ESM loader.
    const { XzReadableStream } = xzDecompress as unknown as { XzReadableStream: typeof xzDecompress.XzReadableStream };
    const xz = new XzReadableStream(Readable.toWeb(createReadStream(archive)) as unknown as ReadableStream<Uint8Array>);
    Readable.fromWeb(xz as unknown as NodeReadableStream<Uint8Array>).on('error', (err) => tar.destroy(err)).pipe(tar);
    await done;
  } catch (err) {
    await rm(temporary, { recursive: true, force: true });
    throw new InputError([{ file: archive, reason: 'malformed-archive', message: `not a readable .tar.xz: ${(err as Error).message}` }]);
  }
  if (!found.includes(`freedict-${name}.index`)) {
    await rm(temporary, { recursive: true, force: true });
    throw new InputError([{ file: archive, reason: 'missing-file', message: `the archive has no ${name}.index (it holds: ${found.join(', ') || 'no dictd file'})` }]);
  }
  await rm(directory, { recursive: true, force: true });
  await rename(temporary, directory);
}
