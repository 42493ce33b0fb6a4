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
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWritable, removeStaleTemporaries, writeAtomic } from '../io/atomic.js';

export class BuildCache {
  /** False without a cache dir or when it cannot be written: then nothing is written. */
  readonly writable: boolean;

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
    return this.dir ? join(this.dir, vocabulary, name) : undefined;
  }

  /** Where to write `name` for `vocabulary` (its folder is created); undefined without a writable cache dir. */
  file(vocabulary: string, name: string): string | undefined {
    if (!this.dir || !this.writable) return undefined;
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
    const cached = this.dir ? join(this.dir, 'encoders', key) : undefined;
    if (!cached || (!this.writable && !existsSync(cached))) return { dir: join(tmpdir(), `normkit-encoder-${process.pid}-${key}`), temporary: true };
    if (!this.writable) return { dir: cached, temporary: false };
    mkdirSync(join(cached, '..'), { recursive: true });
    return { dir: cached, temporary: false };
  }
}
