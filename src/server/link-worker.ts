/**
 * A pool worker: holds linkers by key (vocabulary and index generation), loaded from the
 * index cache, and runs operations on them. A dropped linker is closed once the operations
 * already running on it have finished, so a hot swap never fails a request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Linker } from '../pipeline/linker.js';
import { VocabStore } from '../store/store.js';
import { toWire } from './http-error.js';
import { isQueryOperation, runOperation, runQueryOperations, type Operation, type OperationResult, type QueryName, type QueryOperation, type ResultOf } from './operations.js';
import type { LinkerSize, LinkerSpec, PoolWorkerData, WorkerReply, WorkerRequest } from './pool.js';

const data: PoolWorkerData & { batch: number } = workerData;
const port = parentPort!;
const store = VocabStore.open(data.storePath, { readonly: true });

interface Held {
  linker: Linker;
  running: number;
  dropped: boolean;
}
const held = new Map<string, Held>();

async function load(spec: LinkerSpec): Promise<LinkerSize> {
  const linker = await Linker.build(store, spec.vocabulary, spec.pipeline, {
    cacheDir: data.cacheDir,
    dataDir: data.dataDir,
    extraTerms: spec.extraTerms,
    trainOnExtraTerms: false,
    // One thread per session: the pool's workers are the parallelism (onnxruntime's own
    // thread pool would spin against them).
    encoderThreads: 1,
  });
  held.set(spec.key, { linker, running: 0, dropped: false });
  return { concepts: linker.concepts, terms: linker.terms };
}

function release(key: string, h: Held): void {
  if (h.dropped && h.running === 0 && held.get(key) === h) {
    held.delete(key);
    void h.linker.close();
  }
}

async function run(key: string, o: Operation): Promise<OperationResult> {
  const h = held.get(key);
  if (!h) throw new Error(`no linker loaded for ${key}`);
  h.running++;
  try {
    return await runOperation(h.linker, store, o);
  } finally {
    h.running--;
    release(key, h);
  }
}

/**
 * Query operations (normalize, search) that arrive together are linked together: those
 * queued for the same linker and k when the worker gets to them share one linkMany, up to
 * `batch` at a time. The pool sends a worker up to twice that, so the next batch is already
 * here when one ends: the worker never waits on the HTTP thread.
 */
const BATCH = data.batch;
const waiting = new Map<string, Array<{ o: QueryOperation; resolve: (r: ResultOf<QueryName>) => void; reject: (e: unknown) => void }>>();

function queue(key: string, o: QueryOperation): Promise<ResultOf<QueryName>> {
  const h = held.get(key);
  if (!h) return Promise.reject(new Error(`no linker loaded for ${key}`));
  // Counted as running from now, so that a drop waits for it.
  h.running++;
  const group = `${key}\u0000${o.k}`;
  return new Promise((resolve, reject) => {
    const list = waiting.get(group);
    if (list) {
      list.push({ o, resolve, reject });
      return;
    }
    waiting.set(group, [{ o, resolve, reject }]);
    const next = (): void => {
      const all = waiting.get(group)!;
      const batch = all.splice(0, BATCH);
      if (all.length) setImmediate(next);
      else waiting.delete(group);
      runQueryOperations(
        h.linker,
        batch.map((b) => b.o),
      )
        .then(
          (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
          (err: unknown) => batch.forEach((b) => b.reject(err)),
        )
        .finally(() => {
          h.running -= batch.length;
          release(key, h);
        });
    };
    setImmediate(next);
  });
}

port.on('message', (m: WorkerRequest) => {
  const reply = (r: WorkerReply): void => port.postMessage(r);
  if (m.type === 'drop') {
    const h = held.get(m.key);
    if (h) {
      h.dropped = true;
      release(m.key, h);
    }
    return;
  }
  const work = m.type === 'load' ? load(m.spec) : isQueryOperation(m.operation) ? queue(m.key, m.operation) : run(m.key, m.operation);
  work.then(
    (result) => reply({ id: m.id, result }),
    (err: unknown) => {
      const wire = toWire(err);
      // Unexpected errors keep their message for the server log only.
      reply({ id: m.id, error: wire, ...(wire.status >= 500 ? { detail: err instanceof Error ? (err.stack ?? err.message) : String(err) } : {}) });
    },
  );
});
port.postMessage({ ready: true });
