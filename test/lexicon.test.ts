/**
 * Bilingual lexicons: the TEI and TSV readers, importing files and folders into the store
 * (atomic, located errors), a lexicon read backwards, lexicons from a vocabulary's own
 * translations, the word-by-word translator (phrases, stems, prefixes, compounds, German
 * feminine forms, function words), and the translate stage: a German title linked to an
 * English vocabulary through a lexicon, with the translation explained.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { importLexicons, licenceOf } from '../src/lexicon/import.js';
import { lexiconFromVocabulary } from '../src/lexicon/from-vocab.js';
import { LexiconStore } from '../src/lexicon/store.js';
import { readTei } from '../src/lexicon/tei.js';
import { Translator } from '../src/lexicon/translator.js';
import { readLexiconTsv } from '../src/lexicon/tsv.js';
import { Linker } from '../src/pipeline/linker.js';
import { parsePipeline } from '../src/pipeline/config.js';
import { preset } from '../src/pipeline/presets.js';
import { translationGroups } from '../src/pipeline/crosslingual-training.js';
import { TranslationTables } from '../src/pipeline/translation-tables.js';
import { trainEncoder } from '../src/encoders/trained/train.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { writeDictd } from './helpers/dictd.js';
import { tempDir } from './helpers/tmp.js';

/** A FreeDict TEI P5 file as the project publishes them (header, entries with senses, an example). */
const TEI_P5 = `<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>Spanish-English FreeDict Dictionary</title></titleStmt>
      <publicationStmt>
        <availability status="free"><p>Available under the terms of the GNU General Public License ver. 2.0 and any later version.</p></availability>
      </publicationStmt>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
      <entry xml:id="medico">
        <form><orth>médico</orth><pron>ˈmeðiko</pron></form>
        <gramGrp><pos>n</pos></gramGrp>
        <sense n="1"><cit type="trans" xml:lang="en"><quote>doctor</quote></cit><cit type="trans" xml:lang="en"><quote>physician</quote></cit></sense>
        <sense n="2">
          <cit type="trans" xml:lang="en"><quote>medic</quote></cit>
          <cit type="example"><quote>el médico de cabecera</quote><cit type="trans"><quote>the family doctor</quote></cit></cit>
        </sense>
      </entry>
      <entry><form><orth>enfermera</orth></form><sense><cit type="trans"><quote>nurse</quote></cit></sense></entry>
      <entry><form><orth>véase</orth></form><sense><xr>see</xr></sense></entry>
    </body>
  </text>
</TEI>
`;

test('TEI P5: headwords, senses in order, examples left out, title and licence from the header', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'spa-eng.tei');
  writeFileSync(file, TEI_P5);
  const d = readTei(file);
  assert.equal(d.description, 'Spanish-English FreeDict Dictionary');
  assert.equal(licenceOf(d.info), 'GPL-2.0');
  assert.deepEqual(d.entries, [
    { headword: 'médico', senses: [['doctor', 'physician'], ['medic']] },
    { headword: 'enfermera', senses: [['nurse']] },
  ]);
});

test('TEI P4 (<trans><tr>) reads too; malformed XML and a non-TEI root are located errors', (t) => {
  const dir = tempDir(t);
  const p4 = join(dir, 'ita-eng.tei');
  writeFileSync(p4, '<TEI.2><text><body><entry><form><orth>medico</orth></form><trans><tr>doctor</tr><tr>physician</tr></trans></entry></body></text></TEI.2>');
  assert.deepEqual(readTei(p4).entries, [{ headword: 'medico', senses: [['doctor', 'physician']] }]);
  const broken = join(dir, 'broken.tei');
  writeFileSync(broken, '<TEI>\n<text>\n<entry><form><orth>a</orth></form>\n</text></TEI>');
  assert.throws(() => readTei(broken), (e: unknown) => e instanceof InputError && e.problems[0]!.reason === 'malformed-xml' && e.problems[0]!.line === 4);
  const other = join(dir, 'other.xml');
  writeFileSync(other, '<html><body/></html>');
  assert.throws(() => readTei(other), (e: unknown) => e instanceof InputError && e.problems[0]!.reason === 'wrong-file-type');
});

test('canonical TSV: header, comments, ranks; bad lines located by line and field', (t) => {
  const dir = tempDir(t);
  const ok = join(dir, 'jobs.tsv');
  writeFileSync(ok, 'source\ttarget\trank\n# hand-made\nArzt\tdoctor\t1\nArzt\tphysician\t2\nPflegekraft\tnurse\n');
  assert.deepEqual(readLexiconTsv(ok), [
    { source: 'Arzt', target: 'doctor', rank: 1 },
    { source: 'Arzt', target: 'physician', rank: 2 },
    { source: 'Pflegekraft', target: 'nurse', rank: 1 },
  ]);
  const bad = join(dir, 'bad.tsv');
  writeFileSync(bad, 'Arzt\tdoctor\n\tnurse\nKoch\tcook\tfirst\nnur eine Zelle\n');
  assert.throws(
    () => readLexiconTsv(bad),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual(
        e.problems.map((p) => [p.line, p.field, p.reason]),
        [
          [2, 'source', 'empty'],
          [3, 'rank', 'not-a-rank'],
          [4, undefined, 'wrong-cell-count'],
        ],
      );
      assert.match(e.message, /bad\.tsv:3 \(field "rank"\)/);
      return true;
    },
  );
});

/** A German–English Ding dictionary and an English–Czech classic one, as Debian installs them. */
function writeDictionaries(dir: string): void {
  writeDictd(dir, 'freedict-deu-eng', [
    ['00databaseshort', '00databaseshort\n     German - English Ding/FreeDict dictionary ver. 1.9-fd1\n'],
    ['00databaseinfo', '00databaseinfo\n     under the terms of the GNU General Public License, version 3\n'],
    ['schiff', 'Schiff /ʃɪf/ <n, sg>\nship <n>, vessel <n>\n   see: {Schiffe}\n'],
    ['mechaniker', 'Mechaniker /meˈçaːnikɐ/ <masc, n, sg>\nmechanic <n>, mechanician <n>\n'],
    ['arzt', 'Arzt /ˈaɾtst/ <masc, n, sg>\nphysician <n>, doctor <n>, medic <n> [coll.]\n'],
    ['im', 'im\nin the\n'],
    ['kaufmann', 'Kaufmann <masc, n, sg>\nmerchant <n>, businessman <n>\n'],
    ['offizier', 'Offizier <masc, n>\nofficer <n>\n'],
    ['kran', 'Kran <masc, n>\ncrane <n>\n'],
    ['fuhrer', 'Führer <masc, n>\ndriver <n>, leader <n>\n'],
  ]);
  writeDictd(dir, 'freedict-eng-ces', [
    ['00databaseshort', '00databaseshort\n     English-Czech dicts.info/FreeDict Dictionary ver. 0.1.3\n'],
    ['doctor', 'doctor /dɒktə/\nlékař, doktor\n'],
    ['nurse', 'nurse /nɜːs/\nzdravotní sestra, sestra\n'],
  ]);
  writeFileSync(join(dir, 'README'), 'not a dictionary');
}

test('a folder of dictd dictionaries: languages from the file names, licences, a lexicon read backwards; re-import replaces', (t) => {
  const dir = tempDir(t);
  writeDictionaries(dir);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  const lexicons = new LexiconStore(store);
  const imported = importLexicons(lexicons, dir);
  assert.deepEqual(imported.map((l) => [l.name, l.from, l.to, l.format]), [
    ['freedict-deu-eng', 'de', 'en', 'dictd'],
    ['freedict-eng-ces', 'en', 'cs', 'dictd'],
  ]);
  assert.equal(lexicons.info('freedict-deu-eng').licence, 'GPL-3.0');
  const stats = lexicons.stats('freedict-deu-eng');
  assert.equal(stats.headwords, 8);
  assert.ok(stats.entries >= 14);
  // cs → en comes from the English–Czech dictionary, turned around.
  const cs = lexicons.pairsFor('cs', 'en');
  assert.ok(cs.every((p) => p.reversed && p.lexicon === 'freedict-eng-ces'));
  assert.deepEqual(cs.filter((p) => p.sourceKey === 'lekar').map((p) => p.target), ['doctor']);
  assert.equal(lexicons.pairsFor('fr', 'en').length, 0);
  // Only the dictionaries with the languages asked for.
  assert.deepEqual(importLexicons(lexicons, dir, { from: 'de' }).map((l) => l.name), ['freedict-deu-eng']);
  assert.equal(lexicons.list().length, 2, 'a re-import replaces, it does not add');
  assert.equal(lexicons.remove('freedict-eng-ces'), true);
  assert.deepEqual(lexicons.list().map((l) => l.name), ['freedict-deu-eng']);
});

test('a folder import is all or nothing: one broken dictionary leaves the store as it was', (t) => {
  const dir = tempDir(t);
  writeDictionaries(dir);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  const lexicons = new LexiconStore(store);
  importLexicons(lexicons, dir);
  const before = lexicons.stats('freedict-deu-eng').entries;
  writeDictd(dir, 'freedict-deu-eng', [['arzt', 'Arzt\ndoctor\n']]);
  writeFileSync(join(dir, 'freedict-fra-eng.index'), 'médecin\tA\tZZZZ\n');
  writeFileSync(join(dir, 'freedict-fra-eng.dict'), 'médecin\ndoctor\n');
  assert.throws(() => importLexicons(lexicons, dir), (e: unknown) => e instanceof InputError && e.problems[0]!.reason === 'offset-out-of-range' && e.problems[0]!.file.endsWith('freedict-fra-eng.index'));
  assert.equal(lexicons.stats('freedict-deu-eng').entries, before, 'the old German lexicon is still whole');
  assert.equal(lexicons.has('freedict-fra-eng'), false);
});

test('a vocabulary\'s own translations become a lexicon (--from-vocab)', async (t) => {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  await importVocabulary(store, [join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl')], { name: 'cond' });
  const read = lexiconFromVocabulary(store, 'cond', 'de', 'en');
  assert.equal(read.meta.name, 'cond-de-en');
  const herz = read.pairs.filter((p) => p.source === 'Herzinfarkt');
  assert.ok(herz.some((p) => p.target === 'Acute myocardial infarction' && p.rank === 1));
  assert.ok(herz.some((p) => p.target === 'heart attack' && p.rank === 2));
  assert.throws(() => lexiconFromVocabulary(store, 'cond', 'ja', 'en'), (e: unknown) => e instanceof InputError && /no concept has terms in both ja and en/.test(e.message));
});

test('the translator: compounds split on the headwords, feminine forms, function words dropped, prefixes for a language without a stemmer', (t) => {
  const dir = tempDir(t);
  writeDictionaries(dir);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  const lexicons = new LexiconStore(store);
  importLexicons(lexicons, dir);
  const de = Translator.fromPairs(lexicons.pairsFor('de', 'en'), { from: 'de', to: 'en' });
  const ship = de.translate('Schiffsmechanikerin');
  assert.equal(ship.words[0]!.via, 'compound');
  assert.equal(ship.text, 'ship mechanic');
  assert.ok(ship.bag.includes('vessel'));
  const officer = de.translate('Offizier im Kranführer');
  assert.deepEqual(officer.words.map((w) => w.via), ['exact', 'compound'], '"im" translates only into stop words: dropped');
  assert.equal(officer.text, 'officer crane driver');
  assert.equal(de.translate('Kauffrau').words[0]!.via, 'none', 'a word found nowhere stays as it is');
  assert.equal(de.translate('Kauffrau').text, 'kauffrau');
  assert.equal(de.translate('Ärztin').text, 'physician', 'feminine -in');
  const cs = Translator.fromPairs(lexicons.pairsFor('cs', 'en'), { from: 'cs', to: 'en' });
  const nurse = cs.translate('Zdravotní sestra');
  assert.equal(nurse.words[0]!.via, 'phrase', 'a two-word headword read as one');
  assert.equal(cs.translate('lékaři').words[0]!.via, 'prefix', 'a case ending dropped (no Czech stemmer)');
  assert.equal(cs.translate('lékaři').text, 'doctor');
});

/** A tiny English occupation vocabulary. */
function writeOccupations(dir: string): string {
  const file = join(dir, 'occupations.jsonl');
  const rows = [
    { id: 'ship-mechanic', name: 'ship mechanic', synonyms: ['marine mechanic'] },
    { id: 'physician', name: 'physician', synonyms: ['doctor', 'medical doctor'] },
    { id: 'crane-operator', name: 'crane operator', synonyms: ['crane driver'] },
    { id: 'shipping-clerk', name: 'shipping clerk', synonyms: [] },
    { id: 'merchant', name: 'merchant', synonyms: ['businessman'] },
  ];
  writeFileSync(file, rows.map((r) => JSON.stringify({ ...r, lang: 'en' })).join('\n') + '\n');
  return file;
}

test('the translate stage: a German title finds its English concept through the lexicon, fused with the direct search, and the result shows the translation', async (t) => {
  const dir = tempDir(t);
  writeDictionaries(dir);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  await importVocabulary(store, [writeOccupations(dir)], { name: 'occ' });
  const lexical = preset('lexical');
  const direct = await Linker.build(store, 'occ', lexical);
  const translated = await Linker.build(store, 'occ', parsePipeline({ ...lexical, translate: {} }));
  t.after(() => Promise.all([direct.close(), translated.close()]).then(() => undefined));
  // No lexicon yet: the stage leaves every query alone.
  const before = await translated.linkMany([{ text: 'Kranführer', lang: 'de' }], 3);
  const plain = await direct.linkMany([{ text: 'Kranführer', lang: 'de' }], 3);
  assert.deepEqual(before, plain);

  importLexicons(new LexiconStore(store), dir);
  const withLexicon = await Linker.build(store, 'occ', parsePipeline({ ...lexical, translate: {} }));
  t.after(() => withLexicon.close());
  const [crane, mechanic, doctor, english] = await withLexicon.linkMany(
    [
      { text: 'Kranführer', lang: 'de' },
      { text: 'Schiffsmechaniker/Schiffsmechanikerin', lang: 'de' },
      { text: 'Arzt', lang: 'de' },
      { text: 'shipping clerk', lang: 'en' },
    ],
    3,
  );
  assert.equal(crane!.candidates[0]!.conceptId, 'crane-operator');
  assert.equal(crane!.translation?.text, 'crane driver');
  assert.deepEqual(crane!.translation?.words.map((w) => w.via), ['compound']);
  assert.equal(mechanic!.candidates[0]!.conceptId, 'ship-mechanic');
  assert.equal(doctor!.candidates[0]!.conceptId, 'physician');
  // The direct search still counts: an English query in the vocabulary's language is not translated.
  assert.equal(english!.translation, undefined);
  assert.equal(english!.candidates[0]!.conceptId, 'shipping-clerk');
  // Without a language, the detector finds German among the languages the lexicons translate.
  const [detected] = await withLexicon.linkMany([{ text: 'Schiffsmechaniker und Kranführer im Hafen' }], 3);
  assert.equal(detected!.translation?.from, 'de');
  assert.equal(detected!.candidates[0]!.conceptId, 'ship-mechanic');
  const [directDoctor] = await direct.linkMany([{ text: 'Arzt', lang: 'de' }], 3);
  assert.notEqual(directDoctor!.candidates[0]?.conceptId, 'physician', 'without the translation the title is not found');
});

test('cross-lingual training: the lexicons\' translations into vocabulary words become groups the trained encoder learns, and the encoder is keyed by them', async (t) => {
  const dir = tempDir(t);
  writeDictionaries(dir);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  await importVocabulary(store, [writeOccupations(dir)], { name: 'occ' });
  importLexicons(new LexiconStore(store), dir);
  const rows = [...store.terms('occ')];
  const texts = rows.map((x) => x.text);
  const tables = new TranslationTables(new LexiconStore(store), 'en', { alternatives: 3, pivots: true });
  const groups = translationGroups(tables, texts);
  const byId = new Map(groups.build().map((g) => [g.id, g.terms]));
  // German and Czech (eng-ces read backwards) words of "doctor" in one group; "medic",
  // "vessel", "leader" and "in the" are no vocabulary words, "nurse" is none either.
  assert.deepEqual(byId.get('translation:en:doctor'), ['doctor', 'lekar', 'doktor', 'arzt'], 'languages in order, each one\'s words heaviest first');
  assert.deepEqual(byId.get('translation:en:ship'), ['ship', 'schiff']);
  assert.equal(byId.get('translation:en:driver')?.[1], 'fuhrer');
  for (const absent of ['medic', 'vessel', 'leader', 'in the', 'nurse']) assert.equal(byId.has(`translation:en:${absent}`), false, absent);
  assert.equal(translationGroups(tables, texts).key, groups.key, 'the key is the lexicons\' fingerprint');

  // The encoder trained with them puts "Arzt" nearer "physician" than the one trained without.
  const concepts = rows.reduce((m, x) => m.set(x.conceptId, [...(m.get(x.conceptId) ?? []), x.text]), new Map<string, string[]>());
  const train = [...concepts].map(([id, terms]) => ({ id, terms }));
  const options = { dim: 32, epochs: 40, batchSize: 8, seed: 2, featurizer: { buckets: 1 << 12 } };
  const cosine = (m: Float32Array): number => Array.from({ length: 32 }, (_, k) => m[k]! * m[32 + k]!).reduce((a, b) => a + b, 0);
  const plain = await trainEncoder(train, [], [], options);
  const crossLingual = await trainEncoder(train, [], [], { ...options, auxiliary: groups.build() });
  assert.equal(crossLingual.counts.terms, plain.counts.terms, 'the groups are not vocabulary terms');
  assert.ok(crossLingual.counts.auxiliaryTexts >= 6);
  const pair = ['arzt', 'physician'];
  assert.ok(cosine(crossLingual.model.embedMatrix(pair)) > cosine(plain.model.embedMatrix(pair)) + 0.1, `${cosine(crossLingual.model.embedMatrix(pair))} vs ${cosine(plain.model.embedMatrix(pair))}`);

  // In a pipeline: training.translations trains another encoder (its own cache key), which records the groups.
  const cacheDir = join(dir, 'cache');
  const pipeline = (translations: boolean) => parsePipeline({ name: 'x', generators: [{ type: 'lexical' }, { type: 'dense', training: { epochs: 2, dim: 16, translations } }], translate: {} });
  for (const translations of [false, true]) await (await Linker.build(store, 'occ', pipeline(translations), { cacheDir })).close();
  const metadata = readdirSync(join(cacheDir, 'encoders')).map((k) => JSON.parse(readFileSync(join(cacheDir, 'encoders', k, 'normkit-encoder.json'), 'utf8')) as { data: { translationGroups?: number } });
  assert.deepEqual(metadata.map((m) => m.data.translationGroups ?? 0).sort((a, b) => a - b), [0, groups.build().length]);
});

test('normkit lexicon import | list | stats | remove, with located errors and exit codes', (t) => {
  const dir = tempDir(t);
  writeDictionaries(dir);
  const data = join(dir, 'data');
  const imported = runCli(['lexicon', 'import', dir, '--json'], data);
  assert.equal(imported.status, 0, imported.stderr);
  assert.deepEqual((JSON.parse(imported.stdout) as { lexicons: Array<{ name: string }> }).lexicons.map((l) => l.name), ['freedict-deu-eng', 'freedict-eng-ces']);
  const list = runCli(['lexicon', 'list'], data);
  assert.match(list.stdout, /freedict-deu-eng\s+de\s+en\s+dictd/);
  const stats = runCli(['lexicon', 'stats', 'freedict-eng-ces'], data);
  assert.match(stats.stdout, /en → cs \(also read backwards, cs → en\)/);
  const tsv = join(dir, 'mine.tsv');
  writeFileSync(tsv, 'Pflegekraft\tnurse\nKoch\tcook\tfirst\n');
  const noLangs = runCli(['lexicon', 'import', tsv], data);
  assert.equal(noLangs.status, 2);
  assert.match(noLangs.stderr, /give --from and --to/);
  const bad = runCli(['lexicon', 'import', tsv, '--from', 'de', '--to', 'en'], data);
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /mine\.tsv:2 \(field "rank"\)/);
  assert.equal(runCli(['lexicon', 'remove', 'nope'], data).status, 4);
  assert.equal(runCli(['lexicon', 'remove', 'freedict-eng-ces'], data).status, 0);
  assert.doesNotMatch(runCli(['lexicon', 'list'], data).stdout, /freedict-eng-ces/);
});
