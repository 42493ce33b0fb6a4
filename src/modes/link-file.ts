/**
 * `normkit link --input FILE`: links every line of a file (or stdin), one JSON result per
 * line out, in input order.
 *
 * - Input: JSONL (an object per line with a text field; its other fields, e.g. an id, are
 *   copied to the result) or plain text (one text per line).
 * - Output is written batch by batch, each batch in one write, so an interrupted run leaves
 *   complete lines plus at most one partial line; `resume` drops that partial line and skips
 *   as many inputs as there are complete results.
 * - Queries are linked in batches (the dense generators encode each batch at once).
 */
import { createWriteStream, statSync } from 'node:fs';
import { InputError, type InputProblem } from '../core/errors.js';
import { completeLinesOf, readJsonlObjects, readTextEntries } from '../io/jsonl.js';
import { silentProgress, type Progress } from '../core/progress.js';
import type { Linker } from '../pipeline/linker.js';
import type { LinkResult } from '../pipeline/result.js';

export interface LinkFileOptions {
  k: number;
  /** jsonl, or text (one text per line). Default: jsonl for *.jsonl, else text. */
  format?: 'jsonl' | 'text';
  /** JSONL field holding the text. Default "text". */
  field?: string;
  /** Language of every text (a JSONL line's own "lang" field wins). */
  lang?: string;
  /** Keep the results already in `output` and link only the inputs after them. */
  resume?: boolean;
  skipInvalid?: boolean;
  progress?: Progress;
  /** Texts linked per call. Default 256. */
  batchSize?: number;
}

export interface LinkFileResult {
  /** Inputs read (including those skipped on resume). */
  inputs: number;
  /** Results written by this run. */
  written: number;
  /** Results already in the output when resuming. */
  resumed: number;
  problems: InputProblem[];
  seconds: number;
}

/** The JSON line written for one linked text. */
export function linkRecord(r: LinkResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    text: r.input,
    normalized: r.normalized,
    attributes: r.attributes,
    codes: r.codes,
    rules: r.rulesFired,
    candidates: r.candidates,
  };
}

export async function linkFile(linker: Linker, input: string, output: string | undefined, options: LinkFileOptions): Promise<LinkFileResult> {
  const started = performance.now();
  const format = options.format ?? (/\.jsonl$/i.test(input) ? 'jsonl' : 'text');
  const field = format === 'jsonl' ? (options.field ?? 'text') : 'text';
  const progress = options.progress ?? silentProgress;
  const batchSize = options.batchSize ?? 256;
  if (options.resume && !output) throw new InputError([{ file: input, reason: 'invalid-option', message: '--resume needs --output (results already written are read from it)' }]);
  const resumed = options.resume && output ? completeLinesOf(output).split('\n').length - 1 : 0;
  const file = output ? createWriteStream(output, { flags: options.resume ? 'a' : 'w' }) : undefined;
  let writeError: Error | undefined;
  file?.on('error', (err) => (writeError ??= err));
  const out = file ?? process.stdout;
  const total = input === '-' ? 0 : statSync(input).size;
  progress.start('linking', total, 'B');
  const problems: InputProblem[] = [];
  let inputs = 0;
  let written = 0;
  let lastBytes = 0;
  let batch: Array<{ text: string; lang?: string; extra: Record<string, unknown> }> = [];

  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const results = await linker.linkMany(batch, options.k);
    const lines = results.map((r, i) => `${JSON.stringify(linkRecord(r, batch[i]!.extra))}\n`).join('');
    if (!out.write(lines)) await new Promise<void>((resolve) => out.once('drain', resolve));
    if (writeError) throw writeError;
    written += batch.length;
    const seconds = (performance.now() - started) / 1000;
    progress.advance(0, `${Math.round(written / Math.max(seconds, 1e-3))} texts/s`);
    batch = [];
  };

  try {
    const onBytes = (b: number): void => {
      progress.advance(b - lastBytes);
      lastBytes = b;
    };
    const stdin = input === '-' ? process.stdin : undefined;
    const entries = format === 'jsonl' ? readJsonlObjects(input === '-' ? '(stdin)' : input, { onBytes, ...(stdin ? { stream: stdin } : {}) }) : readTextEntries(stdin ?? input, { onBytes });
    for await (const entry of entries) {
      const at = { file: input, line: entry.lineNo };
      if ('reason' in entry) {
        problems.push({ ...at, reason: entry.reason, message: entry.message });
        if (!options.skipInvalid) break;
        continue;
      }
      const v = entry.value;
      if (typeof v[field] !== 'string') {
        problems.push({ ...at, field, reason: 'invalid-field', message: `expected an object with a string field "${field}"` });
        if (!options.skipInvalid) break;
        continue;
      }
      inputs++;
      if (inputs <= resumed) continue;
      const lang = typeof v['lang'] === 'string' ? (v['lang'] as string) : options.lang;
      const extra = format === 'jsonl' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== field)) : {};
      batch.push({ text: v[field] as string, ...(lang ? { lang } : {}), extra });
      if (batch.length >= batchSize) await flush();
    }
    if (problems.length > 0 && !options.skipInvalid) {
      await flush();
      throw new InputError(problems.slice(0, 20), problems.length, 'Fix the input, or skip bad lines with --skip-invalid; --resume continues after the results already written.');
    }
    await flush();
  } finally {
    progress.stop();
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }
  if (writeError) throw writeError;
  return { inputs, written, resumed, problems, seconds: (performance.now() - started) / 1000 };
}
