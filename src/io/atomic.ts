/**
 * Atomic file writes: the bytes go to a temporary file beside the target, which is then
 * renamed over it. A reader sees the old file or the new one, never a part of either; a
 * write that fails (or a process killed mid-write) leaves the old file as it was, and a
 * failed write removes its temporary file. The temporary files of a killed process are
 * removed by the next build (removeStaleTemporaries).
 */
import { accessSync, constants, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ioErrorOf } from '../core/errors.js';

/**
 * The temporary path a write of `file` uses (same directory, so the rename is atomic): named
 * by thread and process, since the pool's worker threads share the pid and may write the
 * same file at once.
 */
export function temporaryPath(file: string): string {
  return `${file}.${threadId}.${process.pid}.tmp`;
}

/** Writes `data` to `file` atomically (its directory must exist). */
export function writeAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  writeAtomicWith(file, (tmp) => writeFileSync(tmp, data));
}

/**
 * Atomically replaces `file` with what `write` writes to the temporary path it is given (for
 * writers that take a path). A full disk, a read-only or forbidden folder is an IoError naming `file`.
 */
export function writeAtomicWith(file: string, write: (tmp: string) => void): void {
  const tmp = temporaryPath(file);
  try {
    write(tmp);
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // A temporary file that could not be made cannot be removed either (a path through a file).
    }
    throw ioErrorOf(err, file) ?? err;
  }
}

/**
 * True when `path` can be written: an existing file or folder that this process may write,
 * or a missing one whose nearest existing folder it may write (false on a read-only mount,
 * or under a file).
 */
export function isWritable(path: string): boolean {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (p !== path && !statSync(p).isDirectory()) return false;
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A temporary file of writeAtomic (`<file>.<thread>.<pid>.tmp`) or folder of a model export (`<dir>.tmp-<pid>`): its pid. */
const TEMPORARY_RE = /\.(\d+)\.tmp$|\.tmp-(\d+)$/;

/** Whether a file or folder name is a temporary of writeAtomic or of a model export. */
export function isTemporary(name: string): boolean {
  return TEMPORARY_RE.test(name);
}

/** True when a process with this id runs (on this machine). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files and folders that killed processes left in `dir` and its
 * subfolders (down to `depth` levels): those whose pid no longer runs. Returns their paths.
 * Nothing happens when `dir` is missing or read-only.
 */
export function removeStaleTemporaries(dir: string, depth = 2): string[] {
  if (!existsSync(dir) || !isWritable(dir)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const m = TEMPORARY_RE.exec(entry.name);
    if (m) {
      if (!alive(Number(m[1] ?? m[2]))) {
        rmSync(path, { recursive: true, force: true });
        removed.push(path);
      }
    } else if (entry.isDirectory() && depth > 1) {
      removed.push(...removeStaleTemporaries(path, depth - 1));
    }
  }
  return removed;
}
