/**
 * Reading an input file whole, with the located error every reader gives when the file
 * cannot be read ("<file>: cannot read <what>: <why>", reason `unreadable`).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** The bytes of `file`; `what` names it in the error ("pipeline", "dictionary index"). */
export function readInput(file: string, what = 'file'): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputError([{ file, reason: 'unreadable', message: `cannot read ${what}: ${err instanceof Error ? err.message : String(err)}` }]);
  }
}

/** The text of `file` (UTF-8). */
export function readInputText(file: string, what = 'file'): string {
  return readInput(file, what).toString('utf8');
}
