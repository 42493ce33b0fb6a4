/**
 * A background job's thread: imports a vocabulary into the store, or builds a linker's
 * indexes into the index cache (lexical index, trained encoder, HNSW graph, hubness banks),
 * without blocking the HTTP event loop. An import is one store transaction and every cache
 * file is written atomically, so a crash at any point leaves the previous state in service.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Linker } from '../pipeline/linker.js';
import type { Progress } from '../core/progress.js';
import { VocabStore } from '../store/store.js';
import { importVocabulary } from '../vocab/import.js';
import { toWire } from './http-error.js';
import type { LinkerSpec, PoolWorkerData } from './pool.js';

export type BuildTask =
  | {
      type: 'import';
      vocabulary: string;
      path?: string | undefined;
      content?: string | undefined;
      format?: string | undefined;
      version?: string | undefined;
      allowEmpty?: boolean | undefined;
      maxLoss?: number | undefined;
      force?: boolean | undefined;
    }
  | { type: 'build'; spec: LinkerSpec };

export type BuildMessage =
  | { progress: { phase: string; done: number; total: number } }
  | { done: { concepts: number; terms: number } }
  | { error: ReturnType<typeof toWire>; detail?: string };

const { task, ...data }: PoolWorkerData & { task: BuildTask } = workerData;
const port = parentPort!;

let phase = { phase: '', done: 0, total: 0 };
let lastPost = 0;
const progress: Progress = {
  start(label, total) {
    phase = { phase: label, done: 0, total };
    port.postMessage({ progress: phase } satisfies BuildMessage);
  },
  advance(delta) {
    phase.done += delta;
    const now = Date.now();
    if (now - lastPost >= 100) {
      lastPost = now;
      port.postMessage({ progress: phase } satisfies BuildMessage);
    }
  },
  stop() {},
};

async function main(): Promise<{ concepts: number; terms: number }> {
  const store = VocabStore.open(data.storePath);
  try {
    if (task.type === 'import') {
      let file = task.path;
      if (task.content !== undefined) {
        file = join(data.dataDir, `upload-${task.vocabulary}-${process.pid}-${Date.now()}.jsonl`);
        writeFileSync(file, task.content);
      }
      try {
        const r = await importVocabulary(store, [file!], {
          name: task.vocabulary,
          ...(task.content !== undefined ? { format: 'jsonl' } : task.format ? { format: task.format } : {}),
          ...(task.version ? { version: task.version } : {}),
          ...(task.maxLoss !== undefined ? { maxLoss: task.maxLoss } : {}),
          allowEmpty: task.allowEmpty ?? false,
          force: task.force ?? false,
          progress,
        });
        return { concepts: r.report.concepts, terms: r.report.terms };
      } finally {
        if (task.content !== undefined) rmSync(file!, { force: true });
      }
    }
    const linker = await Linker.build(store, task.spec.vocabulary, task.spec.pipeline, {
      cacheDir: data.cacheDir,
      dataDir: data.dataDir,
      extraTerms: task.spec.extraTerms,
      trainOnExtraTerms: false,
      progress,
    });
    await linker.close();
    return { concepts: linker.concepts, terms: linker.terms };
  } finally {
    store.close();
  }
}

main().then(
  (done) => port.postMessage({ done } satisfies BuildMessage),
  (err: unknown) => {
    const error = toWire(err);
    // An unexpected error's message still names what failed (a job's error is for its admin).
    port.postMessage({ error: error.status >= 500 ? { ...error, message: err instanceof Error ? err.message : String(err) } : error, detail: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies BuildMessage);
  },
);
