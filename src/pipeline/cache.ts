/**
 * The build cache: what a linker builds (lexical index, term vectors and HNSW graph, hubness
 * bank hits, trained encoders) is written under `<cacheDir>/<vocabulary>/` (encoders under
 * `<cacheDir>/encoders/`), each file named by a key of everything it was built from, so a
 * change to any of them is a new file and an unchanged build is a read.
 *
 * Writes are atomic (src/io/atomic.ts): a build that crashes leaves the previous files
 * usable. A file that is missing or cannot be decoded is built again. Without a cache
 * directory nothing is read or written (trained encoders go to a temporary folder).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from '../io/atomic.js';

export class BuildCache {
  constructor(readonly dir: string | undefined) {}

  /** A short content key: the first 20 hex digits of the SHA-256 of `parts` as JSON. */
  static key(parts: unknown): string {
    return BuildCache.digest(parts).slice(0, 20);
  }

  /** The SHA-256 (hex) of a value as JSON: long inputs (terms, query banks) inside a key. */
  static digest(value: unknown): string {
    return createHash('sha256').update(JSON.stringify(value)).digest('hex');
  }

  /** Where `name` is cached for `vocabulary` (its folder is created); undefined without a cache dir. */
  file(vocabulary: string, name: string): string | undefined {
    if (!this.dir) return undefined;
    mkdirSync(join(this.dir, vocabulary), { recursive: true });
    return join(this.dir, vocabulary, name);
  }

  /** The cached file decoded, or undefined when it is missing or damaged (the caller builds it again). */
  read<T>(vocabulary: string, name: string, decode: (bytes: Buffer) => T): T | undefined {
    const file = this.dir ? join(this.dir, vocabulary, name) : undefined;
    if (!file || !existsSync(file)) return undefined;
    try {
      return decode(readFileSync(file));
    } catch {
      return undefined;
    }
  }

  /** Writes a file of the cache atomically; nothing without a cache dir. */
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

  /** The folder a trained encoder with this key lives in; `temporary` (delete it after loading) without a cache dir. */
  encoderDir(key: string): { dir: string; temporary: boolean } {
    if (!this.dir) return { dir: join(tmpdir(), `normkit-encoder-${process.pid}-${key}`), temporary: true };
    mkdirSync(join(this.dir, 'encoders'), { recursive: true });
    return { dir: join(this.dir, 'encoders', key), temporary: false };
  }
}
