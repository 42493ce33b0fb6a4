/**
 * Atomic file writes: the bytes go to a temporary file beside the target, which is then
 * renamed over it. A reader sees the old file or the new one, never a part of either; a
 * write that fails (or a process killed mid-write) leaves the old file as it was, and a
 * failed write removes its temporary file.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** The temporary path a write of `file` uses (same directory, so the rename is atomic). */
export function temporaryPath(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

/** Writes `data` to `file` atomically (its directory must exist). */
export function writeAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  writeAtomicWith(file, (tmp) => writeFileSync(tmp, data));
}

/** Atomically replaces `file` with what `write` writes to the temporary path it is given (for writers that take a path). */
export function writeAtomicWith(file: string, write: (tmp: string) => void): void {
  const tmp = temporaryPath(file);
  try {
    write(tmp);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
