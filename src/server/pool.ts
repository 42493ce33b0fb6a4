/**
 * LinkerPool: the service's searches on worker threads, so that the HTTP event loop stays
 * responsive. Every worker holds the same linkers (one per vocabulary and index
 * generation); each operation goes to the worker with the fewest operations in flight.
 *
 * Hot swap: `load` a new generation on every worker, switch new requests to it, then `drop`
 * the old one; a worker closes a dropped linker when its running operations have finished.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { PipelineConfig } from '../pipeline/config.js';
import { startWorker } from '../core/worker-start.js';
import { fromWire, type WireError } from './http-error.js';
import type { Operation, OperationName, OperationResult, ResultOf } from './operations.js';
import type { ExtraTerm } from '../pipeline/resources.js';

/** What a worker needs to build (load from the index cache) one linker. */
export interface LinkerSpec {
  /** Unique per vocabulary and generation. */
  key: string;
  vocabulary: string;
  pipeline: PipelineConfig;
  /** Custom synonyms: indexed, not trained on. */
  extraTerms: ExtraTerm[];
}

export interface PoolWorkerData {
  storePath: string;
  cacheDir: string;
  dataDir: string;
}

/** A loaded linker's size. */
export interface LinkerSize {
  concepts: number;
  terms: number;
}

export interface LoadRequest {
  type: 'load';
  id: number;
  spec: LinkerSpec;
}

export interface RunRequest<N extends OperationName = OperationName> {
  type: 'run';
  id: number;
  key: string;
  operation: Operation<N>;
}

/** What the pool sends a worker: a `load` is answered with a LinkerSize, a `run` with its operation's result, a `drop` not at all. */
export type WorkerRequest = LoadRequest | RunRequest | { type: 'drop'; key: string };

export type WorkerReply = { id: number; result: LinkerSize | OperationResult } | { id: number; error: WireError; detail?: string };

interface Waiting {
  key: string;
  /** Sends the operation to a worker with room, settling the caller's promise with its answer. */
  start: (worker: number) => void;
  reject: (e: Error) => void;
}

interface Pending {
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

/**
 * Operations a worker holds at once: two batches of half as many (link-worker.ts), one
 * being linked and the next waiting. The others wait here, in one queue, in arrival order, for whichever
 * worker frees room first, which keeps the slowest requests close to the median. With the
 * whole load sent at once (no queue here) p99 was about 2× p50; with one batch per worker the
 * worker idled while the HTTP thread answered its batch and sent the next (bench:api, docs/api.md).
 */
export const DEFAULT_PER_WORKER = 16;

/**
 * A linking worker's young generation (V8's default is 16-32 MB). Every query allocates
 * short-lived arrays; with the default the scavenger ran often enough to cost about a tenth
 * of the worker's time under load (bench:api: 1.47 → 1.37 ms of server CPU per request).
 */
const YOUNG_GENERATION_MB = 96;

export class LinkerPool {
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight: number[];
  /** Operations waiting for a worker with room, oldest first. */
  private readonly backlog: Waiting[] = [];
  /** Linkers to drop once their waiting operations have been sent. */
  private readonly laterDrops = new Set<string>();
  /** Workers that failed (an uncaught error ends a worker thread): nothing more is sent to them. */
  private readonly dead = new Set<number>();
  private nextId = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  private constructor(
    private readonly workers: Worker[],
    private readonly onError: (detail: string) => void,
    /** Operations a worker holds at once; the rest wait here, in arrival order. */
    private readonly perWorker: number,
  ) {
    this.inFlight = workers.map(() => 0);
  }

  /** Starts `size` workers (default: the machine's cores) and waits until each is up. */
  static async start(data: PoolWorkerData, options: { size?: number; perWorker?: number; onError?: (detail: string) => void } = {}): Promise<LinkerPool> {
    const size = Math.max(1, options.size ?? availableParallelism());
    const perWorker = Math.max(1, options.perWorker ?? DEFAULT_PER_WORKER);
    const batch = Math.max(1, Math.floor(perWorker / 2));
    const workers = Array.from({ length: size }, () => startWorker(import.meta.url, 'link-worker', { ...data, batch }, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }));
    const pool = new LinkerPool(workers, options.onError ?? (() => {}), perWorker);
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: { ready?: boolean }): void => {
                if (!m.ready) return;
                w.off('message', onMessage);
                w.off('error', reject);
                resolve();
              };
              w.on('message', onMessage);
              w.once('error', reject);
            }),
        ),
      );
    } catch (err) {
      await pool.close();
      throw err;
    }
    workers.forEach((w, i) => {
      w.on('message', (m: WorkerReply) => pool.settle(m));
      w.on('error', (err) => pool.failWorker(i, err));
    });
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Operations sent and not yet answered, over all workers. */
  get queued(): number {
    return this.inFlight.reduce((a, b) => a + b, 0) + this.backlog.length;
  }

  /**
   * Sends a request to a worker; resolves with its answer. The overloads are the protocol
   * link-worker.ts keeps (its replies are structured clones of what `load` and
   * `runOperation` return), which is how a reply gets its type back across the thread.
   */
  private send(worker: number, message: LoadRequest): Promise<LinkerSize>;
  private send<N extends OperationName>(worker: number, message: RunRequest<N>): Promise<ResultOf<N>>;
  private send(worker: number, message: LoadRequest | RunRequest): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the linker pool is closed'));
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, worker });
      this.inFlight[worker]!++;
      this.workers[worker]!.postMessage(message);
    });
  }

  private settle(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.finished(p.worker);
    if ('error' in m) {
      if (m.detail) this.onError(m.detail);
      p.reject(fromWire(m.error));
    } else p.resolve(m.result);
  }

  private finished(worker: number): void {
    this.inFlight[worker]!--;
    // The freed room goes to the oldest waiting operation.
    const next = this.inFlight[worker]! < this.perWorker && !this.closed && !this.dead.has(worker) ? this.backlog.shift() : undefined;
    if (next) {
      next.start(worker);
      if (this.laterDrops.has(next.key)) this.drop(next.key);
    }
    if (this.queued === 0) for (const f of this.idle.splice(0)) f();
  }

  private failWorker(worker: number, err: Error): void {
    this.onError(err.stack ?? err.message);
    this.dead.add(worker);
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      this.finished(worker);
      p.reject(err);
    }
    // With no worker left, what waits would wait forever.
    if (this.dead.size === this.workers.length) for (const w of this.backlog.splice(0)) w.reject(new Error('every linker worker has failed (the server log has why)'));
  }

  /** Workers still running. */
  private get live(): number[] {
    return this.workers.map((_, i) => i).filter((i) => !this.dead.has(i));
  }

  /** Builds the linker on every worker (from the index cache); its size. */
  async load(spec: LinkerSpec): Promise<LinkerSize> {
    if (this.live.length === 0) throw new Error('every linker worker has failed (the server log has why)');
    const sizes = await Promise.all(this.live.map((i) => this.send(i, { type: 'load', id: this.nextId++, spec })));
    // At least one worker was sent the load (checked above).
    return sizes[0]!;
  }

  /**
   * Runs one operation on the least busy worker, or, when every worker holds `perWorker`
   * operations, on the first worker to finish one (operations wait in arrival order).
   */
  run<N extends OperationName>(key: string, operation: Operation<N>): Promise<ResultOf<N>> {
    const live = this.live;
    if (live.length === 0) return Promise.reject(new Error('every linker worker has failed (the server log has why)'));
    let best = live[0]!;
    for (const i of live) if (this.inFlight[i]! < this.inFlight[best]!) best = i;
    if (this.inFlight[best]! >= this.perWorker && !this.closed) {
      return new Promise((resolve, reject) => this.backlog.push({ key, reject, start: (worker) => void this.send(worker, { type: 'run', id: this.nextId++, key, operation }).then(resolve, reject) }));
    }
    return this.send(best, { type: 'run', id: this.nextId++, key, operation });
  }

  /** Retires a linker on every worker, after the operations sent to it or waiting for it. */
  drop(key: string): void {
    if (this.closed) return;
    // A worker closes a dropped linker once it has run what it was sent before the drop, so
    // the drop goes out after the last waiting operation for it does.
    if (this.backlog.some((w) => w.key === key)) {
      this.laterDrops.add(key);
      return;
    }
    this.laterDrops.delete(key);
    for (const w of this.workers) w.postMessage({ type: 'drop', key } satisfies WorkerRequest);
  }

  /** Resolves when no operation is in flight (at once when none is). */
  drain(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('the linker pool was closed'));
    this.pending.clear();
    for (const w of this.backlog.splice(0)) w.reject(new Error('the linker pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
