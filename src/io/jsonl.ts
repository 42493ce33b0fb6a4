import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import { readLines, type ReadLinesOptions } from './lines.js';

/** One non-blank line of a JSONL file: a JSON object, or why it is not one. */
export type JsonlLine =
  | { lineNo: number; value: Record<string, unknown> }
  | { lineNo: number; reason: string; message: string };

/**
 * The objects of a JSONL file, line by line. Blank lines are skipped; oversized lines,
 * invalid UTF-8, malformed JSON and non-objects come back as problems for the caller to
 * report or skip. A file that is one JSON array is a wrong file type (thrown at once).
 */
export async function* readJsonlObjects(file: string, options: ReadLinesOptions & { stream?: NodeJS.ReadableStream } = {}): AsyncGenerator<JsonlLine> {
  for await (const r of readLines(options.stream ?? file, options)) {
    if ('error' in r) {
      yield { lineNo: r.lineNo, reason: r.error, message: r.message };
      continue;
    }
    const text = r.text.trim();
    if (!text) continue;
    if (r.lineNo === 1 && text.startsWith('[')) {
      throw new InputError([
        { file, reason: 'wrong-file-type', message: `expected JSONL (one JSON object per line) but this looks like a JSON array; convert it with: jq -c '.[]' ${basename(file)}` },
      ]);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { lineNo: r.lineNo, reason: 'malformed-json', message: `not valid JSON: ${(err as Error).message}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { lineNo: r.lineNo, reason: 'not-an-object', message: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
      continue;
    }
    yield { lineNo: r.lineNo, value: value as Record<string, unknown> };
  }
}

/** Non-blank lines of a plain-text file (or stream), shaped like JSONL entries ({ text }). */
export async function* readTextEntries(file: string | NodeJS.ReadableStream, options: ReadLinesOptions = {}): AsyncGenerator<JsonlLine> {
  for await (const r of readLines(file, options)) {
    if ('error' in r) yield { lineNo: r.lineNo, reason: r.error, message: r.message };
    else if (r.text.trim()) yield { lineNo: r.lineNo, value: { text: r.text } };
  }
}

/**
 * The complete lines of an output file an interrupted run appended to: a partial last line
 * (no newline) is cut off the file, and the complete part is returned (empty when absent).
 */
export function completeLinesOf(file: string): string {
  if (!existsSync(file)) return '';
  const buf = readFileSync(file);
  const end = buf.lastIndexOf(0x0a) + 1;
  if (end < buf.length) truncateSync(file, end);
  return buf.subarray(0, end).toString('utf8');
}
