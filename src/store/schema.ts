/**
 * The store's SQL schema. `SCHEMA_VERSION` is kept in `PRAGMA user_version`;
 * each entry of MIGRATIONS upgrades the database by one version.
 */
export const MIGRATIONS: readonly string[] = [
  // v1
  `
  CREATE TABLE vocabularies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    version     TEXT,
    format      TEXT NOT NULL,
    source      TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    report      TEXT NOT NULL
  );
  CREATE TABLE concepts (
    id          INTEGER PRIMARY KEY,
    vocab       INTEGER NOT NULL REFERENCES vocabularies(id) ON DELETE CASCADE,
    cid         TEXT NOT NULL,
    name        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    description TEXT,
    obsolete    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (vocab, cid)
  );
  CREATE TABLE terms (
    id      INTEGER PRIMARY KEY,
    vocab   INTEGER NOT NULL,
    concept INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    text    TEXT NOT NULL,
    norm    TEXT NOT NULL,
    lang    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('preferred', 'alt', 'hidden', 'code')),
    scope   TEXT CHECK (scope IS NULL OR scope IN ('exact', 'related', 'broad', 'narrow')),
    origin  TEXT
  );
  CREATE INDEX terms_by_concept ON terms (concept);
  CREATE INDEX terms_by_norm ON terms (vocab, norm);
  CREATE TABLE edges (
    child  INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    parent INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    PRIMARY KEY (child, parent)
  ) WITHOUT ROWID;
  CREATE INDEX edges_by_parent ON edges (parent, child);
  CREATE TABLE concept_types (
    concept INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    type    TEXT NOT NULL,
    PRIMARY KEY (concept, type)
  ) WITHOUT ROWID;
  CREATE INDEX concept_types_by_type ON concept_types (type, concept);
  CREATE TABLE xrefs (
    concept INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    target  TEXT NOT NULL,
    PRIMARY KEY (concept, target)
  ) WITHOUT ROWID;
  CREATE INDEX xrefs_by_target ON xrefs (target);
  `,
  // v2: vectors by (encoder fingerprint, sha256 of role and text), so re-indexing
  // never re-encodes a text an encoder has already seen.
  `
  CREATE TABLE embeddings (
    encoder   TEXT NOT NULL,
    text_hash BLOB NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (encoder, text_hash)
  ) WITHOUT ROWID;
  `,
  // v3: vector indexes over a vocabulary's terms, one per encoder. The row is the commit
  // point of a build: it names the index file and holds its header; labels map the
  // index's labels to term ids.
  `
  CREATE TABLE vector_indexes (
    id      INTEGER PRIMARY KEY,
    vocab   INTEGER NOT NULL REFERENCES vocabularies(id) ON DELETE CASCADE,
    encoder TEXT NOT NULL,
    file    TEXT NOT NULL,
    header  TEXT NOT NULL,
    UNIQUE (vocab, encoder)
  );
  CREATE TABLE vector_labels (
    idx   INTEGER NOT NULL REFERENCES vector_indexes(id) ON DELETE CASCADE,
    label INTEGER NOT NULL,
    term  INTEGER NOT NULL,
    PRIMARY KEY (idx, label)
  ) WITHOUT ROWID;
  `,
  // v4: what the HTTP service keeps (normkit serve): API keys (sha256 of the key, never the
  // key), and the custom synonyms and rules added through the admin API, by vocabulary
  // name so that they survive a re-import (synonyms of concepts that no longer exist are
  // skipped when the index is built). VocabStore never reads them: ServerState
  // (src/server/state.ts) does. The tables are created here all the same, because this
  // list is the file's history: every normkit that knows user_version 4 expects them, and
  // read-only replicas, which cannot create tables, find them in every store at v4.
  `
  CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       BLOB NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'admin')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE TABLE custom_terms (
    id         INTEGER PRIMARY KEY,
    vocab_name TEXT NOT NULL,
    cid        TEXT NOT NULL,
    text       TEXT NOT NULL,
    lang       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (vocab_name, cid, text, lang)
  );
  CREATE TABLE custom_rules (
    vocab_name TEXT PRIMARY KEY,
    pack       TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // v5: bilingual lexicons (normkit lexicon import; src/lexicon/store.ts reads and writes
  // them). One row per translation pair: a source-language headword and a target-language
  // translation (each with its match key, foldText), and the sense's rank (1 = first sense).
  `
  CREATE TABLE lexicons (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    from_lang   TEXT NOT NULL,
    to_lang     TEXT NOT NULL,
    format      TEXT NOT NULL,
    source      TEXT NOT NULL,
    description TEXT NOT NULL,
    licence     TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    entries     INTEGER NOT NULL
  );
  CREATE TABLE lexicon_entries (
    lexicon INTEGER NOT NULL REFERENCES lexicons(id) ON DELETE CASCADE,
    source  TEXT NOT NULL,
    norm    TEXT NOT NULL,
    target  TEXT NOT NULL,
    target_norm TEXT NOT NULL,
    rank    INTEGER NOT NULL
  );
  CREATE INDEX lexicon_entries_by_lexicon ON lexicon_entries (lexicon);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
