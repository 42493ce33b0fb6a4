/**
 * Errors that normkit raises on purpose. Each carries an exit code for the CLI
 * and, for bad input, the place that was wrong (file, line, field).
 */

/** Exit codes of the `normkit` CLI (documented in the README). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  badInput: 3,
  notFound: 4,
  network: 5,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class NormkitError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.internal) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Where in an input something was wrong. `line` is 1-based. */
export interface InputLocation {
  file: string;
  line?: number;
  field?: string;
}

export function formatLocation(where: InputLocation): string {
  let s = where.file;
  if (where.line !== undefined) s += `:${where.line}`;
  if (where.field !== undefined) s += ` (field "${where.field}")`;
  return s;
}

/** One problem found in an input file. */
export interface InputProblem extends InputLocation {
  /** Stable machine-readable reason, e.g. `malformed-json`, `duplicate-id`. */
  reason: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  return `${formatLocation(p)}: ${p.message}`;
}

/** Bad input: one or more problems, each with its location. */
export class InputError extends NormkitError {
  readonly problems: InputProblem[];
  /** Total number of problems found (may exceed `problems.length` when the list was cut). */
  readonly total: number;
  constructor(problems: InputProblem[], total = problems.length, hint?: string) {
    const shown = problems.map((p) => `  ${formatProblem(p)}`).join('\n');
    const more = total > problems.length ? `\n  … and ${total - problems.length} more` : '';
    const head =
      problems.length === 1 && total === 1
        ? formatProblem(problems[0]!)
        : `${total} problems in input:\n${shown}${more}`;
    super(hint ? `${head}\n${hint}` : head, ExitCode.badInput);
    this.problems = problems;
    this.total = total;
  }
}

export class NotFoundError extends NormkitError {
  constructor(message: string) {
    super(message, ExitCode.notFound);
  }
}

export class UsageError extends NormkitError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

export class NetworkError extends NormkitError {
  constructor(message: string) {
    super(message, ExitCode.network);
  }
}
