/**
 * Batch normalization: one input per line (JSONL with a text field, or plain text), one
 * JSON result per line out. The output file is written to a temporary name and renamed
 * when complete, so a failed run never leaves a half-written file.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { InputError, type InputProblem } from '../core/errors.js';
import { readJsonlObjects, readTextEntries } from '../io/jsonl.js';
import { silentProgress, type Progress } from '../core/progress.js';
import { normalize, rulesFired, type NormalizeResult } from './engine.js';
import type { CompiledPack } from './pack.js';

export interface BatchOptions {
  pack: CompiledPack | undefined;
  /** JSONL field holding the text; plain-text input when the file does not end in .jsonl. Default "text". */
  field?: string;
  explain?: boolean;
  progress?: Progress;
  skipInvalid?: boolean;
}

export interface BatchResult {
  lines: number;
  written: number;
  problems: InputProblem[];
  seconds: number;
}

/** The JSON line written for one input. */
export function resultRecord(r: NormalizeResult, explain: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    text: r.original,
    normalized: r.text,
    key: r.key,
    attributes: r.attributes,
    codes: r.codes,
    rules: rulesFired(r),
    ...(explain ? { trace: r.trace } : {}),
  };
}

export async function normalizeFile(input: string, output: string | undefined, options: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  const jsonl = /\.jsonl$/i.test(input);
  const field = options.field ?? 'text';
  const progress = options.progress ?? silentProgress;
  progress.start('normalizing', (await stat(input)).size, 'B');
  const tmp = output ? `${output}.${process.pid}.tmp` : undefined;
  const file = tmp ? createWriteStream(tmp) : undefined;
  // Write errors surface when the file is closed; a destroyed stream's late errors are moot.
  let writeError: Error | undefined;
  file?.on('error', (err) => (writeError ??= err));
  const out = file ?? process.stdout;
  const problems: InputProblem[] = [];
  let lines = 0;
  let written = 0;
  let lastBytes = 0;
  try {
    const onBytes = (b: number): void => {
      progress.advance(b - lastBytes);
      lastBytes = b;
    };
    const source = jsonl ? readJsonlObjects(input, { onBytes }) : readTextEntries(input, { onBytes });
    for await (const entry of source) {
      const at = { file: input, line: entry.lineNo };
      lines++;
      if ('reason' in entry) {
        problems.push({ ...at, reason: entry.reason, message: entry.message });
        if (!options.skipInvalid) break;
        continue;
      }
      let text: string;
      let extra: Record<string, unknown> = {};
      if (jsonl) {
        const v = entry.value;
        if (typeof v[field] !== 'string') {
          problems.push({ ...at, field, reason: 'invalid-field', message: `expected an object with a string field "${field}"` });
          if (!options.skipInvalid) break;
          continue;
        }
        text = v[field] as string;
        extra = Object.fromEntries(Object.entries(v).filter(([k]) => k !== field));
      } else text = entry.value['text'] as string;
      const line = `${JSON.stringify(resultRecord(normalize(text, options.pack, { trace: options.explain ?? false }), options.explain ?? false, extra))}\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', resolve));
      written++;
    }
    if (problems.length > 0 && !options.skipInvalid) throw new InputError(problems.slice(0, 20), problems.length, 'Fix the input, or skip bad lines with --skip-invalid.');
    if (file && tmp) {
      await new Promise<void>((resolve) => file.end(() => resolve()));
      if (writeError) throw writeError;
      await rename(tmp, output!);
    }
  } catch (err) {
    if (file && tmp) {
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()).destroy());
      await rm(tmp, { force: true });
    }
    throw err;
  } finally {
    progress.stop();
  }
  return { lines, written, problems, seconds: (performance.now() - started) / 1000 };
}
