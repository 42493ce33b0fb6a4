import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The real benchmarks and vocabularies: `$NORMKIT_SHARED_DATA`, else `../shared/data`
 * beside the checkout. Undefined when absent (tests and the demo never need it).
 */
export function sharedDataDir(): string | undefined {
  const dir = process.env['NORMKIT_SHARED_DATA'] ?? join(ROOT, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}
