/**
 * `npm run eval:vocab`: imports every vocabulary of ../shared/data (eval/vocabularies.json)
 * into a scratch store and checks `vocab stats` against the counts their SOURCE.md states.
 * Prints a table; exits 1 on any mismatch. Skips (exit 0) when ../shared/data is absent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { renderTable } from '../src/cli/render/table.js';
import { VocabStore, type VocabularyStats } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { ROOT, sharedDataDir } from './shared.js';

interface Config {
  vocabularies: Array<{ name: string; format: string; files: string[]; expect: Record<string, number> }>;
}

function lookup(stats: VocabularyStats, key: string): number | undefined {
  if (key.startsWith('rows:')) return stats.files.find((f) => basename(f.file) === key.slice(5))?.rows;
  let v: unknown = stats;
  for (const part of key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  return typeof v === 'number' ? v : undefined;
}

const shared = sharedDataDir();
if (!shared) {
  process.stdout.write('../shared/data not found: vocabulary import check skipped\n');
  process.exit(0);
}
const config = JSON.parse(readFileSync(join(ROOT, 'eval', 'vocabularies.json'), 'utf8')) as Config;
const work = mkdtempSync(join(tmpdir(), 'normkit-vocab-check-'));
const store = VocabStore.open(join(work, 'normkit.db'));
const rows: string[][] = [];
let failures = 0;
try {
  for (const v of config.vocabularies) {
    const r = await importVocabulary(store, v.files.map((f) => join(shared, f)), { force: true, format: v.format, name: v.name });
    const stats = store.stats(v.name);
    for (const [key, want] of Object.entries(v.expect)) {
      const got = lookup(stats, key);
      const ok = got === want;
      if (!ok) failures++;
      rows.push([v.name, key, String(want), String(got ?? '(missing)'), ok ? 'ok' : 'MISMATCH']);
    }
    rows.push([v.name, 'import seconds', '', r.seconds.toFixed(1), '']);
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${renderTable(['vocabulary', 'count', 'SOURCE.md', 'imported', ''], rows, { right: [2, 3] })}\n`);
process.stdout.write(failures ? `${failures} mismatches\n` : 'all counts match\n');
process.exit(failures ? 1 : 0);
