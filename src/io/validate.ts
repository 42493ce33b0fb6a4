/**
 * Validation helpers shared by every input path: zod issues as located problems, YAML/JSON
 * parsed with line numbers, and the language-code pattern.
 */
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../core/errors.js';

/** A language code such as "en" or "pt-BR". */
export const LANG_RE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/** "synonyms[2]" from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}

/** The reason code and message for the first issue zod found. */
export function describeIssue(error: z.ZodError): { reason: string; field: string; message: string } {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    return { reason: 'unknown-field', field: issue.keys[0] ?? '', message: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  }
  const field = fieldPath(issue.path);
  const isEmpty = issue.code === 'too_small' && issue.origin === 'string';
  const reason = isEmpty ? (field === 'name' ? 'empty-name' : field === 'id' ? 'empty-id' : 'empty-text') : 'invalid-field';
  return { reason, field, message: issue.message };
}

export interface Located {
  file: string;
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** Parses YAML (or JSON, a subset) keeping where each value is, for errors with line numbers. */
export function parseLocated(text: string, file: string, reason = 'malformed-rules'): { value: unknown; at: Located } {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new InputError([{ file, ...(line ? { line } : {}), reason, message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') }]);
  }
  const at: Located = {
    file,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
  return { value: toJS(doc, lines, file, reason), at };
}

/**
 * How many alias expansions a YAML input may make (yaml's own default): more is a "billion
 * laughs" alias bomb, refused before it expands.
 */
export const MAX_ALIAS_COUNT = 100;

/** The document's value; an alias bomb is bad input located at the first alias. */
function toJS(doc: Document, lines: LineCounter, file: string, reason: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let offset: number | undefined;
    visit(doc, (_key, node) => {
      if (isAlias(node) && node.range) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    });
    const line = offset === undefined ? undefined : lines.linePos(offset).line;
    // yaml throws a ReferenceError for an alias bomb and for an alias to no anchor.
    const message = /excessive alias count/i.test(err.message) ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}; an alias bomb?)` : err.message;
    throw new InputError([{ file, ...(line ? { line } : {}), reason, message }]);
  }
}
