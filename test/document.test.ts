import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { linkDocument } from '../src/modes/document.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { ROOT, runCli } from './helpers/cli.js';
import { runDocExample } from './helpers/doc-example.js';

const CONDITIONS = join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl');
const DOC =
  'The patient was admitted with acute myocardial infarction (AMI). She has a history of high blood pressure and type 2 diabetes mellitus. ' +
  'The AMI was treated with PCI. On day 3 the patient reported diarrhoea.';

async function linker(): Promise<{ store: VocabStore; linker: Linker }> {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-doc-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  await importVocabulary(store, [CONDITIONS], { name: 'cond' });
  return { store, linker: await Linker.build(store, 'cond', preset('medical')) };
}

test('document mode: the dictionary matcher finds the mentions, overlaps resolved; a defined abbreviation links like its long form everywhere', async () => {
  const { store, linker: l } = await linker();
  const r = await linkDocument(l, DOC, { k: 3 });
  const found = r.mentions.map((m) => m.text);
  for (const want of ['acute myocardial infarction', 'AMI', 'high blood pressure', 'type 2 diabetes mellitus', 'diarrhoea']) assert.ok(found.includes(want), `${want} in [${found.join(' | ')}]`);
  assert.equal(found.filter((t) => t === 'AMI').length, 2, 'both uses of the short form');
  // No two mentions overlap, and each span is the text it names.
  for (let i = 1; i < r.mentions.length; i++) assert.ok(r.mentions[i - 1]!.end <= r.mentions[i]!.start);
  for (const m of r.mentions) assert.equal(DOC.slice(m.start, m.end), m.text);
  const ami = r.mentions.filter((m) => m.text === 'AMI' || m.text === 'acute myocardial infarction');
  assert.equal(new Set(ami.map((m) => m.group)).size, 1, 'one co-reference group');
  assert.ok(ami.every((m) => m.candidates[0]?.conceptId === 'I21.9' && m.canonical === 'acute myocardial infarction'));
  assert.equal(r.abbreviations['AMI'], 'acute myocardial infarction');
  assert.equal(r.mentions.find((m) => m.text === 'high blood pressure')!.candidates[0]!.conceptId, 'I10');
  assert.equal(r.mentions.find((m) => m.text === 'diarrhoea')!.candidates[0]!.conceptId, 'R19.7');
  assert.ok(!found.includes('patient') && !found.includes('The'), 'words outside the vocabulary are not mentions');
  store.close();
});

test('document mode: given spans are linked as they are; a bad span is rejected with its position', async () => {
  const { store, linker: l } = await linker();
  const start = DOC.indexOf('high blood pressure');
  const r = await linkDocument(l, DOC, { mentions: [{ start, end: start + 'high blood pressure'.length }] });
  assert.equal(r.mentions.length, 1);
  assert.equal(r.mentions[0]!.source, 'given');
  assert.equal(r.mentions[0]!.candidates[0]!.conceptId, 'I10');
  await assert.rejects(linkDocument(l, DOC, { mentions: [{ start: 5, end: 5000 }] }), /mention 0: start 5, end 5000/);
  store.close();
});

test('CLI: link --document prints each mention with its concept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-doccli-'));
  assert.equal(runCli(['vocab', 'import', CONDITIONS, '--name', 'cond'], dir).status, 0);
  const doc = join(dir, 'note.txt');
  writeFileSync(doc, DOC);
  const r = runCli(['link', 'cond', '--document', doc, '--preset', 'medical', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { mentions: Array<{ text: string; candidates: Array<{ conceptId: string }> }> };
  assert.ok(out.mentions.some((m) => m.text === 'AMI' && m.candidates[0]!.conceptId === 'I21.9'));
  const table = runCli(['link', 'cond', '--document', doc, '--preset', 'medical'], dir);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /AMI\s+.*I21\.9/);
});

test("docs/pipelines.md's document-mode example runs and prints what it says", (t) => {
  const doc = readFileSync(join(ROOT, 'docs', 'pipelines.md'), 'utf8');
  const block = /## Document mode[\s\S]*?```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, 'docs/pipelines.md has a document-mode example');
  const promised = [...block.matchAll(/^\/\/ (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(runDocExample(t, block).trim().split('\n'), promised);
});
