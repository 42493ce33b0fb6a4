/**
 * `normkit lexicon fetch` against a real HTTP server on loopback: the FreeDict database,
 * a dictd release (.tar.xz, a fixture written for these tests: test/fixtures/README.md),
 * its sha512 checked, unpacked and imported; a second fetch downloads nothing; a wrong
 * checksum and an unreachable server give clear errors, the latter with Debian's package.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { NetworkError, NotFoundError } from '../src/core/errors.js';
import { fetchLexicon, freedictPair } from '../src/lexicon/fetch.js';
import { LexiconStore } from '../src/lexicon/store.js';
import { Translator } from '../src/lexicon/translator.js';
import { VocabStore } from '../src/store/store.js';
import { serve } from './helpers/http.js';
import { tempDir } from './helpers/tmp.js';

const ARCHIVE = readFileSync(join(import.meta.dirname, 'fixtures', 'freedict-deu-eng-0.0.1.dictd.tar.xz'));

function database(base: string, checksum: string): Buffer {
  return Buffer.from(
    JSON.stringify([
      { name: 'deu-eng', headwords: '3', edition: '0.0.1', releases: [{ platform: 'src', URL: `${base}/src.tar.xz`, checksum: 'x', size: '1', version: '0.0.1' }, { platform: 'dictd', URL: `${base}/dictionaries/deu-eng/0.0.1/freedict-deu-eng-0.0.1.dictd.tar.xz`, checksum, size: String(ARCHIVE.length), version: '0.0.1', date: '2026-01-01' }] },
      { name: 'fra-eng', releases: [{ platform: 'src', URL: `${base}/fra.tar.xz` }] },
    ]),
  );
}

function setup(t: TestContext): { dir: string; lexicons: LexiconStore } {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  return { dir, lexicons: new LexiconStore(store) };
}

test('pair names: FreeDict\'s, or ISO 639-1', () => {
  assert.equal(freedictPair('de-en'), 'deu-eng');
  assert.equal(freedictPair('deu-eng'), 'deu-eng');
  assert.throws(() => freedictPair('german'), /not a language pair/);
});

test('lexicon fetch: the database read, the dictd release downloaded, its sha512 checked, unpacked and imported; the second fetch downloads nothing', async (t) => {
  const { dir, lexicons } = setup(t);
  const sha512 = createHash('sha512').update(ARCHIVE).digest('hex');
  const files: Record<string, Buffer> = { '/dictionaries/deu-eng/0.0.1/freedict-deu-eng-0.0.1.dictd.tar.xz': ARCHIVE };
  const srv2 = await serve(t, files);
  files['/freedict-database.json'] = database(srv2.base, sha512);
  const r = await fetchLexicon('de-en', { dataDir: dir, store: lexicons, database: `${srv2.base}/freedict-database.json` });
  assert.equal(r.pair, 'deu-eng');
  assert.equal(r.version, '0.0.1');
  assert.equal(r.downloaded, true);
  assert.ok(existsSync(join(r.directory, 'freedict-deu-eng.index')));
  assert.deepEqual(r.lexicons.map((l) => [l.name, l.from, l.to, l.licence]), [['freedict-deu-eng', 'de', 'en', 'GPL-3.0']]);
  const translator = Translator.fromPairs(lexicons.pairsFor('de', 'en'), { from: 'de', to: 'en' });
  assert.equal(translator.translate('Kranführer').text, 'crane driver');
  const again = await fetchLexicon('deu-eng', { dataDir: dir, store: lexicons, database: `${srv2.base}/freedict-database.json` });
  assert.equal(again.downloaded, false);
  assert.equal(srv2.requests.filter((q) => q.path.endsWith('.tar.xz')).length, 1, 'the archive was downloaded once');
  await assert.rejects(fetchLexicon('fra-eng', { dataDir: dir, store: lexicons, database: `${srv2.base}/freedict-database.json` }), (e: unknown) => e instanceof NotFoundError && /no dictd release/.test((e as Error).message));
  await assert.rejects(fetchLexicon('ita-eng', { dataDir: dir, store: lexicons, database: `${srv2.base}/freedict-database.json` }), (e: unknown) => e instanceof NotFoundError && /no dictionary "ita-eng"/.test((e as Error).message));
});

test('lexicon fetch: a wrong checksum deletes the download and changes nothing', async (t) => {
  const { dir, lexicons } = setup(t);
  const files: Record<string, Buffer> = { '/dictionaries/deu-eng/0.0.1/freedict-deu-eng-0.0.1.dictd.tar.xz': ARCHIVE };
  const srv = await serve(t, files);
  files['/db.json'] = database(srv.base, `sha512:${'0'.repeat(128)}`);
  await assert.rejects(fetchLexicon('deu-eng', { dataDir: dir, store: lexicons, database: `${srv.base}/db.json` }), /checksum mismatch .*expected sha512 0{128}/);
  assert.equal(lexicons.list().length, 0);
});

test('lexicon fetch offline: the error says how to install Debian\'s package instead', async (t) => {
  const { dir, lexicons } = setup(t);
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  await assert.rejects(fetchLexicon('de-en', { dataDir: dir, store: lexicons, database: `http://127.0.0.1:${closedPort}/freedict-database.json` }), (e: unknown) => {
    assert.ok(e instanceof NetworkError);
    assert.match(e.message, /cannot reach the server/);
    assert.match(e.message, /sudo apt-get install dict-freedict-deu-eng\n {2}normkit lexicon import \/usr\/share\/dictd --from de --to en/);
    return true;
  });
});
