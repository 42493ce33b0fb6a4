/**
 * LinkerPool: the service's searches on worker threads, so that the HTTP event loop stays
 * responsive. Every worker holds the same linkers (one per vocabulary and index
 * generation); each operation goes to the worker with the fewest operations in flight.
 *
 * Hot swap: `load` a new generation on every worker, switch new requests to it, then `drop`
 * the old one; a worker closes a dropped linker when its running operations have finished.
 *
 * Deadline: an operation still unanswered `deadlineMs` after it was sent means its worker
 * is stuck (a pattern or a model that does not return). The worker is terminated, its
 * operations fail with 503, and a new worker is started and given every loaded linker;
 * until it is up, `healthy` is false (/readyz answers 503) and nothing is sent to it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { PipelineConfig } from '../pipeline/config.js';
import { startWorker } from '../core/worker-start.js';
import { fromWire, HttpError, type WireError } from './http-error.js';
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
  /** Set for operations: fires at the deadline. */
  timer?: NodeJS.Timeout;
}

/** The default deadline of one operation on a worker (`limits.deadlineMs`). */
export const DEFAULT_DEADLINE_MS = 30_000;

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
  /** Workers being replaced after a missed deadline: nothing is sent to them until they are up. */
  private readonly replacing = new Set<number>();
  /** The linkers loaded and not dropped, which a replacement worker loads again. */
  private readonly specs = new Map<string, LinkerSpec>();
  private nextId = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  private constructor(
    private readonly workers: Worker[],
    private readonly onError: (detail: string) => void,
    /** Operations a worker holds at once; the rest wait here, in arrival order. */
    private readonly perWorker: number,
    private readonly spawn: () => Worker,
    /** Longest an operation may go unanswered before its worker is replaced. */
    private readonly deadlineMs: number,
  ) {
    this.inFlight = workers.map(() => 0);
  }

  /** Starts `size` workers (default: the machine's cores) and waits until each is up. */
  static async start(data: PoolWorkerData, options: { size?: number; perWorker?: number; deadlineMs?: number; onError?: (detail: string) => void } = {}): Promise<LinkerPool> {
    const size = Math.max(1, options.size ?? availableParallelism());
    const perWorker = Math.max(1, options.perWorker ?? DEFAULT_PER_WORKER);
    const batch = Math.max(1, Math.floor(perWorker / 2));
    const spawn = (): Worker => startWorker(import.meta.url, 'link-worker', { ...data, batch }, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB });
    const workers = Array.from({ length: size }, spawn);
    const pool = new LinkerPool(workers, options.onError ?? (() => {}), perWorker, spawn, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    try {
      await Promise.all(workers.map(whenReady));
    } catch (err) {
      await pool.close();
      throw err;
    }
    workers.forEach((w, i) => pool.listen(w, i));
    return pool;
  }

  private listen(w: Worker, i: number): void {
    w.on('message', (m: WorkerReply) => this.settle(m));
    w.on('error', (err) => this.failWorker(i, err));
  }

  /** False while a stuck worker is being replaced. */
  get healthy(): boolean {
    return this.replacing.size === 0;
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
      const timer = message.type === 'run' ? setTimeout(() => this.stuck(worker), this.deadlineMs) : undefined;
      this.pending.set(message.id, { resolve, reject, worker, ...(timer ? { timer } : {}) });
      this.inFlight[worker]!++;
      this.workers[worker]!.postMessage(message);
    });
  }

  /**
   * A worker missed an operation's deadline: terminate it, fail what it held, start a new
   * one and load every linker on it, then send it work again.
   */
  private stuck(worker: number): void {
    if (this.closed || this.replacing.has(worker) || this.dead.has(worker)) return;
    this.replacing.add(worker);
    this.onError(`a linker worker ran an operation past its deadline (${this.deadlineMs} ms, limits.deadlineMs): terminating and replacing it`);
    const old = this.workers[worker]!;
    old.removeAllListeners();
    old.on('error', () => {});
    void old.terminate();
    this.failPending(worker, new HttpError(503, 'unavailable', `the operation ran past its deadline (${this.deadlineMs} ms); the worker running it was restarted`));
    void this.replace(worker);
  }

  private async replace(worker: number): Promise<void> {
    const fresh = this.spawn();
    this.workers[worker] = fresh;
    try {
      await whenReady(fresh);
      this.listen(fresh, worker);
      // Load what is loaded now; a hot swap meanwhile adds or drops linkers, so check again.
      const loaded = new Set<string>();
      for (;;) {
        const missing = [...this.specs.values()].filter((s) => !loaded.has(s.key));
        if (missing.length === 0 || this.closed) break;
        for (const spec of missing) {
          await this.send(worker, { type: 'load', id: this.nextId++, spec });
          loaded.add(spec.key);
        }
      }
      for (const key of loaded) if (!this.specs.has(key)) fresh.postMessage({ type: 'drop', key } satisfies WorkerRequest);
    } catch (err) {
      this.failWorker(worker, err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.replacing.delete(worker);
    }
    // Its room goes to what waits.
    while (!this.closed && !this.dead.has(worker) && this.inFlight[worker]! < this.perWorker && this.backlog.length) this.startWaiting(worker);
  }

  private failPending(worker: number, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      this.finished(worker);
      p.reject(err);
    }
  }

  private settle(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    this.finished(p.worker);
    if ('error' in m) {
      if (m.detail) this.onError(m.detail);
      p.reject(fromWire(m.error));
    } else p.resolve(m.result);
  }

  private finished(worker: number): void {
    this.inFlight[worker]!--;
    // The freed room goes to the oldest waiting operation.
    if (this.inFlight[worker]! < this.perWorker && !this.closed && !this.dead.has(worker) && !this.replacing.has(worker)) this.startWaiting(worker);
    if (this.queued === 0) for (const f of this.idle.splice(0)) f();
  }

  private startWaiting(worker: number): void {
    const next = this.backlog.shift();
    if (!next) return;
    next.start(worker);
    if (this.laterDrops.has(next.key)) this.drop(next.key);
  }

  private failWorker(worker: number, err: Error): void {
    this.onError(err.stack ?? err.message);
    this.dead.add(worker);
    this.failPending(worker, err);
    // With no worker left, what waits would wait forever.
    if (this.dead.size === this.workers.length) for (const w of this.backlog.splice(0)) w.reject(new Error('every linker worker has failed (the server log has why)'));
  }

  /** Workers running and taking work. */
  private get live(): number[] {
    return this.workers.map((_, i) => i).filter((i) => !this.dead.has(i) && !this.replacing.has(i));
  }

  /** Builds the linker on every worker (from the index cache); its size. */
  async load(spec: LinkerSpec): Promise<LinkerSize> {
    if (this.live.length === 0) throw new Error('every linker worker has failed (the server log has why)');
    // Remembered first: a worker being replaced loads it when it is up.
    this.specs.set(spec.key, spec);
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
    if (live.length === 0 && this.replacing.size === 0) return Promise.reject(new Error('every linker worker has failed (the server log has why)'));
    let best = live[0];
    for (const i of live) if (this.inFlight[i]! < this.inFlight[best!]!) best = i;
    // Every worker full, or every one being replaced: wait for room.
    if ((best === undefined || this.inFlight[best]! >= this.perWorker) && !this.closed) {
      return new Promise((resolve, reject) => this.backlog.push({ key, reject, start: (worker) => void this.send(worker, { type: 'run', id: this.nextId++, key, operation }).then(resolve, reject) }));
    }
    if (best === undefined) return Promise.reject(new Error('the linker pool is closed'));
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
    this.specs.delete(key);
    for (const w of this.workers) w.postMessage({ type: 'drop', key } satisfies WorkerRequest);
  }

  /** Resolves when no operation is in flight (at once when none is). */
  drain(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the linker pool was closed'));
    }
    this.pending.clear();
    for (const w of this.backlog.splice(0)) w.reject(new Error('the linker pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Resolves when a worker says it is up; rejects when it fails first. */
function whenReady(w: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }): void => {
      if (!m.ready) return;
      w.off('message', onMessage);
      w.off('error', reject);
      resolve();
    };
    w.on('message', onMessage);
    w.once('error', reject);
  });
}
