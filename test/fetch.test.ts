import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { zipSync } from 'fflate';
import { NetworkError, NotFoundError, UsageError } from '../src/core/errors.js';
import { VocabStore } from '../src/store/store.js';
import { fetchVocabulary } from '../src/vocab/fetch.js';
import { runCli } from './helpers/cli.js';
import { writeOnet } from './helpers/fixtures.js';
import { serve } from './helpers/http.js';
import { tempDir } from './helpers/tmp.js';

const sha = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

const VOCAB = Buffer.from(
  Array.from({ length: 400 }, (_, i) => JSON.stringify({ id: `c${i}`, name: `concept number ${i}`, synonyms: [`synonym ${i}`] })).join('\n') + '\n',
);

function manifest(dir: string, entries: Record<string, unknown>): string {
  const file = join(dir, 'manifest.json');
  writeFileSync(file, JSON.stringify({ vocabularies: entries }));
  return file;
}

function entry(files: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Tiny', version: '1.0', format: 'jsonl', licence: 'test', homepage: 'https://example.org/', files, ...extra };
}

function setup(t: TestContext): { dir: string; store: VocabStore } {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  return { dir, store };
}

test('fetch downloads, verifies the checksum, imports, and does not download twice', async (t) => {
  const { dir, store } = setup(t);
  const srv = await serve(t, { '/tiny.jsonl': VOCAB });
  const m = manifest(dir, { tiny: entry([{ url: `${srv.base}/tiny.jsonl`, sha256: sha(VOCAB) }]) });
  const r = await fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m });
  assert.equal(r.files[0]!.downloaded, true);
  assert.equal(r.files[0]!.verified, true);
  assert.equal(r.import?.concepts, 400);
  assert.equal(store.vocabulary('tiny').version, '1.0');
  assert.deepEqual(readFileSync(join(dir, 'downloads', 'tiny', '1.0', 'tiny.jsonl')), VOCAB);

  const again = await fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m, importAfter: false });
  assert.equal(again.files[0]!.downloaded, false);
  assert.equal(srv.requests.length, 1, 'the verified copy was reused');
});

test('an interrupted download resumes with a Range request', async (t) => {
  const { dir, store } = setup(t);
  const srv = await serve(t, { '/tiny.jsonl': VOCAB });
  srv.cutOnce.set('/tiny.jsonl', 5000);
  const m = manifest(dir, { tiny: entry([{ url: `${srv.base}/tiny.jsonl`, sha256: sha(VOCAB) }]) });
  await assert.rejects(fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m }), (err: Error) => {
    assert.ok(err instanceof NetworkError, String(err));
    assert.match(err.message, /partial download is kept in .*tiny\.jsonl\.part; run the command again to resume/);
    return true;
  });
  assert.equal(readFileSync(join(dir, 'downloads', 'tiny', '1.0', 'tiny.jsonl.part')).length, 5000);
  assert.equal(store.hasVocabulary('tiny'), false);

  const r = await fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m });
  assert.equal(r.files[0]!.resumed, true);
  assert.deepEqual(srv.requests.map((q) => q.range ?? null), [null, 'bytes=5000-']);
  assert.equal(r.files[0]!.sha256, sha(VOCAB));
  assert.equal(r.import?.concepts, 400);
});

test('a checksum mismatch deletes the download and imports nothing', async (t) => {
  const { dir, store } = setup(t);
  const srv = await serve(t, { '/tiny.jsonl': VOCAB });
  const m = manifest(dir, { tiny: entry([{ url: `${srv.base}/tiny.jsonl`, sha256: 'a'.repeat(64) }]) });
  await assert.rejects(fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m }), /checksum mismatch .* expected sha256 a{64}, got [0-9a-f]{64}\. The download was deleted/);
  assert.equal(existsSync(join(dir, 'downloads', 'tiny', '1.0', 'tiny.jsonl')), false);
  assert.equal(existsSync(join(dir, 'downloads', 'tiny', '1.0', 'tiny.jsonl.part')), false);
  assert.equal(store.hasVocabulary('tiny'), false);
});

test('without a manifest checksum, the first download is recorded and later copies are checked against it', async (t) => {
  const { dir, store } = setup(t);
  const srv = await serve(t, { '/tiny.jsonl': VOCAB });
  const m = manifest(dir, { tiny: entry([{ url: `${srv.base}/tiny.jsonl` }]) });
  const r = await fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m, importAfter: false });
  assert.equal(r.files[0]!.verified, false);
  const dest = join(dir, 'downloads', 'tiny', '1.0', 'tiny.jsonl');
  assert.equal(readFileSync(`${dest}.sha256`, 'utf8').trim(), sha(VOCAB));
  writeFileSync(dest, 'tampered\n');
  const again = await fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m, importAfter: false });
  assert.equal(again.files[0]!.downloaded, true, 'a copy that no longer matches its recorded checksum is fetched again');
  assert.deepEqual(readFileSync(dest), VOCAB);
});

test('zip archives: the listed members are extracted and imported', async (t) => {
  const { dir, store } = setup(t);
  const onetDir = writeOnet(join(dir, 'src'));
  const names = ['Occupation Data.txt', 'Alternate Titles.txt', 'Sample of Reported Titles.txt'];
  const zip = Buffer.from(zipSync(Object.fromEntries(names.map((n) => [`db_29_3_text/${n}`, readFileSync(join(onetDir, n))]))));
  const srv = await serve(t, { '/db_29_3_text.zip': zip });
  const m = manifest(dir, { onet: entry([{ url: `${srv.base}/db_29_3_text.zip`, sha256: sha(zip), extract: names }], { format: 'onet', version: '29.3' }) });
  const r = await fetchVocabulary('onet', { dataDir: dir, store, manifestPath: m });
  assert.equal(r.importedFrom.length, 3);
  assert.equal(r.import?.concepts, 4);
  assert.equal(store.concept('onet', '29-1141.00').name, 'Registered Nurses');

  const bad = manifest(dir, { onet: entry([{ url: `${srv.base}/db_29_3_text.zip`, extract: ['Missing.txt'] }], { format: 'onet', version: '29.3' }) });
  await assert.rejects(fetchVocabulary('onet', { dataDir: dir, store, manifestPath: bad }), /db_29_3_text\.zip: archive lacks "Missing\.txt"/);
});

test('unreachable host: a clear offline message that says how to install by hand', async (t) => {
  const { dir, store } = setup(t);
  const srv = await serve(t, {});
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const url = `http://127.0.0.1:${closedPort}/tiny.jsonl`;
  const m = manifest(dir, { tiny: entry([{ url }]), gone: entry([{ url: `${srv.base}/nope.jsonl` }]) });
  await assert.rejects(fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m }), (err: Error) => {
    assert.ok(err instanceof NetworkError);
    assert.match(err.message, /cannot reach the server \(offline, or the host is unreachable\): http:\/\/127\.0\.0\.1:\d+\/tiny\.jsonl \(ECONNREFUSED\)/);
    assert.match(err.message, /download these files on a connected machine:\n {2}http:\/\/127\.0\.0\.1/);
    assert.match(err.message, /copy them into .*downloads\/tiny\/1\.0 and run this command again/);
    return true;
  });
  await assert.rejects(fetchVocabulary('gone', { dataDir: dir, store, manifestPath: m }), /HTTP 404/);

  const cli = runCli(['vocab', 'fetch', 'tiny', '--manifest', m], dir);
  assert.equal(cli.status, 5);
  assert.match(cli.stderr, /cannot reach the server/);
});

test('manifest problems: unknown vocabulary, manual download, invalid manifest', async (t) => {
  const { dir, store } = setup(t);
  await assert.rejects(fetchVocabulary('nope', { dataDir: dir, store }), (err: Error) => err instanceof NotFoundError && /known: .*mesh/.test(err.message));
  await assert.rejects(fetchVocabulary('esco', { dataDir: dir, store }), (err: Error) => err instanceof UsageError && /esco\.ec\.europa\.eu.*normkit vocab import --format esco/.test(err.message));
  const m = manifest(dir, { tiny: entry([{ url: 'not a url' }]) });
  await assert.rejects(fetchVocabulary('tiny', { dataDir: dir, store, manifestPath: m }), /manifest\.json \(field "vocabularies\.tiny\.files\[0\]\.url"\)/);
});
