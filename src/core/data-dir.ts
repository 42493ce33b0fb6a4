import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where normkit keeps its state: the SQLite store, downloads and (later) indexes and models.
 * Precedence: an explicit path (`--data-dir`), then `$NORMKIT_HOME`, then `~/.normkit`.
 */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env['NORMKIT_HOME'];
  if (env) return resolve(env);
  return join(homedir(), '.normkit');
}

/** The store's database file inside a data dir. */
export function storePath(dataDir: string): string {
  return join(dataDir, 'normkit.db');
}

/** Where `vocab fetch` keeps downloaded release files. */
export function downloadsDir(dataDir: string): string {
  return join(dataDir, 'downloads');
}
