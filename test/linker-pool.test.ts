/**
 * The linker pool on its own: when every worker holds its share of operations, the rest
 * wait in one queue and are sent as room frees, oldest first; a linker dropped while
 * operations for it still wait is retired only after they have run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { storePath } from '../src/core/data-dir.js';
import { ensureDemoVocabularies } from '../src/modes/demo.js';
import { preset } from '../src/pipeline/presets.js';
import { HttpError } from '../src/server/http-error.js';
import { LinkerPool, type LinkerSpec } from '../src/server/pool.js';
import type { Operation } from '../src/server/operations.js';
import { VocabStore } from '../src/store/store.js';

describe('LinkerPool', () => {
  let dir: string;
  let pool: LinkerPool;
  const errors: string[] = [];
  const spec = (key: string): LinkerSpec => ({ key, vocabulary: 'demo-conditions', pipeline: preset('lexical'), extraTerms: [] });
  const normalize = (text: string): Operation<'normalize'> => ({ op: 'normalize', texts: [text], k: 1, explain: false });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'normkit-pool-'));
    const store = VocabStore.open(storePath(dir));
    await ensureDemoVocabularies(store);
    store.close();
    pool = await LinkerPool.start({ storePath: storePath(dir), cacheDir: join(dir, 'indexes'), dataDir: dir }, { size: 1, perWorker: 2, onError: (detail) => errors.push(detail) });
    await pool.load(spec('a#1'));
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds perWorker operations per worker; the others wait and are answered in arrival order', async () => {
    const texts = ['heart attack', 'high blood pressure', 'sugar diabetes', 'asthma', 'migraine', 'flu', 'stroke', 'heart attack', 'asthma', 'flu'];
    const order: number[] = [];
    const runs = texts.map((t, i) =>
      pool.run('a#1', normalize(t)).then((r) => {
        order.push(i);
        return r;
      }),
    );
    // Two sent, eight waiting: all ten are in the pool's count.
    assert.equal(pool.queued, texts.length);
    const results = await Promise.all(runs);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.equal(pool.queued, 0);
    // The same text gives the same answer whenever it ran.
    assert.deepEqual(results[7], results[0]);
    assert.ok(results[0]![0]!.concepts.length === 1);
  });

  it('a linker dropped while operations for it wait is retired after they run, and its successor answers', async () => {
    const waiting = Array.from({ length: 8 }, (_, i) => pool.run('a#1', normalize(i % 2 ? 'asthma' : 'flu')));
    await pool.load(spec('a#2'));
    pool.drop('a#1');
    const answered = await Promise.allSettled(waiting);
    assert.deepEqual(
      answered.map((a) => a.status),
      waiting.map(() => 'fulfilled'),
    );
    const next = await pool.run('a#2', normalize('asthma'));
    assert.equal(next[0]!.concepts.length, 1);
    // Once retired, the old linker is gone from the worker.
    assert.deepEqual(errors, []);
    await assert.rejects(pool.run('a#1', normalize('asthma')), /internal error/);
    assert.match(errors.join('\n'), /no linker loaded for a#1/);
  });

  it('a failed worker gets nothing more: its operations are rejected, the others answer everything else', async () => {
    const two = await LinkerPool.start({ storePath: storePath(dir), cacheDir: join(dir, 'indexes'), dataDir: dir }, { size: 2, perWorker: 2, onError: () => {} });
    try {
      await two.load(spec('b#1'));
      const first = Array.from({ length: 4 }, () => two.run('b#1', normalize('asthma')));
      const waiting = Array.from({ length: 6 }, () => two.run('b#1', normalize('flu')));
      // An uncaught error in a worker thread surfaces as its 'error' event (the thread ends).
      const workers = (two as unknown as { workers: Array<{ emit(e: string, err: Error): void }> }).workers;
      workers[0]!.emit('error', new Error('worker crashed'));
      const firstSettled = await Promise.allSettled(first);
      assert.deepEqual(firstSettled.map((r) => r.status).sort(), ['fulfilled', 'fulfilled', 'rejected', 'rejected']);
      const rest = await Promise.allSettled([...waiting, two.run('b#1', normalize('asthma'))]);
      assert.deepEqual(
        rest.map((r) => r.status),
        rest.map(() => 'fulfilled'),
      );
      assert.equal(two.queued, 0);
    } finally {
      await two.close();
    }
  });

  it('a worker stuck past the deadline is terminated and replaced: its operation gets 503, the pool is unhealthy meanwhile, then answers again', async () => {
    // Polynomial, not exponential (the pack check lets it through), and still hours on 200 characters.
    const pack = join(dir, 'slow.yaml');
    writeFileSync(pack, "name: slow\nstages:\n  - name: s\n    rules:\n      - { id: slow, regex: 'a*a*a*a*a*b', drop: true }\n");
    const slow: LinkerSpec = { key: 'slow#1', vocabulary: 'demo-conditions', pipeline: { ...preset('lexical'), normalize: { ...preset('lexical').normalize, pack } }, extraTerms: [] };
    const seen: string[] = [];
    const one = await LinkerPool.start({ storePath: storePath(dir), cacheDir: join(dir, 'indexes'), dataDir: dir }, { size: 1, perWorker: 2, deadlineMs: 1500, onError: (d) => seen.push(d) });
    try {
      await one.load(slow);
      assert.equal(one.healthy, true);
      const started = Date.now();
      await assert.rejects(one.run('slow#1', normalize('a'.repeat(200))), (err: unknown) => err instanceof HttpError && err.status === 503 && /deadline/.test(err.message));
      assert.ok(Date.now() - started < 15_000);
      assert.equal(one.healthy, false, 'unhealthy while the replacement starts');
      assert.match(seen.join('\n'), /past its deadline \(1500 ms/);
      // Sent while the worker is replaced: it waits, then the new worker (with the linker loaded again) answers.
      const r = await one.run('slow#1', normalize('asthma'));
      assert.equal(r[0]!.concepts.length, 1);
      assert.equal(one.healthy, true);
      assert.equal(one.queued, 0);
    } finally {
      await one.close();
    }
  });
});
