/** Human-readable renderings of `normkit apikey …`. */
import type { ApiKeyInfo } from '../../server/state.js';
import { renderTable } from './table.js';

/** A new key: printed once, with a reminder that it cannot be shown again. */
export function renderApiKeyCreated(key: string, info: ApiKeyInfo): string {
  return `${key}\n(${info.scope} key "${info.name}", id ${info.id}: store it now, it is not shown again)`;
}

export function renderApiKeys(keys: ApiKeyInfo[]): string {
  if (keys.length === 0) return 'no API keys (normkit apikey create --name NAME)';
  return renderTable(['id', 'name', 'prefix', 'scope', 'created', 'revoked'], keys.map((k) => [String(k.id), k.name, `${k.prefix}…`, k.scope, k.createdAt, k.revokedAt ?? '']));
}
