/**
 * Builds a vector index and kills its own process with SIGKILL part-way (test/vector.test.ts):
 *   crash-vector.ts <store.db> <index dir> embedding|commit
 * - embedding: while terms are being embedded and added, after the first batch;
 * - commit: after the new index file is written, just before the store commits it.
 */
import { NgramHashEncoder } from '../../src/encoders/ngram-hash.js';
import { VocabStore } from '../../src/store/store.js';
import { TermVectorIndex } from '../../src/vector/term-index.js';

const [dbPath, dir, when] = process.argv.slice(2) as [string, string, string];
const store = VocabStore.open(dbPath);
if (when === 'commit') {
  store.commitVectorIndex = () => {
    process.stdout.write('killing before the commit\n');
    process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable');
  };
}
await TermVectorIndex.build(store, 'v', new NgramHashEncoder({ dim: 64 }), {
  dir,
  batchSize: 32,
  onProgress: (done) => {
    if (when === 'embedding' && done >= 64) {
      process.stdout.write(`killing at ${done}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
process.stdout.write('finished without being killed\n');
