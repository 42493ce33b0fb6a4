import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { NotFoundError } from '../src/core/errors.js';
import { fetchModel, MANIFEST_FILE, readManifest } from '../src/encoders/models/hub.js';
import { modelsDir, openCrossEncoder, openEncoder, resolveModel } from '../src/encoders/models/resolve.js';
import { ROOT, runCliAsync, runNodeAsync } from './helpers/cli.js';
import { serve, type FixtureServer } from './helpers/http.js';
import { writeTinyBert } from './helpers/tiny-bert.js';
import { tempDir } from './helpers/tmp.js';

const COMMIT = 'c0ffee0000000000000000000000000000000001';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Serves model folders the way the Hugging Face Hub does: the revision API (with
 * LFS sha256 for .onnx files, git blob ids for the rest) and /resolve/ downloads.
 */
async function fakeHub(t: TestContext, repos: Record<string, string>): Promise<{ server: FixtureServer; files: Record<string, Buffer> }> {
  const files: Record<string, Buffer> = {};
  for (const [id, dir] of Object.entries(repos)) {
    const siblings = walk(dir).map((path) => {
      const rfilename = relative(dir, path);
      const body = readFileSync(path);
      files[`/${id}/resolve/${COMMIT}/${rfilename}`] = body;
      return rfilename.endsWith('.onnx')
        ? { rfilename, size: body.length, blobId: 'f'.repeat(40), lfs: { sha256: createHash('sha256').update(body).digest('hex'), size: body.length } }
        : { rfilename, size: body.length, blobId: createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex') };
    });
    files[`/api/models/${id}/revision/main`] = Buffer.from(JSON.stringify({ id, sha: COMMIT, siblings: [{ rfilename: 'README.md' }, ...siblings] }));
  }
  return { server: await serve(t, files), files };
}

test('hub: fetch downloads only what inference needs, verifies it, writes the manifest last; a second fetch downloads nothing', async (t) => {
  const root = tempDir(t);
  const repo = writeTinyBert(join(root, 'repo'), { pooling: 'mean' });
  const { server } = await fakeHub(t, { 'acme/tiny-embed': repo });
  const models = join(root, 'data', 'models');
  const r = await fetchModel('acme/tiny-embed', models, 'fp32', { endpoint: server.base });
  assert.equal(r.revision, COMMIT);
  assert.deepEqual(
    r.files.map((f) => f.path).sort(),
    ['1_Pooling/config.json', 'config.json', 'onnx/model.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'],
  );
  assert.ok(r.files.every((f) => f.downloaded));
  const dir = join(models, 'acme--tiny-embed');
  assert.ok(!existsSync(join(dir, 'onnx', 'model_quantized.onnx')), 'the int8 file is not fetched for fp32');
  const manifest = readManifest(dir);
  assert.equal(manifest?.id, 'acme/tiny-embed');
  assert.equal(manifest?.files['onnx/model.onnx']?.sha256, createHash('sha256').update(readFileSync(join(repo, 'onnx', 'model.onnx'))).digest('hex'));

  const before = server.requests.length;
  const again = await fetchModel('acme/tiny-embed', models, 'fp32', { endpoint: server.base });
  assert.ok(again.files.every((f) => !f.downloaded));
  assert.deepEqual(server.requests.slice(before).map((q) => q.path), ['/api/models/acme/tiny-embed/revision/main'], 'only the listing is asked again');

  const int8 = await fetchModel('acme/tiny-embed', models, 'int8', { endpoint: server.base });
  assert.deepEqual(int8.files.filter((f) => f.downloaded).map((f) => f.path), ['onnx/model_quantized.onnx']);
  assert.ok(readManifest(dir)?.files['onnx/model.onnx'], 'the manifest keeps both precisions');

  // The fetched model runs and equals the local folder's vectors.
  const data = join(root, 'data');
  const fromHub = await openEncoder('acme/tiny-embed', { dataDir: data, offline: true });
  const local = await openEncoder(repo, { dataDir: data });
  t.after(async () => Promise.all([fromHub.close(), local.close()]));
  assert.equal(fromHub.fingerprint, local.fingerprint);
  assert.deepEqual(await fromHub.embed(['heart attack']), await local.embed(['heart attack']));
});

test('hub: a corrupted or truncated download is rejected and leaves no file; an interrupted one resumes', async (t) => {
  const root = tempDir(t);
  const repo = writeTinyBert(join(root, 'repo'), { quantized: false });
  const { server, files } = await fakeHub(t, { 'acme/tiny': repo });
  const models = join(root, 'models');
  const onnxPath = `/acme/tiny/resolve/${COMMIT}/onnx/model.onnx`;
  const good = files[onnxPath] as Buffer;
  files[onnxPath] = Buffer.concat([good.subarray(0, 100), Buffer.from('tampered'), good.subarray(108)]);
  await assert.rejects(fetchModel('acme/tiny', models, 'fp32', { endpoint: server.base }), /checksum mismatch .*model\.onnx: expected sha256/);
  const dir = join(models, 'acme--tiny');
  assert.ok(!existsSync(join(dir, 'onnx', 'model.onnx')));
  assert.ok(!existsSync(join(dir, MANIFEST_FILE)), 'no manifest for an incomplete model');

  const tokPath = `/acme/tiny/resolve/${COMMIT}/tokenizer.json`;
  const tok = files[tokPath] as Buffer;
  files[onnxPath] = good;
  files[tokPath] = Buffer.from(tok.toString('utf8').replace('[UNK]', '[UNX]'));
  const fresh = join(root, 'fresh');
  await assert.rejects(fetchModel('acme/tiny', fresh, 'fp32', { endpoint: server.base }), /checksum mismatch for acme\/tiny\/tokenizer\.json: its git blob id/);
  assert.ok(!existsSync(join(fresh, 'acme--tiny', 'tokenizer.json')));
  files[tokPath] = tok;

  server.cutOnce.set(onnxPath, 5000);
  await assert.rejects(fetchModel('acme/tiny', models, 'fp32', { endpoint: server.base }), /partial download is kept/);
  const r = await fetchModel('acme/tiny', models, 'fp32', { endpoint: server.base });
  assert.ok(r.files.find((f) => f.path === 'onnx/model.onnx')?.downloaded);
  assert.ok(server.requests.some((q) => q.path === onnxPath && q.range === 'bytes=5000-'), 'resumed with a Range request');
  assert.ok(readManifest(dir));
});

test('hub: unknown models, repositories without ONNX files, and offline use fail with what to do', async (t) => {
  const root = tempDir(t);
  const repo = writeTinyBert(join(root, 'repo'), { quantized: false });
  const { server, files } = await fakeHub(t, { 'acme/tiny': repo });
  files['/api/models/acme/pytorch-only/revision/main'] = Buffer.from(JSON.stringify({ sha: COMMIT, siblings: [{ rfilename: 'config.json' }, { rfilename: 'pytorch_model.bin' }] }));
  const data = join(root, 'data');
  await assert.rejects(fetchModel('acme/nope', modelsDir(data), 'fp32', { endpoint: server.base }), (e: Error) => e instanceof NotFoundError && /has no model "acme\/nope".*HF_TOKEN/.test(e.message));
  await assert.rejects(fetchModel('acme/tiny', modelsDir(data), 'int8', { endpoint: server.base }), /acme\/tiny lacks a int8 ONNX file .*it has onnx\/model\.onnx: try --precision fp32/);
  await assert.rejects(fetchModel('acme/pytorch-only', modelsDir(data), 'fp32', { endpoint: server.base }), /lacks tokenizer\.json, tokenizer_config\.json, a fp32 ONNX file .*not an ONNX export/);

  await assert.rejects(resolveModel('acme/tiny', { dataDir: data, offline: true }), (e: Error) => {
    assert.ok(e instanceof NotFoundError);
    assert.match(e.message, /model acme\/tiny \(fp32\) is not in the cache .* normkit is offline/);
    assert.match(e.message, /Missing: config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);
    assert.match(e.message, /normkit model fetch acme\/tiny/);
    return true;
  });
  await assert.rejects(resolveModel('not a model', { dataDir: data }), /neither a model directory nor a Hugging Face id/);
  const closed = 'http://127.0.0.1:9';
  await assert.rejects(fetchModel('acme/tiny', modelsDir(data), 'fp32', { endpoint: closed }), /cannot reach http:\/\/127\.0\.0\.1:9 .*normkit model fetch acme\/tiny/);

  // Online, a hub id is fetched on first use.
  const resolved = await resolveModel('acme/tiny', { dataDir: data, endpoint: server.base });
  assert.equal(resolved.source, 'downloaded');
  assert.equal((await resolveModel('acme/tiny', { dataDir: data, offline: true })).source, 'cache');
});

test('cli: model fetch / list / info against a local hub', async (t) => {
  const root = tempDir(t);
  const enc = writeTinyBert(join(root, 'enc'), { pooling: 'cls' });
  const cross = writeTinyBert(join(root, 'cross'), { kind: 'cross-encoder', quantized: false });
  const { server } = await fakeHub(t, { 'acme/enc': enc, 'acme/cross': cross });
  const data = join(root, 'data');
  const env = { NORMKIT_HF_ENDPOINT: server.base };

  const offline = await runCliAsync(['model', 'info', 'acme/enc', '--offline'], data, env);
  assert.equal(offline.status, 4, offline.stderr);
  assert.match(offline.stderr, /Missing: .*onnx\/model\.onnx\nFetch it where the hub is reachable: normkit model fetch acme\/enc/);

  const fetched = await runCliAsync(['model', 'fetch', 'acme/enc', '--precision', 'int8', '--json'], data, env);
  assert.equal(fetched.status, 0, fetched.stderr);
  assert.ok((JSON.parse(fetched.stdout) as { files: Array<{ path: string }> }).files.some((f) => f.path === 'onnx/model_quantized.onnx'));

  const info = await runCliAsync(['model', 'info', 'acme/enc', '--precision', 'int8', '--offline', '--device', 'auto'], data, env);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /onnx file +onnx\/model_quantized\.onnx \(int8\)/);
  assert.match(info.stdout, /pooling +cls \(from 1_Pooling\/config\.json\)/);
  assert.match(info.stdout, /dimension +16/);
  assert.match(info.stdout, /fingerprint +[0-9a-f]{64}/);

  const crossInfo = await runCliAsync(['model', 'info', 'acme/cross', '--json'], data, env);
  assert.equal(crossInfo.status, 0, crossInfo.stderr);
  const ci = JSON.parse(crossInfo.stdout) as { kind: string; dim: number; source: string };
  assert.deepEqual([ci.kind, ci.dim, ci.source], ['cross-encoder', 1, 'downloaded']);

  const list = await runCliAsync(['model', 'list', '--json'], data, env);
  assert.equal(list.status, 0, list.stderr);
  const entries = JSON.parse(list.stdout) as Array<{ id: string; cached: boolean; recommended: boolean }>;
  assert.ok(entries.some((e) => e.id === 'Xenova/all-MiniLM-L6-v2' && e.recommended && !e.cached));
  assert.ok(entries.some((e) => e.id === 'acme/enc' && e.cached && !e.recommended));
  const human = await runCliAsync(['model', 'list'], data, env);
  assert.match(human.stdout, /Xenova\/ms-marco-MiniLM-L-6-v2 +cross-encoder/);
  assert.match(human.stdout, /SapBERT-UMLS-2020AB-all-lang-from-XLMR: the repository has PyTorch weights only; export it once/);

  const ce = await openCrossEncoder('acme/cross', { dataDir: data, offline: true });
  t.after(() => ce.close());
  assert.equal((await ce.score('heart attack', ['nurse', 'data'])).length, 2);
});

test("the README's and docs/models.md's model examples run against a hub that serves fixtures under the recommended ids", async (t) => {
  const root = tempDir(t);
  const enc = writeTinyBert(join(root, 'enc'), { pooling: 'mean', quantized: false });
  const cross = writeTinyBert(join(root, 'cross'), { kind: 'cross-encoder', quantized: false });
  const { server } = await fakeHub(t, { 'Xenova/all-MiniLM-L6-v2': enc, 'Xenova/ms-marco-MiniLM-L-6-v2': cross });
  const home = join(root, 'home');
  const blocks = [
    /## Transformer models[\s\S]*?```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1],
    /```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'docs', 'models.md'), 'utf8'))?.[1],
  ];
  for (const [i, block] of blocks.entries()) {
    assert.ok(block, `example ${i} found`);
    const file = join(root, `example${i}.mts`);
    writeFileSync(file, block.replace("from 'normkit'", `from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))}`));
    const r = await runNodeAsync([file], { NORMKIT_HOME: home, NORMKIT_HF_ENDPOINT: server.base });
    assert.equal(r.status, 0, r.stderr);
    if (i === 1) assert.match(r.stdout, /^16 -?\d\.\d+\n/, 'dimension and cosine');
  }
  assert.ok(readManifest(join(home, 'models', 'Xenova--all-MiniLM-L6-v2')), 'fetched into the default data dir');
});
