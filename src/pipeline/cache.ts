/**
 * The build cache: what a linker builds (lexical index, term vectors and HNSW graph, hubness
 * bank hits, trained encoders) is written under `<cacheDir>/<vocabulary>/` (encoders under
 * `<cacheDir>/encoders/`), each file named by a key of everything it was built from, so a
 * change to any of them is a new file and an unchanged build is a read.
 *
 * Writes are atomic (src/io/atomic.ts): a build that crashes leaves the previous files
 * usable. A file that is missing or cannot be decoded is built again. Without a cache
 * directory nothing is read or written (trained encoders go to a temporary folder). A
 * cache directory this process cannot write (a read-only data dir) is only read: what is
 * missing is built in memory. Opening a writable cache removes the temporary files that
 * killed builds left in it.
 *
 * Each build records what it used in `<cacheDir>/.builds/<vocabulary>/<key>.json` (one per
 * pipeline configuration, rewritten at each build with the vocabulary's checksum), so that
 * `gcCache` (`normkit gc`) can remove the rest: earlier generations of the indexes (a
 * re-import, new custom synonyms, a changed pipeline), vocabularies no longer in the store.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isTemporary, isWritable, removeStaleTemporaries, writeAtomic } from '../io/atomic.js';
import type { VocabStore } from '../store/store.js';

/** What one build used: the pipeline's name, the vocabulary's checksum then, and the cache's names (relative to its dir). */
interface UseRecord {
  pipeline: string;
  checksum: string;
  files: string[];
}

/** Where builds record what they used (a vocabulary name cannot start with a dot). */
const BUILDS = '.builds';

export class BuildCache {
  /** False without a cache dir or when it cannot be written: then nothing is written. */
  readonly writable: boolean;
  /** The names this cache handed out (read or written), relative to its dir. */
  private readonly used = new Set<string>();

  constructor(readonly dir: string | undefined) {
    this.writable = dir !== undefined && isWritable(dir);
    if (dir !== undefined && this.writable) removeStaleTemporaries(dir);
  }

  /** A short content key: the first 20 hex digits of the SHA-256 of `parts` as JSON. */
  static key(parts: unknown): string {
    return BuildCache.digest(parts).slice(0, 20);
  }

  /** The SHA-256 (hex) of a value as JSON: long inputs (terms, query banks) inside a key. */
  static digest(value: unknown): string {
    return createHash('sha256').update(JSON.stringify(value)).digest('hex');
  }

  /** Where `name` is cached for `vocabulary`, to read it; undefined without a cache dir. */
  path(vocabulary: string, name: string): string | undefined {
    this.used.add(`${vocabulary}/${name}`);
    return this.dir ? join(this.dir, vocabulary, name) : undefined;
  }

  /** Where to write `name` for `vocabulary` (its folder is created); undefined without a writable cache dir. */
  file(vocabulary: string, name: string): string | undefined {
    if (!this.dir || !this.writable) return undefined;
    this.used.add(`${vocabulary}/${name}`);
    mkdirSync(join(this.dir, vocabulary), { recursive: true });
    return join(this.dir, vocabulary, name);
  }

  /** The cached file decoded, or undefined when it is missing or damaged (the caller builds it again). */
  read<T>(vocabulary: string, name: string, decode: (bytes: Buffer) => T): T | undefined {
    const file = this.path(vocabulary, name);
    if (!file || !existsSync(file)) return undefined;
    try {
      return decode(readFileSync(file));
    } catch {
      return undefined;
    }
  }

  /** Writes a file of the cache atomically; nothing without a writable cache dir. */
  write(vocabulary: string, name: string, bytes: string | NodeJS.ArrayBufferView): void {
    const file = this.file(vocabulary, name);
    if (file) writeAtomic(file, bytes);
  }

  /** The cached value, or a new one built and cached. */
  async readOrBuild<T>(vocabulary: string, name: string, codec: { decode(bytes: Buffer): T; encode(value: T): NodeJS.ArrayBufferView }, build: () => T | Promise<T>): Promise<{ value: T; fromCache: boolean }> {
    const cached = this.read(vocabulary, name, codec.decode);
    if (cached !== undefined) return { value: cached, fromCache: true };
    const value = await build();
    this.write(vocabulary, name, codec.encode(value));
    return { value, fromCache: false };
  }

  /**
   * The folder a trained encoder with this key lives in; `temporary` (delete it after
   * loading) without a cache dir, or when a read-only cache dir lacks it.
   */
  encoderDir(key: string): { dir: string; temporary: boolean } {
    this.used.add(`encoders/${key}`);
    const cached = this.dir ? join(this.dir, 'encoders', key) : undefined;
    if (!cached || (!this.writable && !existsSync(cached))) return { dir: join(tmpdir(), `normkit-encoder-${process.pid}-${key}`), temporary: true };
    if (!this.writable) return { dir: cached, temporary: false };
    mkdirSync(join(cached, '..'), { recursive: true });
    return { dir: cached, temporary: false };
  }

  /** Records what a build of `pipeline` (a configuration, by its key) for `vocabulary` used; nothing without a writable cache dir. */
  recordUse(vocabulary: string, pipeline: { name: string; key: string }, checksum: string): void {
    if (!this.dir || !this.writable) return;
    const folder = join(this.dir, BUILDS, vocabulary);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${pipeline.key}.json`);
    const record: UseRecord = { pipeline: pipeline.name, checksum, files: [...this.used].sort() };
    const text = JSON.stringify(record);
    // The pool's workers load the same linkers at once: an unchanged record is not rewritten.
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    try {
      writeAtomic(file, text);
    } catch {
      // Bookkeeping only: a record that cannot be written (a full disk) fails no build.
    }
  }
}

export interface GcResult {
  /** Paths removed (or, with `dryRun`, that would be). */
  removed: string[];
  bytes: number;
  /** Builds whose files were kept: vocabulary and pipeline name. */
  kept: Array<{ vocabulary: string; pipeline: string }>;
}

/**
 * Removes from the build cache what no current build uses: files no build record names,
 * records of vocabularies no longer in the store or re-imported since (another checksum),
 * vector index files the store does not name. Temporary files are left to the next build.
 */
export function gcCache(dir: string, store: Pick<VocabStore, 'hasVocabulary' | 'vocabulary' | 'vectorIndexEncoders' | 'vectorIndex'>, options: { dryRun?: boolean } = {}): GcResult {
  const keep = new Set<string>();
  const kept: GcResult['kept'] = [];
  const removed: string[] = [];
  let bytes = 0;
  if (!existsSync(dir)) return { removed, bytes, kept };
  const remove = (path: string): void => {
    bytes += sizeOf(path);
    removed.push(path);
    if (!options.dryRun) rmSync(path, { recursive: true, force: true });
  };
  const subfolders = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : []);
  for (const vocabulary of subfolders(join(dir, BUILDS))) {
    const current = store.hasVocabulary(vocabulary) ? store.vocabulary(vocabulary).checksum : undefined;
    for (const name of readdirSync(join(dir, BUILDS, vocabulary)).filter((n) => n.endsWith('.json'))) {
      const path = join(dir, BUILDS, vocabulary, name);
      let record: UseRecord | undefined;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as UseRecord;
      } catch {
        record = undefined;
      }
      if (!record || current === undefined || record.checksum !== current) {
        remove(path);
        continue;
      }
      for (const f of record.files) keep.add(f);
      kept.push({ vocabulary, pipeline: record.pipeline });
    }
  }
  const folders = subfolders(dir).filter((f) => f !== BUILDS);
  for (const vocabulary of folders) {
    if (!store.hasVocabulary(vocabulary)) continue;
    for (const encoder of store.vectorIndexEncoders(vocabulary)) {
      const file = store.vectorIndex(vocabulary, encoder)?.file;
      if (file) keep.add(`${vocabulary}/${basename(file)}`).add(`${vocabulary}/${basename(file)}.json`);
    }
  }
  // dense-<key> names its .vec and .hnsw files.
  const used = (rel: string): boolean => keep.has(rel) || keep.has(rel.replace(/\.(vec|hnsw)$/, ''));
  for (const folder of folders) {
    for (const entry of readdirSync(join(dir, folder), { withFileTypes: true })) {
      const rel = `${folder}/${entry.name}`;
      if (!used(rel) && !isTemporary(entry.name)) remove(join(dir, folder, entry.name));
    }
  }
  if (!options.dryRun) {
    for (const folder of [...folders, ...subfolders(join(dir, BUILDS)).map((v) => join(BUILDS, v))]) {
      if (readdirSync(join(dir, folder)).length === 0) rmSync(join(dir, folder), { recursive: true, force: true });
    }
  }
  return { removed, bytes, kept };
}

/** Bytes under `path` (a file, or a folder's files). */
function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}
