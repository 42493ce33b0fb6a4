/**
 * A search worker: loads one HNSW index file once, then answers batches of queries sent
 * as one transferred Float32Array (no copy of the index per query, no copy of the batch).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HnswIndex, type HnswParams } from './hnsw.js';

interface Init {
  file: string;
  dim: number;
  params: HnswParams;
  removed: number;
}
interface Request {
  id: number;
  queries: Float32Array;
  k: number;
}

const init = workerData as Init;
const index = HnswIndex.read(init.file, init.dim, init.params, init.removed);
parentPort!.on('message', (req: Request) => {
  try {
    const n = req.queries.length / init.dim;
    const labels = new Int32Array(n * req.k).fill(-1);
    const scores = new Float32Array(n * req.k);
    for (let q = 0; q < n; q++) {
      const hits = index.search(req.queries.subarray(q * init.dim, (q + 1) * init.dim), req.k);
      hits.forEach((h, i) => {
        labels[q * req.k + i] = h.label;
        scores[q * req.k + i] = h.score;
      });
    }
    parentPort!.postMessage({ id: req.id, labels, scores }, [labels.buffer, scores.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
