/**
 * API keys: "nk_" and 32 random bytes (base64url). The server state keeps only their sha256 (a key
 * has 256 bits of entropy, so a plain hash cannot be brute-forced), a name, a scope and the
 * first characters, to recognise a key in lists.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyInfo, ApiKeyScope, ServerState } from './state.js';

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Creates a key: the key itself is returned once, never stored. */
export function createApiKey(state: ServerState, name: string, scope: ApiKeyScope): { key: string; info: ApiKeyInfo } {
  const key = `nk_${randomBytes(32).toString('base64url')}`;
  return { key, info: state.addApiKey(name, hashApiKey(key), key.slice(0, 10), scope) };
}

/** The live key a request presents (Authorization: Bearer …, or X-API-Key), if any. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const x = headers['x-api-key'];
  return typeof x === 'string' && x ? x.trim() : undefined;
}
