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
  io: 6,
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

/**
 * The machine refused a read or write: a full disk, a read-only or forbidden path, a path
 * through a file. Not normkit's bug and not the input's fault; the message names the path.
 */
export class IoError extends NormkitError {
  constructor(
    message: string,
    readonly path?: string,
    readonly code?: string,
  ) {
    super(message, ExitCode.io);
  }
}

/** What each errno code that IoError covers means, in words. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'name too long',
};

/** SQLite's result codes that IoError covers (the store's file or its folder), in words. */
const SQLITE_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/^SQLITE_FULL$/, 'database or disk is full'],
  [/^SQLITE_READONLY/, 'the store is read-only'],
  [/^SQLITE_CANTOPEN/, 'unable to open the database file'],
  [/^SQLITE_PERM$/, 'permission denied'],
  [/^SQLITE_IOERR/, 'disk input/output error'],
];

/** What a system call did, for the message: "cannot <verb> <path>". */
const SYSCALL_VERB: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rename: 'rename',
  unlink: 'remove',
  rm: 'remove',
  rmdir: 'remove the folder',
  scandir: 'list the folder',
  copyfile: 'copy',
  access: 'access',
  stat: 'read',
  fsync: 'write',
  close: 'write',
};

/**
 * `err` as an IoError when it is a system or SQLite error of that kind (ENOSPC, EACCES,
 * EROFS, SQLITE_FULL…), naming its path, or `path` when the error names none (a write to
 * an open file descriptor, SQLite); undefined for any other error.
 */
export function ioErrorOf(err: unknown, path?: string): IoError | undefined {
  if (err instanceof IoError) return err;
  if (typeof err !== 'object' || err === null || !('code' in err) || typeof err.code !== 'string') return undefined;
  const code = err.code;
  const errno = ERRNO_TEXT[code];
  const sqlite = errno === undefined ? SQLITE_TEXT.find(([re]) => re.test(code))?.[1] : undefined;
  const text = errno ?? sqlite;
  if (text === undefined) return undefined;
  const own = 'path' in err && typeof err.path === 'string' ? err.path : undefined;
  const target = own ?? path;
  const syscall = 'syscall' in err && typeof err.syscall === 'string' ? err.syscall : undefined;
  const dest = 'dest' in err && typeof err.dest === 'string' ? ` to ${err.dest}` : '';
  const verb = syscall === undefined ? (sqlite !== undefined ? 'use the store' : 'write') : (SYSCALL_VERB[syscall] ?? syscall);
  const where = target === undefined ? '' : ` ${target}${dest}`;
  return new IoError(`cannot ${verb}${where}: ${text} (${code})`, target, code);
}
