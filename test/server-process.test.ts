/**
 * `normkit serve` as its own process: killed with SIGKILL during a vocabulary import, it
 * restarts serving the previous vocabulary intact; on SIGTERM it drains the requests in
 * flight before exiting.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApiKey } from '../src/server/api-keys.js';
import { ServerState } from '../src/server/state.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { ROOT } from './helpers/cli.js';
import { call } from './helpers/server.js';
import { tempDir } from './helpers/tmp.js';

/** Starts `normkit serve` on a free loopback port; resolves with its URL once it listens. */
async function serveProcess(dataDir: string, vocab: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli.ts'), '--data-dir', dataDir, 'serve', '--port', '0', '--vocab', vocab], {
    cwd: ROOT,
    env: { ...process.env, NORMKIT_HOME: '', NORMKIT_LOG_LEVEL: 'warn', NORMKIT_WORKERS: '1', NORMKIT_TIMEOUT_MS: '300000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /serving on (http:\/\/\S+) /.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
  return { child, url, stderr: () => err };
}

async function ready(url: string): Promise<void> {
  for (;;) {
    const r = await call(url, 'GET', '/readyz');
    if (r.status === 200) return;
    assert.equal(r.body.error.code, 'not_ready');
  }
}

async function writeConcepts(file: string, n: number, prefix: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) {
    if (!out.write(`${JSON.stringify({ id: `${prefix}${i}`, name: `${prefix} concept ${i}`, synonyms: [`${prefix} ${i} alias`] })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

test('SIGKILL during a vocabulary import: after a restart the server serves the previous vocabulary intact', async (t) => {
  const dir = tempDir(t);
  const v1 = join(dir, 'v1.jsonl');
  await writeConcepts(v1, 50, 'old');
  const v2 = join(dir, 'v2.jsonl');
  await writeConcepts(v2, 150_000, 'new');
  const store = VocabStore.open(join(dir, 'normkit.db'));
  await importVocabulary(store, [v1], { name: 'crashy' });
  const checksum = store.vocabulary('crashy').checksum;
  const admin = { authorization: `Bearer ${createApiKey(new ServerState(store), 'ops', 'admin').key}` };
  store.close();

  const first = await serveProcess(dir, 'crashy=lexical');
  t.after(() => first.child.kill('SIGKILL'));
  await ready(first.url);
  const started = await call(first.url, 'POST', '/v1/admin/vocabularies/crashy/import', { path: v2 }, admin);
  assert.equal(started.status, 202);
  // Kill once the import is writing to the store (inside its transaction).
  for (;;) {
    const job = (await call(first.url, 'GET', `/v1/admin/jobs/${started.body.job.id}`, undefined, admin)).body;
    assert.equal(job.finishedAt, null, 'the import must still be running when the server is killed');
    if (job.progress?.phase.startsWith('writing') && job.progress.done > 0) break;
  }
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');

  const second = await serveProcess(dir, 'crashy=lexical');
  t.after(() => second.child.kill('SIGKILL'));
  await ready(second.url);
  const v = (await call(second.url, 'GET', '/v1/vocabularies')).body.vocabularies.find((x: { name: string }) => x.name === 'crashy');
  assert.equal(v.concepts, 50);
  assert.equal(v.checksum, checksum);
  const s = await call(second.url, 'GET', '/v1/search?q=old%20concept%207&vocabulary=crashy&k=1');
  assert.equal(s.body.concepts[0].id, 'old7');
  assert.equal((await call(second.url, 'GET', '/v1/concepts/crashy/new1')).status, 404);
  second.child.kill('SIGTERM');
  await once(second.child, 'exit');
});

test('SIGTERM drains the requests in flight, then the process exits 0', async (t) => {
  const dir = tempDir(t);
  const v1 = join(dir, 'v.jsonl');
  await writeConcepts(v1, 20_000, 'term');
  const store = VocabStore.open(join(dir, 'normkit.db'));
  await importVocabulary(store, [v1], { name: 'drain' });
  store.close();
  const s = await serveProcess(dir, 'drain=lexical');
  t.after(() => s.child.kill('SIGKILL'));
  await ready(s.url);
  // Batches big enough to be in flight when the signal arrives.
  const texts = Array.from({ length: 1000 }, (_, i) => `term concept ${i * 7}`);
  const inFlight = Array.from({ length: 6 }, () => call(s.url, 'POST', '/v1/normalize', { texts, vocabulary: 'drain', k: 1 }));
  // Wait until the server has them all: in the pool (the in-flight gauge) or answered.
  for (;;) {
    const m = (await call(s.url, 'GET', '/metrics')).body as string;
    const pending = Number(/normkit_pool_in_flight (\d+)/.exec(m)?.[1] ?? 0);
    const answered = Number(/normkit_http_requests_total\{route="\/v1\/normalize",method="POST",status="200"\} (\d+)/.exec(m)?.[1] ?? 0);
    if (pending + answered === inFlight.length && pending > 0) break;
    assert.ok(answered < inFlight.length, 'the requests finished before the signal could be sent');
  }
  s.child.kill('SIGTERM');
  const results = await Promise.all(inFlight);
  assert.deepEqual(results.map((r) => r.status), results.map(() => 200));
  assert.equal(results[0]!.body.results.length, 1000);
  const [code] = (await once(s.child, 'exit')) as [number | null];
  assert.equal(code, 0, s.stderr());
  await assert.rejects(fetch(`${s.url}/healthz`));
});
