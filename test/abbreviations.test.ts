import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abbreviationMap, bestLongForm, expandAbbreviations, findAbbreviations } from '../src/normalize/abbreviations.js';
import { corefDocument } from '../src/normalize/coref.js';

/**
 * Definitions written for this project: [sentence, short form, long form]. The long form's
 * boundaries are part of the test: it starts exactly where the expected string starts.
 */
const DEFINITIONS: Array<[string, string, string]> = [
  ['Patients with chronic obstructive pulmonary disease (COPD) were enrolled.', 'COPD', 'chronic obstructive pulmonary disease'],
  ['The adenomatous polyposis coli (APC) gene was sequenced in 20 families.', 'APC', 'adenomatous polyposis coli'],
  ['Levels of heat shock protein 70 (HSP70) rose after exercise.', 'HSP70', 'heat shock protein 70'],
  ['We diagnosed Wilson disease (WD) in three siblings.', 'WD', 'Wilson disease'],
  ['Children with attention deficit hyperactivity disorder (ADHD) were followed for a year.', 'ADHD', 'attention deficit hyperactivity disorder'],
  ['Mutations cause Duchenne muscular dystrophy (DMD) in boys.', 'DMD', 'Duchenne muscular dystrophy'],
  ['In contrast, Becker muscular dystrophy (BMD) is milder.', 'BMD', 'Becker muscular dystrophy'],
  ['The risk of deep vein thrombosis (DVT) doubled.', 'DVT', 'deep vein thrombosis'],
  ['Samples were tested by fluorescence in situ hybridization (FISH) twice.', 'FISH', 'fluorescence in situ hybridization'],
  ['Ataxia-telangiectasia (A-T) is a recessive disorder.', 'A-T', 'Ataxia-telangiectasia'],
  ['We measured the body mass index (BMI; kg/m2) in all subjects.', 'BMI', 'body mass index'],
  ['Type 2 diabetes mellitus (T2DM) is common in older adults.', 'T2DM', 'Type 2 diabetes mellitus'],
  ['Tumour necrosis factor alpha (TNF-alpha) was elevated.', 'TNF-alpha', 'Tumour necrosis factor alpha'],
  ['Hereditary nonpolyposis colorectal cancer (HNPCC) families were screened.', 'HNPCC', 'Hereditary nonpolyposis colorectal cancer'],
  ['The familial adenomatous polyposis (FAP) phenotype varies.', 'FAP', 'familial adenomatous polyposis'],
  ['Rates of acute kidney injury (AKI) fell.', 'AKI', 'acute kidney injury'],
  ['She developed acute respiratory distress syndrome (ARDS) on day two.', 'ARDS', 'acute respiratory distress syndrome'],
  ['Magnetic resonance imaging (MRI) showed a lesion.', 'MRI', 'Magnetic resonance imaging'],
  ['Electronic health records (EHRs) were reviewed.', 'EHRs', 'Electronic health records'],
  ['The senior software engineer (SSE) role was advertised.', 'SSE', 'senior software engineer'],
  ['Each certified nursing assistant (CNA) completed the course.', 'CNA', 'certified nursing assistant'],
  ['A licensed practical nurse (LPN) staffed the ward.', 'LPN', 'licensed practical nurse'],
  ['The human resources (HR) team approved it.', 'HR', 'human resources'],
  ['Our site reliability engineering (SRE) group is hiring.', 'SRE', 'site reliability engineering'],
  ['We used term frequency inverse document frequency (TF-IDF) weights.', 'TF-IDF', 'term frequency inverse document frequency'],
  ['Von Hippel-Lindau disease (VHL) causes tumours.', 'VHL', 'Von Hippel-Lindau disease'],
  ['Obstructive sleep apnoea (OSA) was confirmed by polysomnography.', 'OSA', 'Obstructive sleep apnoea'],
  ['Prostate specific antigen (PSA) was normal.', 'PSA', 'Prostate specific antigen'],
  ['Congestive heart failure (CHF) admissions rose.', 'CHF', 'Congestive heart failure'],
  ['Interleukin 6 (IL-6) is a cytokine.', 'IL-6', 'Interleukin 6'],
  ['TNF (tumour necrosis factor) is a cytokine.', 'TNF', 'tumour necrosis factor'],
  ['Blood was drawn for PCR (polymerase chain reaction) analysis.', 'PCR', 'polymerase chain reaction'],
  ['The ESCO (European Skills, Competences, Qualifications and Occupations) taxonomy is multilingual.', 'ESCO', 'European Skills, Competences, Qualifications and Occupations'],
];

test(`Schwartz–Hearst finds ${DEFINITIONS.length} definitions with exact boundaries`, () => {
  assert.ok(DEFINITIONS.length >= 30);
  for (const [sentence, short, long] of DEFINITIONS) {
    const found = findAbbreviations(sentence);
    assert.equal(found.length, 1, `${sentence} → ${JSON.stringify(found)}`);
    const d = found[0]!;
    assert.equal(d.short, short, sentence);
    assert.equal(d.long, long, sentence);
    assert.equal(sentence.slice(d.longStart, d.longStart + d.long.length), long, `long-form offset in ${sentence}`);
    assert.equal(sentence.slice(d.shortStart, d.shortStart + d.short.length), short, `short-form offset in ${sentence}`);
  }
});

test('Schwartz–Hearst rejects what is not a definition', () => {
  for (const sentence of [
    'Results were significant (p < 0.05).',
    'The dose (10 mg) was well tolerated.',
    'A myotonic dystrophy (DM) gene was cloned.', // letters out of order: D before M is not in "myotonic dystrophy"
    'See the appendix (Table 2) for details.',
    'We enrolled patients (n = 40).',
    'The gene (see below) is large.',
    'It was (unexpectedly) negative.',
  ]) {
    assert.deepEqual(findAbbreviations(sentence), [], sentence);
  }
  assert.equal(bestLongForm('HSP', 'heat shock protein'), 'heat shock protein');
  assert.equal(bestLongForm('XYZ', 'heat shock protein'), null);
});

test('a document map expands later uses of each short form, first definition winning', () => {
  const doc = 'Wilson disease (WD) is rare. WD causes copper overload. Later, WD (see above) and WDX differ. Another Wilson disease (WD).';
  const map = abbreviationMap(doc);
  assert.deepEqual([...map], [['WD', 'Wilson disease']]);
  assert.equal(expandAbbreviations('WD and WDX and (WD)', map), 'Wilson disease and WDX and (Wilson disease)');
  assert.equal(expandAbbreviations('nothing here', new Map()), 'nothing here');
});

test('co-reference groups abbreviations, case, plural and spelling variants; partial forms only on request', () => {
  const text = 'Hereditary nonpolyposis colorectal cancer (HNPCC) is common. Families with HNPCC develop colorectal cancer. Wilson disease (WD) and Wilsons disease.';
  const mentions = [
    { id: 'm1', text: 'Hereditary nonpolyposis colorectal cancer' },
    { id: 'm2', text: 'HNPCC' },
    { id: 'm3', text: 'colorectal cancer' },
    { id: 'm4', text: 'Wilson disease' },
    { id: 'm5', text: 'WD' },
    { id: 'm6', text: 'Wilsons disease' },
    { id: 'm7', text: 'WILSON DISEASE' },
    { id: 'm8', text: 'haemochromatosis' },
    { id: 'm9', text: 'hemochromatosis' },
    { id: 'm10', text: 'type 1 diabetes' },
    { id: 'm11', text: 'type 2 diabetes' },
  ];
  const r = corefDocument(text, mentions);
  const groupOf = (id: string) => r.groups.find((g) => g.members.includes(id))!;
  assert.deepEqual(groupOf('m2').members, ['m1', 'm2']);
  assert.equal(groupOf('m2').canonical, 'Hereditary nonpolyposis colorectal cancer');
  assert.equal(groupOf('m2').reasons['m2'], 'abbreviation');
  assert.deepEqual(groupOf('m3').members, ['m3'], 'a partial form stays apart by default');
  assert.deepEqual(groupOf('m5').members, ['m4', 'm5', 'm6', 'm7']);
  assert.equal(r.canonical.get('m5'), 'Wilson disease');
  assert.deepEqual(groupOf('m9').members, ['m8', 'm9']);
  assert.equal(groupOf('m9').reasons['m9'], 'spelling');
  assert.notEqual(groupOf('m10'), groupOf('m11'), 'numbers are never spelling variants');

  const partial = corefDocument(text, mentions, { partial: true });
  assert.deepEqual(partial.groups.find((g) => g.members.includes('m3'))!.members, ['m1', 'm2', 'm3']);
  assert.equal(partial.canonical.get('m3'), 'Hereditary nonpolyposis colorectal cancer');
});
