/**
 * Query JSONL, the input of evaluation: one query per line,
 *   {"qid": "q1", "text": "heart attack", "gold": ["I21.9"], "lang": "en", "context": "…"}
 * `gold` lists every correct concept id (any of them counts as a hit).
 */
import { z } from 'zod';
import { InputError, type InputProblem } from '../core/errors.js';
import { readJsonlObjects } from './jsonl.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { describeIssue, LANG_RE } from './validate.js';

export const querySchema = z.strictObject({
  qid: z.union([z.string().trim().min(1, 'must not be empty'), z.number().int()]).transform(String),
  text: z.string().trim().min(1, 'must not be empty'),
  gold: z.array(z.string().trim().min(1, 'must not be empty')),
  lang: z.string().regex(LANG_RE, 'must be a language code such as "en"').optional(),
  context: z.string().optional(),
});

export type Query = z.infer<typeof querySchema>;

export interface ReadQueriesOptions {
  skipInvalid?: boolean;
  maxLineBytes?: number;
}

/** Reads and validates a query file; every problem names the file, line and field. */
export async function readQueries(file: string, options: ReadQueriesOptions = {}): Promise<{ queries: Query[]; problems: InputProblem[] }> {
  const queries: Query[] = [];
  const problems: InputProblem[] = [];
  const seen = new Map<string, number>();
  for await (const line of readJsonlObjects(file, { maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES })) {
    const at = { file, line: line.lineNo };
    if ('reason' in line) {
      problems.push({ ...at, reason: line.reason, message: line.message });
      continue;
    }
    const value = line.value;
    const parsed = querySchema.safeParse(value);
    if (!parsed.success) {
      const { reason, field, message } = describeIssue(parsed.error);
      problems.push({ ...at, field, reason, message });
      continue;
    }
    const first = seen.get(parsed.data.qid);
    if (first !== undefined) {
      problems.push({ ...at, field: 'qid', reason: 'duplicate-id', message: `duplicate qid "${parsed.data.qid}" (first at line ${first})` });
      continue;
    }
    seen.set(parsed.data.qid, line.lineNo);
    queries.push(parsed.data);
  }
  if (problems.length > 0 && !options.skipInvalid) throw new InputError(problems.slice(0, 20), problems.length, 'Fix the query file, or skip bad lines with --skip-invalid.');
  return { queries, problems };
}
