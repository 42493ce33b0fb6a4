/**
 * Confining paths a client names (an admin import's file, a rule pack's `extends`) to the
 * folders a server allows. Symbolic links are followed, so a link inside a root that points
 * outside it does not pass.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** `path` with its symbolic links resolved; for a path that does not exist, its nearest existing folder's. */
function realish(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : resolve(realish(parent), relative(parent, abs));
  }
}

/** Whether `path` is one of `roots` or lies under one. */
export function insideRoots(path: string, roots: readonly string[]): boolean {
  const real = realish(path);
  return roots.some((root) => {
    const rel = relative(realish(root), real);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
}
