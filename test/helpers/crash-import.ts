/**
 * Child process for the crash test: imports argv[3] into the store at argv[2] as
 * vocabulary argv[4], and kills itself with SIGKILL once argv[5] concepts are written
 * inside the (uncommitted) transaction — a crash at the worst moment.
 */
import { VocabStore } from '../../src/store/store.js';
import { importVocabulary } from '../../src/vocab/import.js';

const [storePath, file, name, killAt] = process.argv.slice(2);
const store = VocabStore.open(storePath!);
await importVocabulary(store, [file!], {
  name: name!,
  onWrite: (written) => {
    if (written >= Number(killAt)) {
      process.stdout.write(`killing at ${written}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
process.stdout.write('finished without being killed\n');
