/**
 * ServerState: what the HTTP service (normkit serve) keeps beside the vocabularies: API
 * keys (their sha256, never the key), and the custom synonyms and rule packs added through
 * the admin API, by vocabulary name so that they survive a re-import.
 *
 * It lives in the store's SQLite file, on the store's own connection: one file to back up
 * or share with read-only replicas, and what a writer commits (a revoked key) is what the
 * next request reads. Its tables (api_keys, custom_terms, custom_rules) come from the
 * store's migration v4 (src/store/schema.ts). A migration is history: every normkit that
 * knows user_version 4 expects them there, and a read-only replica, which cannot create
 * tables, finds them in any store at version 4 or later. What reads and writes them, and
 * their types, are here and nowhere else.
 */
import type Database from 'better-sqlite3';
import type { VocabStore } from '../store/store.js';

export type ApiKeyScope = 'read' | 'admin';

export interface ApiKeyInfo {
  id: number;
  name: string;
  /** The key's first characters, to recognise it in lists. */
  prefix: string;
  scope: ApiKeyScope;
  createdAt: string;
  revokedAt: string | null;
}

/** A custom synonym of a concept, as the admin API adds it and the linker indexes it. */
export interface CustomTerm {
  conceptId: string;
  text: string;
  lang: string;
}

interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  created_at: string;
  revoked_at: string | null;
}

function apiKeyInfo(r: ApiKeyRow): ApiKeyInfo {
  return { id: r.id, name: r.name, prefix: r.prefix, scope: r.scope, createdAt: r.created_at, revokedAt: r.revoked_at };
}

function prepare(db: Database.Database) {
  return {
    insertApiKey: db.prepare<[string, Buffer, string, ApiKeyScope, string]>(`INSERT INTO api_keys (name, hash, prefix, scope, created_at) VALUES (?, ?, ?, ?, ?)`),
    apiKeyByHash: db.prepare<[Buffer], ApiKeyRow>(`SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL`),
    listApiKeys: db.prepare<[], ApiKeyRow>(`SELECT * FROM api_keys ORDER BY id`),
    revokeApiKey: db.prepare<[string, string, string]>(`UPDATE api_keys SET revoked_at = ? WHERE revoked_at IS NULL AND (CAST(id AS TEXT) = ? OR name = ?)`),
    insertCustomTerm: db.prepare<[string, string, string, string, string]>(`INSERT OR IGNORE INTO custom_terms (vocab_name, cid, text, lang, created_at) VALUES (?, ?, ?, ?, ?)`),
    customTerms: db.prepare<[string], CustomTerm>(`SELECT cid AS conceptId, text, lang FROM custom_terms WHERE vocab_name = ? ORDER BY id`),
    upsertCustomRules: db.prepare<[string, string, string]>(`INSERT INTO custom_rules (vocab_name, pack, updated_at) VALUES (?, ?, ?) ON CONFLICT (vocab_name) DO UPDATE SET pack = excluded.pack, updated_at = excluded.updated_at`),
    deleteCustomRules: db.prepare<[string]>(`DELETE FROM custom_rules WHERE vocab_name = ?`),
    customRules: db.prepare<[string], { pack: string }>(`SELECT pack FROM custom_rules WHERE vocab_name = ?`),
  };
}

export class ServerState {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<typeof prepare>;

  /** The service's state in `store`'s file; it lives as long as the store is open. */
  constructor(store: VocabStore) {
    this.db = store.database;
    this.stmts = prepare(this.db);
  }

  /** Stores an API key's sha256 (the key itself is never stored) under a name and scope. */
  addApiKey(name: string, hash: Buffer, prefix: string, scope: ApiKeyScope): ApiKeyInfo {
    const createdAt = new Date().toISOString();
    const r = this.stmts.insertApiKey.run(name, hash, prefix, scope, createdAt);
    return { id: Number(r.lastInsertRowid), name, prefix, scope, createdAt, revokedAt: null };
  }

  /** The live (not revoked) key with this hash. Read at each request, so a revocation counts at once. */
  apiKeyByHash(hash: Buffer): ApiKeyInfo | undefined {
    const r = this.stmts.apiKeyByHash.get(hash);
    return r ? apiKeyInfo(r) : undefined;
  }

  listApiKeys(): ApiKeyInfo[] {
    return this.stmts.listApiKeys.all().map(apiKeyInfo);
  }

  /** Revokes a key by id or name; the number of keys revoked. */
  revokeApiKey(idOrName: string): number {
    const now = new Date().toISOString();
    return this.stmts.revokeApiKey.run(now, idOrName, idOrName).changes;
  }

  /** Adds custom synonyms to a vocabulary (duplicates are ignored); how many were new. */
  addCustomTerms(vocabulary: string, terms: readonly CustomTerm[]): number {
    const now = new Date().toISOString();
    let added = 0;
    this.db.transaction(() => {
      for (const t of terms) added += this.stmts.insertCustomTerm.run(vocabulary, t.conceptId, t.text, t.lang, now).changes;
    })();
    return added;
  }

  customTerms(vocabulary: string): CustomTerm[] {
    return this.stmts.customTerms.all(vocabulary);
  }

  /** Sets (or, with null, removes) a vocabulary's custom rule pack (YAML or JSON text). */
  setCustomRules(vocabulary: string, pack: string | null): void {
    if (pack === null) this.stmts.deleteCustomRules.run(vocabulary);
    else this.stmts.upsertCustomRules.run(vocabulary, pack, new Date().toISOString());
  }

  customRules(vocabulary: string): string | undefined {
    return this.stmts.customRules.get(vocabulary)?.pack;
  }
}
