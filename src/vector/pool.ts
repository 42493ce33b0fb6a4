/**
 * SearchPool: HNSW searches on worker threads. `searchKnn` is synchronous, so a server
 * searching on its main thread stops answering while it runs; the pool keeps the event
 * loop free. Each worker loads the index file once; a batch of queries travels as one
 * transferred buffer, split evenly across the workers.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker-start.js';
import type { HnswParams, VectorHit } from './hnsw.js';

export interface PoolIndex {
  file: string;
  dim: number;
  params: HnswParams;
  /** Labels marked deleted in the file. */
  removed: number;
}

interface Pending {
  resolve: (r: { labels: Int32Array; scores: Float32Array }) => void;
  reject: (e: Error) => void;
}

export class SearchPool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    readonly dim: number,
  ) {}

  /** Starts `size` workers (default: the machine's cores) and waits until each has loaded the index. */
  static async open(index: PoolIndex, size = availableParallelism()): Promise<SearchPool> {
    const workers: Worker[] = [];
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < Math.max(1, size); i++) {
      const w = startWorker(import.meta.url, 'search-worker', index);
      workers.push(w);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: { ready?: boolean }): void => {
            if (m.ready) {
              w.off('error', reject);
              resolve();
            }
          };
          w.once('message', onMessage);
          w.once('error', reject);
        }),
      );
    }
    const pool = new SearchPool(workers, index.dim);
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    for (const w of workers) {
      w.on('message', (m: { id: number; labels?: Int32Array; scores?: Float32Array; error?: string }) => pool.settle(m));
      w.on('error', (err) => pool.failAll(err));
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private settle(m: { id: number; labels?: Int32Array; scores?: Float32Array; error?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve({ labels: m.labels!, scores: m.scores! });
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** The k nearest labels of each query row of `queries` (n × dim). */
  async search(queries: Float32Array, k: number): Promise<VectorHit[][]> {
    if (this.closed) throw new Error('the search pool is closed');
    if (queries.length % this.dim !== 0) throw new RangeError(`queries hold ${queries.length} values, not a multiple of dim ${this.dim}`);
    const n = queries.length / this.dim;
    if (n === 0) return [];
    const per = Math.ceil(n / this.workers.length);
    const parts: Array<Promise<{ labels: Int32Array; scores: Float32Array }>> = [];
    for (let w = 0, start = 0; start < n; w++, start += per) {
      const end = Math.min(n, start + per);
      // A copy per worker's share (not per query), transferred rather than cloned.
      const chunk = queries.slice(start * this.dim, end * this.dim);
      const id = this.nextId++;
      parts.push(
        new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.workers[w]!.postMessage({ id, queries: chunk, k }, [chunk.buffer]);
        }),
      );
    }
    const out: VectorHit[][] = [];
    for (const { labels, scores } of await Promise.all(parts)) {
      for (let q = 0; q < labels.length / k; q++) {
        const hits: VectorHit[] = [];
        for (let i = 0; i < k; i++) {
          const l = labels[q * k + i]!;
          if (l >= 0) hits.push({ label: l, score: scores[q * k + i]! });
        }
        out.push(hits);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('the search pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
