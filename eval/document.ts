/**
 * Document mode on NCBI-disease (docs/pipelines.md): the dictionary matcher finds the
 * disease mentions of each abstract and the linker links them.
 *
 *   tsx eval/document.ts
 *
 * The matcher's threshold is chosen on the dev abstracts (best end-to-end F1), then reported
 * on the test abstracts: mention spans (exact, and overlapping) and end to end (exact span
 * and the top concept among the gold ids), precision / recall / F1. The linker is the
 * medical preset over MeSH C/F with the train split's mentions as extra terms, as in
 * `npm run eval`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkDocument } from '../src/modes/document.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import { PUBTATOR_FILES, pubtatorIds, pubtatorTexts } from './loaders/medical.js';
import { readTsv } from './loaders/util.js';
import { importSpec, ROOT, sharedDataDir } from './shared.js';

const shared = sharedDataDir();
if (!shared) {
  process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(0);
}
const THRESHOLDS = [0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1];
const cacheDir = join(process.env['NORMKIT_EVAL_CACHE'] ?? join(ROOT, '.normkit-eval'), 'indexes');
const work = mkdtempSync(join(tmpdir(), 'normkit-document-'));
const store = VocabStore.open(join(work, 'd.db'));

interface Gold {
  start: number;
  end: number;
  ids: string[];
}

function prf(tp: number, predicted: number, gold: number): string {
  const p = predicted ? tp / predicted : 0;
  const r = gold ? tp / gold : 0;
  const f = p + r ? (2 * p * r) / (p + r) : 0;
  return `P ${p.toFixed(3)}  R ${r.toFixed(3)}  F1 ${f.toFixed(3)}`;
}

async function split(name: 'dev' | 'test'): Promise<{ linker: Linker; docs: Array<{ text: string; gold: Gold[] }> }> {
  const loaded = await LOADERS['ncbi-disease']!({ shared: shared!, params: { split: name } });
  const run = loaded.runs[0]!;
  const vocab = `ncbi-${name}`;
  await importSpec(store, work, run.vocabulary, vocab);
  const extraTerms = [...(run.extraTerms ?? [])];
  const linker = await Linker.build(store, vocab, { ...preset('medical'), filter: { types: run.filterTypes! } }, {
    cacheDir,
    extraTerms,
    queryBank: extraTerms.map((e) => ({ text: e.text, conceptIds: [e.conceptId], lang: e.lang })),
  });
  const texts = pubtatorTexts(join(shared!, 'ncbi_disease', 'pubtator', PUBTATOR_FILES['ncbi_disease']![name]!));
  const gold = new Map<string, Gold[]>();
  for (const m of readTsv(join(shared!, 'ncbi_disease', 'mentions.tsv'))) {
    if (m['split'] !== name) continue;
    const list = gold.get(m['pmid']!) ?? [];
    list.push({ start: Number(m['start']), end: Number(m['end']), ids: pubtatorIds(m['ids']!) });
    gold.set(m['pmid']!, list);
  }
  return { linker, docs: [...texts].map(([pmid, text]) => ({ text, gold: gold.get(pmid) ?? [] })) };
}

async function score(linker: Linker, docs: Array<{ text: string; gold: Gold[] }>, threshold: number): Promise<{ exact: string; overlap: string; linked: string; f1: number }> {
  let predicted = 0;
  let gold = 0;
  let exact = 0;
  let overlap = 0;
  let linked = 0;
  for (const d of docs) {
    const r = await linkDocument(linker, d.text, { threshold, k: 1 });
    predicted += r.mentions.length;
    gold += d.gold.length;
    for (const g of d.gold) {
      const same = r.mentions.find((m) => m.start === g.start && m.end === g.end);
      if (same) {
        exact++;
        if (same.candidates[0] && g.ids.includes(same.candidates[0].conceptId)) linked++;
      }
      if (r.mentions.some((m) => m.start < g.end && g.start < m.end)) overlap++;
    }
  }
  const f1 = predicted && gold ? (2 * linked) / (predicted + gold) : 0;
  return { exact: prf(exact, predicted, gold), overlap: prf(overlap, predicted, gold), linked: prf(linked, predicted, gold), f1 };
}

try {
  const dev = await split('dev');
  process.stdout.write(`## NCBI-disease, dev (${dev.docs.length} abstracts): matcher threshold\n\n`);
  let best = { t: 0, f1: -1 };
  for (const t of THRESHOLDS) {
    const s = await score(dev.linker, dev.docs, t);
    process.stdout.write(`threshold ${t}: spans exact ${s.exact} | overlapping ${s.overlap} | end to end ${s.linked}\n`);
    if (s.f1 > best.f1) best = { t, f1: s.f1 };
  }
  process.stdout.write(`chosen threshold ${best.t}\n`);
  const test = await split('test');
  const s = await score(test.linker, test.docs, best.t);
  process.stdout.write(`\n## NCBI-disease, test (${test.docs.length} abstracts), threshold ${best.t}\n\n| | precision / recall / F1 |\n|---|---|\n| spans, exact | ${s.exact} |\n| spans, overlapping | ${s.overlap} |\n| end to end (exact span, top concept) | ${s.linked} |\n`);
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
