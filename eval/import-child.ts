/**
 * Child process of the import benchmark: imports the given files into a fresh store and
 * prints one JSON line with the wall time and this process's peak resident memory.
 * Usage: tsx eval/import-child.ts <store.db> <format> <name> <file...>
 */
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';

const [dbPath, format, name, ...files] = process.argv.slice(2);
const store = VocabStore.open(dbPath!);
const started = performance.now();
const r = await importVocabulary(store, files, { force: true, format: format!, name: name! });
const seconds = (performance.now() - started) / 1000;
store.close();
process.stdout.write(
  `${JSON.stringify({ seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, concepts: r.vocabulary.concepts, terms: r.vocabulary.terms })}\n`,
);
