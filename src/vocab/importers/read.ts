/**
 * Readers shared by the importers: JSONL records, CSV/TSV rows and raw text chunks,
 * each reporting bad input with file and line through the builder.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { parse as parseCsv, type CsvError } from 'csv-parse';
import { InputError } from '../../core/errors.js';
import { readJsonlObjects } from '../../io/jsonl.js';
import type { ReadContext } from './format.js';

export function wrongFileType(file: string, message: string): InputError {
  return new InputError([{ file, reason: 'wrong-file-type', message }]);
}

/** Forwards absolute byte counts from a reader as deltas to `ctx.onBytes`. */
function byteCounter(ctx: ReadContext): (total: number) => void {
  let last = 0;
  return (total) => {
    ctx.onBytes(total - last);
    last = total;
  };
}

export interface JsonlRecord {
  lineNo: number;
  value: Record<string, unknown>;
}

/** Parsed JSON objects of a JSONL file. Bad lines are problems; blank lines are ignored. */
export async function* readJsonl(file: string, ctx: ReadContext): AsyncGenerator<JsonlRecord> {
  const { builder } = ctx;
  builder.touchFile(file);
  for await (const line of readJsonlObjects(file, { maxLineBytes: ctx.maxLineBytes, onBytes: byteCounter(ctx) })) {
    builder.countRow(file);
    if ('reason' in line) builder.problem({ file, line: line.lineNo }, line.reason, line.message);
    else yield line;
  }
}

/** Column names compared loosely: "O*NET-SOC Code" and "onet_soc_code" are the same column. */
export function columnKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[*()]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface TableOptions {
  delimiter: ',' | '\t';
  /** Whether cells may be quoted (CSV). Tab-separated exports usually are not. */
  quoted: boolean;
  /** Columns that must be present (as `columnKey` forms); each may list alternatives. */
  required: Array<string | string[]>;
}

export interface TableRow {
  lineNo: number;
  /** Cells keyed by `columnKey(header)`. */
  cells: Record<string, string>;
}

/** The header of a table file, as `columnKey` forms. */
export function headerKeys(firstLine: string, delimiter: string): string[] {
  return firstLine.split(/\r?\n/)[0]!.split(delimiter).map((h) => columnKey(h.replace(/^"|"$/g, '')));
}

/** Rows of a CSV/TSV file with a header line, keyed by normalized column name. */
export async function* readTable(file: string, ctx: ReadContext, options: TableOptions): AsyncGenerator<TableRow> {
  const { builder } = ctx;
  builder.touchFile(file);
  const onSkip = (err: CsvError | undefined): undefined => {
    if (err) {
      builder.countRow(file);
      builder.problem({ file, line: Number(err.lines) || undefined }, 'malformed-row', err.message);
    }
    return undefined;
  };
  const parser = parseCsv({
    delimiter: options.delimiter,
    quote: options.quoted ? '"' : false,
    bom: true,
    info: true,
    relax_column_count: false,
    skip_empty_lines: true,
    max_record_size: ctx.maxLineBytes,
    skip_records_with_error: builder.skipInvalid,
    on_skip: onSkip,
  });
  const input = Readable.from(utf8Source(file, ctx));
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let header: string[] | undefined;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = rec.record.map(columnKey);
        for (const req of options.required) {
          const alts = Array.isArray(req) ? req : [req];
          if (!alts.some((a) => header!.includes(a))) {
            throw wrongFileType(
              file,
              `missing column "${alts.join('" or "')}" in the header line (found: ${rec.record.join(', ')})`,
            );
          }
        }
        continue;
      }
      builder.countRow(file);
      const cells: Record<string, string> = {};
      header.forEach((h, i) => (cells[h] = rec.record[i] ?? ''));
      yield { lineNo: rec.info.lines, cells };
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err as CsvError;
    throw new InputError([
      { file, ...(e.lines ? { line: Number(e.lines) } : {}), reason: 'malformed-row', message: e.message },
    ]);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/**
 * The file decoded as UTF-8 in chunks. Invalid UTF-8 is bad input (with its line) in
 * every format read this way, since a structured file cannot be re-synchronised safely.
 */
export async function* utf8Source(file: string, ctx: ReadContext): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    ctx.onBytes(chunk.length);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const ok = validPrefix(chunk);
      line += countNewlines(chunk.subarray(0, ok));
      throw new InputError([{ file, line, reason: 'invalid-utf8', message: `invalid UTF-8 (byte ${ok} of a read block); save the file as UTF-8` }]);
    }
    line += countNewlines(chunk);
    yield text;
  }
  try {
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch {
    throw new InputError([{ file, line, reason: 'invalid-utf8', message: 'file ends in the middle of a UTF-8 character' }]);
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

function validPrefix(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** Files directly inside `dir` whose names match `pattern`, sorted. */
export async function filesIn(dir: string, pattern: RegExp): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => pattern.test(n)).sort();
  return names.map((n) => join(dir, n));
}

/** Expands directories with `pick`; plain files pass through. */
export async function expandPaths(paths: string[], pick: (dir: string) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) out.push(...(await pick(p)));
    else out.push(p);
  }
  return out;
}

/** Language code from names like `occupations_fr.csv` or `hp-es.babelon.tsv`. */
export function langFromFilename(file: string): string | undefined {
  const m = /[_-]([a-z]{2,3}(?:-[A-Za-z]{2,4})?)(?:\.[a-z]+)+$/.exec(basename(file));
  return m?.[1];
}

