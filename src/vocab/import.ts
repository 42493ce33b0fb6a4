/**
 * importVocabulary: files → format reader → VocabularyBuilder (validation) → one store transaction.
 *
 * Nothing is written until the whole input has been read and validated; the write itself
 * is a single transaction, so a failed or killed import leaves the previous version intact.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { DEFAULT_MAX_LINE_BYTES } from '../io/lines.js';
import { readHead, type FileHead } from '../io/sniff.js';
import { silentProgress, type Progress } from '../core/progress.js';
import type { VocabStore, VocabularyInfo } from '../store/store.js';
import { VocabularyBuilder } from './builder.js';
import { detectFormat, FORMATS, formatNamed } from './importers/index.js';
import type { ImportReport } from '../store/model.js';

export interface ImportOptions {
  /** A `--format` name; detected from the first file when absent. */
  format?: string;
  /** Vocabulary name in the store; the format's default when absent. */
  name?: string;
  version?: string;
  /** Languages to keep (multilingual sources); the first is the primary language. */
  langs?: string[];
  /** Drop and count bad rows instead of failing. */
  skipInvalid?: boolean;
  maxLineBytes?: number;
  /** Accept an import that leaves the vocabulary with no concepts. */
  allowEmpty?: boolean;
  /** Accept any loss of concepts (an empty result included). */
  force?: boolean;
  /** The largest share (0–1) of a vocabulary's concepts a re-import may drop without `force`; DEFAULT_MAX_LOSS when absent. */
  maxLoss?: number;
  progress?: Progress;
  /** Called inside the write transaction as concepts are written (used by crash tests). */
  onWrite?: (written: number, total: number) => void;
}

export interface ImportResult {
  vocabulary: VocabularyInfo;
  report: ImportReport;
  seconds: number;
}

/** A re-import that would drop more than this share of a vocabulary's concepts fails unless forced. */
export const DEFAULT_MAX_LOSS = 0.5;

/**
 * Refuses an import that would leave vocabulary `name` empty (unless `allowEmpty` or
 * `force`) or drop more than `maxLoss` of the `previous` concepts (unless `force`): an empty
 * or truncated file must not silently replace a vocabulary.
 */
export function checkConceptLoss(name: string, files: readonly string[], previous: number | undefined, next: number, options: Pick<ImportOptions, 'allowEmpty' | 'force' | 'maxLoss'> = {}): void {
  if (options.force) return;
  const file = files.join(', ');
  const now = previous === undefined ? '' : ` (it has ${previous} now)`;
  if (next === 0) {
    if (options.allowEmpty) return;
    throw new InputError(
      [{ file, reason: 'empty-vocabulary', message: `no concepts read: this import would leave vocabulary "${name}" with 0 concepts${now}` }],
      1,
      'Nothing was written. To import it anyway pass --allow-empty (HTTP import: "allowEmpty": true).',
    );
  }
  const maxLoss = options.maxLoss ?? DEFAULT_MAX_LOSS;
  if (previous === undefined || previous === 0) return;
  const lost = previous - next;
  if (lost / previous > maxLoss) {
    throw new InputError(
      [{ file, reason: 'vocabulary-shrinks', message: `${next} concepts read: this import would drop ${lost} of the ${previous} concepts of vocabulary "${name}" (${percent(lost / previous)}, more than the ${percent(maxLoss)} allowed)` }],
      1,
      'Nothing was written. To import it anyway pass --force, or raise --max-loss (HTTP import: "force": true or "maxLoss").',
    );
  }
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkVocabularyName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UsageError(`invalid vocabulary name "${name}": use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
}

export async function importVocabulary(store: VocabStore, paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
  const started = performance.now();
  const progress = options.progress ?? silentProgress;
  if (paths.length === 0) throw new UsageError('no input files given');
  for (const p of paths) {
    try {
      await access(p, constants.R_OK);
    } catch {
      throw new InputError([{ file: p, reason: 'missing-file', message: 'no such file or directory, or not readable' }]);
    }
  }

  let format = options.format ? formatNamed(options.format) : undefined;
  if (options.format && !format) {
    throw new UsageError(`unknown format "${options.format}"; one of: ${FORMATS.map((f) => f.name).join(', ')}`);
  }
  if (!format) {
    const isDir = (await stat(paths[0]!)).isDirectory();
    const head = isDir ? undefined : await readHead(paths[0]!);
    const probe = head === undefined
      ? await (async () => {
          for (const f of FORMATS) {
            const files = await f.resolveFiles([paths[0]!]).catch(() => []);
            if (files.length > 0 && f.detect(await readHead(files[0]!))) return f;
          }
          return undefined;
        })()
      : detectFormat(head);
    if (!probe) {
      throw new InputError(
        [{ file: paths[0]!, reason: 'unknown-format', message: `cannot tell the vocabulary format from the content${head ? seenIn(head) : ''}` }],
        1,
        `Pass --format, one of: ${FORMATS.map((f) => f.name).join(', ')}`,
      );
    }
    format = probe;
  }

  const files = (await format.resolveFiles(paths)).map((f) => resolve(f));
  if (files.length === 0) {
    throw new InputError([{ file: paths.join(', '), reason: 'missing-file', message: `no ${format.name} files found (${format.description})` }]);
  }
  const heads = await Promise.all(files.map((f) => readHead(f)));
  for (const h of heads) {
    if (h.binaryKind) {
      throw new InputError([{ file: h.path, reason: 'wrong-file-type', message: `this is ${h.binaryKind}, not ${format.description}` }]);
    }
  }
  const name = options.name ?? format.defaultName(files, heads);
  checkVocabularyName(name);
  const version = options.version ?? format.detectVersion?.(files, heads);

  const builder = new VocabularyBuilder({
    format: format.name,
    skipInvalid: options.skipInvalid ?? false,
    defaultLang: options.langs?.[0] ?? 'en',
    keepLangs: options.langs ?? [],
  });
  const totalBytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, st) => s + st.size, 0);
  progress.start(`reading ${name}`, totalBytes, 'B');
  try {
    await format.read(files, {
      builder,
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      langs: options.langs ?? [],
      onBytes: (d) => progress.advance(d),
    });
  } finally {
    progress.stop();
  }
  const parsed = builder.finish();
  const checksum = await checksumFiles(files);

  progress.start(`writing ${name}`, parsed.concepts.length, 'concepts');
  let written = 0;
  let vocabulary: VocabularyInfo;
  try {
    vocabulary = store.replaceVocabulary(
      { name, ...(version ? { version } : {}), format: format.name, source: files.join(', '), checksum },
      parsed,
      {
        onProgress: (n, total) => {
          progress.advance(n - written);
          written = n;
          options.onWrite?.(n, total);
        },
        progressEvery: options.onWrite ? 100 : 2000,
        check: (previous) => checkConceptLoss(name, files, previous, parsed.concepts.length, options),
      },
    );
  } finally {
    progress.stop();
  }
  return { vocabulary, report: parsed.report, seconds: (performance.now() - started) / 1000 };
}

/** What a file of no known format looks like, when its first bytes tell: ": this is …". */
export function seenIn(head: FileHead): string {
  if (head.binaryKind) {
    const archive = /gzip|zip|bzip2|xz/.test(head.binaryKind);
    return `: this is ${head.binaryKind}${archive ? ': unpack it first' : ''}`;
  }
  if (head.text.trimStart().startsWith('[')) return ': this is a JSON array: write one concept per line (JSONL, docs/formats.md)';
  return '';
}

/** sha256 over each file's name, size and bytes, in order. */
export async function checksumFiles(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of files) {
    const st = await stat(f);
    hash.update(`${basename(f)}\0${st.size}\0`);
    for await (const chunk of createReadStream(f)) hash.update(chunk as Buffer);
  }
  return `sha256:${hash.digest('hex')}`;
}
