import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { ICD_ROWS, writeBabelon, writeDoReports, writeEscoCsv, writeIcdOrderFile, writeMeshXml, writeObo, writeOnet } from './helpers/fixtures.js';
import { tempDir } from './helpers/tmp.js';

function openStore(t: TestContext): { store: VocabStore; dir: string } {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'store', 'normkit.db'));
  t.after(() => store.close());
  return { store, dir };
}

test('ESCO CSV export: languages merged per URI, multi-line labels, hierarchy from codes', async (t) => {
  const { store, dir } = openStore(t);
  const files = writeEscoCsv(join(dir, 'esco'));
  const r = await importVocabulary(store, [join(dir, 'esco')]); // directory, format detected
  assert.equal(r.vocabulary.name, 'esco');
  assert.equal(r.vocabulary.format, 'esco');
  assert.equal(r.vocabulary.concepts, 7, '3 occupations + 4 ISCO groups');
  const dev = store.concept('esco', 'http://data.europa.eu/esco/occupation/dev');
  assert.equal(dev.name, 'software developer');
  assert.equal(dev.description, 'Software developers write code, "tested".');
  assert.deepEqual(dev.types, ['occupation']);
  const texts = dev.terms.map((x) => `${x.lang}:${x.kind}:${x.text}`);
  for (const want of [
    'en:preferred:software developer',
    'en:alt:programmer',
    'en:alt:application developer',
    'en:hidden:softwaredev',
    'fr:preferred:développeur logiciel/développeuse logiciel',
    'fr:alt:programmeuse',
  ]) {
    assert.ok(texts.includes(want), `missing ${want} in ${texts.join(', ')}`);
  }
  assert.deepEqual(dev.parents.map((p) => p.id), ['http://data.europa.eu/esco/isco/C2512']);
  const java = store.concept('esco', 'http://data.europa.eu/esco/occupation/dev-java');
  assert.deepEqual(java.parents.map((p) => p.id), ['http://data.europa.eu/esco/occupation/dev'], '2512.4.1 → 2512.4');
  const group = store.concept('esco', 'http://data.europa.eu/esco/isco/C2512');
  assert.deepEqual(group.parents.map((p) => p.id), ['http://data.europa.eu/esco/isco/C251']);
  const stats = store.stats('esco');
  assert.deepEqual(stats.types, { 'isco-group': 4, occupation: 3 });
  assert.equal(stats.byLang['fr']?.concepts, 2);
  assert.equal(files.length, 3);

  // Keeping only French makes French the primary language.
  const fr = await importVocabulary(store, files.slice(0, 2), { name: 'esco-fr', langs: ['fr'] });
  assert.equal(fr.vocabulary.concepts, 2);
  assert.equal(store.concept('esco-fr', 'http://data.europa.eu/esco/occupation/nurse').lang, 'fr');
});

test('O*NET text files: titles, alternate and short titles, reported titles, detailed → SOC parent', async (t) => {
  const { store, dir } = openStore(t);
  writeOnet(join(dir, 'db_29_3_text'));
  const r = await importVocabulary(store, [join(dir, 'db_29_3_text')], { format: 'onet' });
  assert.equal(r.vocabulary.version, '29.3');
  assert.equal(r.vocabulary.concepts, 4);
  const dev = store.concept('onet', '15-1252.00');
  assert.deepEqual(
    dev.terms.map((x) => `${x.kind}:${x.text}:${x.origin}`),
    ['preferred:Software Developers:name', 'code:15-1252.00:onetSocCode', 'alt:Application Developer:alternateTitle', 'alt:Software Engineer:alternateTitle', 'alt:SWE:shortTitle'],
  );
  assert.deepEqual(store.concept('onet', '15-1299.08').parents.map((p) => p.id), ['15-1299.00']);
  assert.ok(store.concept('onet', '29-1141.00').terms.some((x) => x.text === 'Charge Nurse' && x.origin === 'reportedTitle'));
  assert.deepEqual(
    r.report.files.map((f) => f.rows),
    [4, 4, 2],
    'rows read per file, in the order read',
  );
  assert.equal(r.report.duplicatesMerged, 3, 'repeated alternate title, its short title, and a reported title equal to an alternate title');
});

test('MeSH descriptor XML: terms of all concepts without permuted ones, tree numbers, scope note, parents', async (t) => {
  const { store, dir } = openStore(t);
  const file = writeMeshXml(join(dir, 'desc2024.xml'));
  const r = await importVocabulary(store, [file]);
  assert.equal(r.vocabulary.format, 'mesh');
  assert.equal(r.vocabulary.version, '2024');
  assert.equal(r.vocabulary.concepts, 5);
  const mi = store.concept('mesh', 'D009203');
  assert.equal(mi.name, 'Myocardial Infarction');
  assert.equal(mi.description, 'NECROSIS of the MYOCARDIUM caused by an obstruction & more.');
  assert.deepEqual(mi.terms.filter((x) => x.kind !== 'code').map((x) => x.text), ['Myocardial Infarction', 'Heart Attack', 'Cardiovascular Stroke']);
  assert.deepEqual(mi.terms.filter((x) => x.kind === 'code').map((x) => x.text), ['C14.280.647.500', 'C14.907.585.500']);
  assert.deepEqual(mi.parents.map((p) => p.id), ['D009204']);
  assert.deepEqual(mi.types, ['C']);
  assert.deepEqual(store.concept('mesh', 'D009204').parents.map((p) => p.id).sort(), ['D006331', 'D014652']);
  assert.equal(store.stats('mesh').roots, 1);
});

test('MeSH XML that is not a descriptor set is a wrong file type', async (t) => {
  const { store, dir } = openStore(t);
  const file = join(dir, 'desc2024.xml');
  writeFileSync(file, '<?xml version="1.0"?>\n<QualifierRecordSet><QualifierRecord/></QualifierRecordSet>\n');
  await assert.rejects(importVocabulary(store, [file], { format: 'mesh' }), /desc2024\.xml: expected MeSH descriptor XML \(<DescriptorRecordSet>\), found <QualifierRecordSet>/);
});

test('MeSH XML that is cut off names the line', async (t) => {
  const { store, dir } = openStore(t);
  const file = join(dir, 'desc2024.xml');
  writeFileSync(file, '<?xml version="1.0"?>\n<DescriptorRecordSet>\n<DescriptorRecord><DescriptorUI>D000001</DescriptorUI>\n</Oops>\n');
  await assert.rejects(importVocabulary(store, [file], { format: 'mesh' }), (err: Error) => {
    assert.match(err.message, /desc2024\.xml:4: /);
    return true;
  });
});

test('ICD-10-CM order file: codes in both forms, billable type, parents by longest prefix', async (t) => {
  const { store, dir } = openStore(t);
  const file = writeIcdOrderFile(join(dir, 'icd10cm-order-2024.txt'), ICD_ROWS);
  const r = await importVocabulary(store, [file]);
  assert.equal(r.vocabulary.format, 'icd10cm');
  assert.equal(r.vocabulary.version, 'FY2024');
  assert.equal(r.vocabulary.concepts, ICD_ROWS.length);
  const e1165 = store.concept('icd10cm', 'E11.65');
  assert.deepEqual(e1165.parents.map((p) => p.id), ['E11.6']);
  assert.deepEqual(e1165.types, ['billable']);
  assert.deepEqual(e1165.terms.filter((x) => x.kind === 'code').map((x) => x.text), ['E11.65', 'E1165']);
  const fx = store.concept('icd10cm', 'S72.001A');
  assert.equal(fx.name, 'Fracture of unspecified part of neck of right femur, initial encounter for closed fracture');
  assert.ok(fx.terms.some((x) => x.kind === 'alt' && x.text === 'Fx unsp part of neck of right femur, init'));
  assert.deepEqual(fx.parents.map((p) => p.id), ['S72.00'], 'S72.001 is absent, so the nearest present prefix');
  assert.deepEqual(store.lookupNorm('icd10cm', 'e119').map((x) => x.id), ['E11.9']);
  assert.deepEqual(store.stats('icd10cm').types, { billable: 4, header: 3 });
});

test('ICD-10-CM order file with a broken line names the line', async (t) => {
  const { store, dir } = openStore(t);
  const file = writeIcdOrderFile(join(dir, 'icd10cm_order_2024.txt'), ICD_ROWS.slice(0, 2));
  writeFileSync(file, `${'00003 E1X?   1 broken'}\n`, { flag: 'a' });
  await assert.rejects(importVocabulary(store, [file], { format: 'icd10cm' }), /icd10cm_order_2024\.txt:3: not an order-file line/);
  const skipped = await importVocabulary(store, [file], { format: 'icd10cm', skipInvalid: true });
  assert.equal(skipped.vocabulary.concepts, 2);
  assert.deepEqual(skipped.report.skipped, { 'malformed-row': 1 });
});

test('OBO with Babelon translations: synonyms with scope and type, is_a, xrefs, obsolete, languages', async (t) => {
  const { store, dir } = openStore(t);
  const obo = writeObo(join(dir, 'hp.obo'));
  const es = writeBabelon(join(dir, 'hp-es.babelon.tsv'), 'es', [
    ['HP:0001627', 'rdfs:label', 'Abnormal heart morphology', 'Anomalía de la morfología cardíaca', 'OFFICIAL'],
    ['HP:0001631', 'rdfs:label', 'Atrial septal defect', 'Comunicación interauricular', 'OFFICIAL'],
    ['HP:0001631', 'oboInOwl:hasExactSynonym', 'ASD', 'CIA', 'CANDIDATE'],
    ['HP:0001631', 'IAO:0000115', 'A defect…', 'Un defecto…', 'OFFICIAL'],
  ]);
  const r = await importVocabulary(store, [obo, es]);
  assert.equal(r.vocabulary.name, 'hpo', 'named from the "ontology: hp" header');
  assert.equal(r.vocabulary.format, 'hpo');
  assert.equal(r.vocabulary.version, '2024-08-13');
  assert.equal(r.vocabulary.concepts, 5);
  const heart = store.concept('hpo', 'HP:0001627');
  assert.equal(heart.description, 'Any structural anomaly of the "heart".');
  assert.deepEqual(heart.xrefs, ['MSH:D006330', 'UMLS:C0018798']);
  assert.deepEqual(heart.parents.map((p) => p.id), ['HP:0000118']);
  const terms = heart.terms.map((x) => `${x.lang}|${x.kind}|${x.scope ?? ''}|${x.origin ?? ''}|${x.text}`);
  assert.deepEqual(terms, [
    'en|preferred||name|Abnormal heart morphology',
    'en|alt|exact|synonym|Abnormality of cardiac morphology',
    'en|alt|exact|layperson|Heart defect',
    'en|alt|related|synonym|Cardiac anomalies',
    'es|preferred||translation:OFFICIAL|Anomalía de la morfología cardíaca',
  ]);
  assert.ok(store.concept('hpo', 'HP:0009999').obsolete);
  assert.deepEqual(store.concept('hpo', 'HP:0000001').children.map((c) => c.id), ['HP:0000118']);
  assert.match(r.report.notes.join('\n'), /1 rows with predicates other than labels and synonyms/);
  const stats = store.stats('hpo');
  assert.equal(stats.byLang['es']?.terms, 3);
  assert.equal(stats.obsolete, 1);
});

test('OBO is_a to an unknown id is bad input with the stanza line', async (t) => {
  const { store, dir } = openStore(t);
  const file = join(dir, 'x.obo');
  writeFileSync(file, 'format-version: 1.2\nontology: x\n\n[Term]\nid: X:1\nname: one\nis_a: X:404 ! missing\n');
  await assert.rejects(importVocabulary(store, [file]), /x\.obo:4 \(field "is_a"\): concept "X:1" names unknown parent "X:404"/);
});

test('Disease Ontology reports: parents by label, root from the xref table, obsolete rows left out', async (t) => {
  const { store, dir } = openStore(t);
  writeDoReports(join(dir, 'do'));
  const r = await importVocabulary(store, [join(dir, 'do')], { format: 'doid' });
  assert.equal(r.vocabulary.concepts, 5, '4 terms + the root from allXREFinDO.tsv');
  const mi = store.concept('doid', 'DOID:5844');
  assert.deepEqual(mi.parents.map((p) => p.id).sort(), ['DOID:1287', 'DOID:3393']);
  assert.deepEqual(mi.xrefs, ['ICD10CM:I21', 'MESH:D009203']);
  assert.deepEqual(mi.terms.filter((x) => x.kind === 'alt').map((x) => `${x.text}/${x.scope}`), ['heart attack/exact', 'MI/related']);
  assert.deepEqual(store.concept('doid', 'DOID:7').parents.map((p) => p.id), ['DOID:4']);
  assert.equal(store.stats('doid').roots, 1);
  assert.match(r.report.notes.join('\n'), /2 table rows about obsolete terms/);
});

test('the JSONL and TSV layouts of ESCO, MeSH, ICD-10-CM and HPO import like the official ones', async (t) => {
  const { store, dir } = openStore(t);
  const esco = join(dir, 'occupations_en.jsonl');
  writeFileSync(
    esco,
    [
      { uri: 'http://data.europa.eu/esco/occupation/a', code: '2512.4', iscoGroup: '2512', preferredLabel: 'software developer', altLabels: ['programmer'], description: 'Writes software.' },
      { uri: 'http://data.europa.eu/esco/occupation/b', code: '2512.4.1', iscoGroup: '2512', preferredLabel: 'java developer', altLabels: [], description: '' },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n'),
  );
  const e = await importVocabulary(store, [esco]);
  assert.equal(e.vocabulary.format, 'esco');
  assert.deepEqual(store.concept('esco', 'http://data.europa.eu/esco/occupation/b').parents.map((p) => p.id), ['http://data.europa.eu/esco/occupation/a']);

  const mesh = join(dir, 'mesh2024_descriptors.jsonl');
  writeFileSync(
    mesh,
    [
      { id: 'D000001', name: 'Top', terms: ['Top', 'Summit'], treeNumbers: ['C01'] },
      { id: 'D000002', name: 'Below', terms: ['Below'], treeNumbers: ['C01.100', 'C02.200'] },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n'),
  );
  const m = await importVocabulary(store, [mesh]);
  assert.equal(m.vocabulary.format, 'mesh');
  assert.equal(m.vocabulary.terms, 3);
  assert.deepEqual(store.concept('mesh', 'D000002').parents.map((p) => p.id), ['D000001']);
  assert.match(m.report.notes.join('\n'), /1 top-level tree numbers \(C02\) belong to no descriptor/);

  const icd = join(dir, 'icd10cm_2019.tsv');
  writeFileSync(icd, 'code\tcode_dotted\tbillable\tlong_desc\tshort_desc\tcategory\nI10\tI10\t1\tEssential (primary) hypertension\tEssential (primary) hypertension\tI10\nE11\tE11\t0\tType 2 diabetes mellitus\tType 2 diabetes mellitus\tE11\nE119\tE11.9\t1\tType 2 diabetes mellitus without complications\tType 2 diabetes mellitus w/o complications\tE11\n');
  const i = await importVocabulary(store, [icd]);
  assert.equal(i.vocabulary.format, 'icd10cm');
  const e119 = store.concept('icd10cm', 'E11.9');
  assert.deepEqual(e119.parents.map((p) => p.id), ['E11']);
  assert.ok(e119.terms.some((x) => x.text === 'Type 2 diabetes mellitus w/o complications' && x.kind === 'alt'));

  const hpoTerms = join(dir, 'hpo_en_terms.tsv');
  writeFileSync(hpoTerms, 'hp_id\tlabel_en\tlayperson_synonyms_en\nHP:0001631\tAtrial septal defect\tHole in the heart | ASD\nHP:0000002\tobsolete Something\t\n');
  const hpoTr = join(dir, 'hpo_translations.tsv');
  writeFileSync(
    hpoTr,
    'hp_id\tlang\tpredicate\tsource_en\ttranslation\tstatus\n' +
      'HP:0001631\tes\trdfs:label\tAtrial septal defect\tComunicación interauricular\tOFFICIAL\n' +
      'HP:0001631\tfr\toboInOwl:hasExactSynonym\t\tHole in heart wall\tNOT_TRANSLATED\n' +
      'HP:0001631\tde\trdfs:label\tAtrial septal defect\tVorhofseptumdefekt\tCANDIDATE\n',
  );
  const h = await importVocabulary(store, [hpoTerms, hpoTr]);
  assert.equal(h.vocabulary.name, 'hpo');
  const asd = store.concept('hpo', 'HP:0001631');
  assert.deepEqual(
    asd.terms.map((x) => `${x.lang}:${x.kind}:${x.origin}:${x.text}`),
    [
      'en:preferred:name:Atrial septal defect',
      'en:alt:layperson:Hole in the heart',
      'en:alt:layperson:ASD',
      'es:preferred:translation:OFFICIAL:Comunicación interauricular',
      'en:alt:translation:NOT_TRANSLATED:Hole in heart wall',
      'de:preferred:translation:CANDIDATE:Vorhofseptumdefekt',
    ],
  );
  assert.equal(store.concept('hpo', 'HP:0000002').obsolete, true);

  const onlyEs = await importVocabulary(store, [hpoTerms, hpoTr], { name: 'hpo-en-es', langs: ['en', 'es'] });
  assert.deepEqual(Object.keys(store.stats('hpo-en-es').byLang).sort(), ['en', 'es']);
  assert.match(onlyEs.report.notes.join('\n'), /1 terms in languages other than en, es were left out/);
});
