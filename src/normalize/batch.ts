/**
 * Batch normalization: one input per line (JSONL with a text field, or plain text), one
 * JSON result per line out. The output file is written to a temporary name and renamed
 * when complete, so a failed run never leaves a half-written file.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { InputError, type InputProblem } from '../errors.js';
import { readLines } from '../io/lines.js';
import { silentProgress, type Progress } from '../progress.js';
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
  const out = tmp ? createWriteStream(tmp) : process.stdout;
  const problems: InputProblem[] = [];
  let lines = 0;
  let written = 0;
  let lastBytes = 0;
  try {
    for await (const r of readLines(input, { onBytes: (b) => (progress.advance(b - lastBytes), (lastBytes = b)) })) {
      const at = { file: input, line: r.lineNo };
      if ('error' in r) {
        problems.push({ ...at, reason: r.error, message: r.message });
        continue;
      }
      if (!r.text.trim()) continue;
      lines++;
      let text = r.text;
      let extra: Record<string, unknown> = {};
      if (jsonl) {
        let value: unknown;
        try {
          value = JSON.parse(r.text);
        } catch (err) {
          problems.push({ ...at, reason: 'malformed-json', message: `not valid JSON: ${(err as Error).message}` });
          continue;
        }
        const v = value as Record<string, unknown> | null;
        if (!v || typeof v !== 'object' || typeof v[field] !== 'string') {
          problems.push({ ...at, field, reason: 'invalid-field', message: `expected an object with a string field "${field}"` });
          continue;
        }
        text = v[field] as string;
        extra = Object.fromEntries(Object.entries(v).filter(([k]) => k !== field));
      }
      const line = `${JSON.stringify(resultRecord(normalize(text, options.pack, { trace: options.explain ?? false }), options.explain ?? false, extra))}\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', resolve));
      written++;
      if (problems.length > 0 && !options.skipInvalid) break;
    }
    if (problems.length > 0 && !options.skipInvalid) throw new InputError(problems.slice(0, 20), problems.length, 'Fix the input, or skip bad lines with --skip-invalid.');
    if (tmp) {
      await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
      await rename(tmp, output!);
    }
  } catch (err) {
    if (tmp) {
      (out as ReturnType<typeof createWriteStream>).destroy();
      await rm(tmp, { force: true });
    }
    throw err;
  } finally {
    progress.stop();
  }
  return { lines, written, problems, seconds: (performance.now() - started) / 1000 };
}
