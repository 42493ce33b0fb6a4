/**
 * The HTTP service's state (API keys, custom synonyms and rules) in the store's file: a
 * store written before ServerState existed keeps its keys, synonyms and rules; an older
 * store is upgraded with the tables; a read-only store (a replica's) reads them, and sees
 * a revocation the writer commits at once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hashApiKey } from '../src/server/api-keys.js';
import { ServerState } from '../src/server/state.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/schema.js';
import { VocabStore } from '../src/store/store.js';

describe('ServerState', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'normkit-state-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the keys, synonyms and rules of a store written by an earlier normkit (the same rows, user_version 4)', () => {
    const file = join(dir, 'old.db');
    // What the earlier VocabStore wrote, by its own statements.
    const db = new Database(file);
    db.exec(MIGRATIONS.slice(0, 4).join('\n'));
    db.pragma('user_version = 4');
    db.prepare(`INSERT INTO api_keys (name, hash, prefix, scope, created_at) VALUES (?, ?, ?, ?, ?)`).run('ops', hashApiKey('nk_old'), 'nk_old', 'admin', '2024-01-01T00:00:00.000Z');
    db.prepare(`INSERT INTO custom_terms (vocab_name, cid, text, lang, created_at) VALUES (?, ?, ?, ?, ?)`).run('jobs', 'c1', 'code monkey', 'en', '2024-01-01T00:00:00.000Z');
    db.prepare(`INSERT INTO custom_rules (vocab_name, pack, updated_at) VALUES (?, ?, ?)`).run('jobs', 'extends: jobs\n', '2024-01-01T00:00:00.000Z');
    db.close();

    for (const readonly of [false, true]) {
      const store = VocabStore.open(file, { readonly });
      try {
        const state = new ServerState(store);
        assert.deepEqual(state.apiKeyByHash(hashApiKey('nk_old')), { id: 1, name: 'ops', prefix: 'nk_old', scope: 'admin', createdAt: '2024-01-01T00:00:00.000Z', revokedAt: null });
        assert.equal(state.listApiKeys().length, 1);
        assert.deepEqual(state.customTerms('jobs'), [{ conceptId: 'c1', text: 'code monkey', lang: 'en' }]);
        assert.equal(state.customRules('jobs'), 'extends: jobs\n');
        assert.equal(state.customRules('other'), undefined);
      } finally {
        store.close();
      }
    }
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    check.close();
  });

  it('a store from before the HTTP service (v3) gets the tables when opened for writing', () => {
    const file = join(dir, 'v3.db');
    const db = new Database(file);
    db.exec(MIGRATIONS.slice(0, 3).join('\n'));
    db.pragma('user_version = 3');
    db.close();
    const store = VocabStore.open(file);
    try {
      const state = new ServerState(store);
      assert.deepEqual(state.listApiKeys(), []);
      assert.equal(state.addCustomTerms('jobs', [{ conceptId: 'c1', text: 'x', lang: 'en' }, { conceptId: 'c1', text: 'x', lang: 'en' }]), 1);
      state.setCustomRules('jobs', 'a: 1');
      state.setCustomRules('jobs', 'a: 2');
      assert.equal(state.customRules('jobs'), 'a: 2');
      state.setCustomRules('jobs', null);
      assert.equal(state.customRules('jobs'), undefined);
    } finally {
      store.close();
    }
  });

  it('a read-only store sees what the writer commits at once (a revoked key is refused at the next lookup)', () => {
    const file = join(dir, 'shared.db');
    const writer = VocabStore.open(file);
    const replica = VocabStore.open(file, { readonly: true });
    try {
      const w = new ServerState(writer);
      const r = new ServerState(replica);
      const info = w.addApiKey('app', hashApiKey('nk_app'), 'nk_app', 'read');
      assert.equal(r.apiKeyByHash(hashApiKey('nk_app'))?.id, info.id);
      assert.equal(w.revokeApiKey('app'), 1);
      assert.equal(w.revokeApiKey('app'), 0);
      assert.equal(r.apiKeyByHash(hashApiKey('nk_app')), undefined);
      assert.notEqual(r.listApiKeys()[0]?.revokedAt, null);
      // A replica cannot write.
      assert.throws(() => r.addApiKey('x', hashApiKey('nk_x'), 'nk_x', 'read'), /readonly/i);
    } finally {
      replica.close();
      writer.close();
    }
  });
});
