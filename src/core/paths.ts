import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root directory, whether running from source (tsx) or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data', 'demo'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the normkit package root (data/demo is missing)');
    dir = up;
  }
}

/** The built-in demo vocabularies shipped in data/demo. */
export function demoDataDir(): string {
  return join(packageRoot(), 'data', 'demo');
}
