/**
 * Small vocabulary files in each source's official layout, written by the tests
 * themselves (the content is made up; only the layout follows the publisher's).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** ESCO CSV export: occupations_<lang>.csv and ISCOGroups_<lang>.csv. */
export function writeEscoCsv(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const occHeader = ['conceptType', 'conceptUri', 'iscoGroup', 'preferredLabel', 'altLabels', 'hiddenLabels', 'status', 'modifiedDate', 'regulatedProfessionNote', 'scopeNote', 'definition', 'inScheme', 'description', 'code'];
  const occ = (lang: string, rows: Array<[string, string, string, string[], string[], string, string]>): string =>
    [
      occHeader.join(','),
      ...rows.map(([uri, isco, pref, alt, hidden, desc, code]) =>
        ['Occupation', uri, isco, pref, alt.join('\n'), hidden.join('\n'), 'released', '2024-01-01T00:00:00Z', '', '', '', 'http://data.europa.eu/esco/concept-scheme/occupations', desc, code].map(csvCell).join(','),
      ),
    ].join('\n') + '\n';
  const U = 'http://data.europa.eu/esco/occupation/';
  writeFileSync(
    join(dir, 'occupations_en.csv'),
    occ('en', [
      [`${U}dev`, 'http://data.europa.eu/esco/isco/C2512', 'software developer', ['programmer', 'software engineer', 'application developer'], ['softwaredev'], 'Software developers write code, "tested".', '2512.4'],
      [`${U}dev-java`, 'http://data.europa.eu/esco/isco/C2512', 'java developer', ['java programmer'], [], 'Writes Java.', '2512.4.1'],
      [`${U}nurse`, 'http://data.europa.eu/esco/isco/C2221', 'nurse responsible for general care', ['registered nurse', 'general nurse'], [], 'Nurses care.', '2221.1'],
    ]),
  );
  writeFileSync(
    join(dir, 'occupations_fr.csv'),
    occ('fr', [
      [`${U}dev`, 'http://data.europa.eu/esco/isco/C2512', 'développeur logiciel/développeuse logiciel', ['programmeur', 'programmeuse'], [], 'Les développeurs…', '2512.4'],
      [`${U}nurse`, 'http://data.europa.eu/esco/isco/C2221', 'infirmier en soins généraux/infirmière en soins généraux', ['infirmière'], [], 'Les infirmiers…', '2221.1'],
    ]),
  );
  const grpHeader = ['conceptType', 'conceptUri', 'code', 'preferredLabel', 'altLabels', 'inScheme', 'description'];
  writeFileSync(
    join(dir, 'ISCOGroups_en.csv'),
    [
      grpHeader.join(','),
      ...[
        ['ISCOGroup', 'http://data.europa.eu/esco/isco/C2', '2', 'Professionals', '', 'isco', ''],
        ['ISCOGroup', 'http://data.europa.eu/esco/isco/C25', '25', 'ICT professionals', '', 'isco', ''],
        ['ISCOGroup', 'http://data.europa.eu/esco/isco/C251', '251', 'Software and applications developers and analysts', '', 'isco', ''],
        ['ISCOGroup', 'http://data.europa.eu/esco/isco/C2512', '2512', 'Software developers', '', 'isco', ''],
      ].map((r) => r.map(csvCell).join(',')),
    ].join('\n') + '\n',
  );
  return [join(dir, 'occupations_en.csv'), join(dir, 'occupations_fr.csv'), join(dir, 'ISCOGroups_en.csv')];
}

/** O*NET database text files (tab-separated, header line). */
export function writeOnet(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'Occupation Data.txt'),
    'O*NET-SOC Code\tTitle\tDescription\n' +
      '15-1252.00\tSoftware Developers\tResearch, design, and develop computer software.\n' +
      '15-1299.08\tComputer Systems Engineers/Architects\tDesign and develop solutions.\n' +
      '15-1299.00\tComputer Occupations, All Other\tAll computer occupations not listed separately.\n' +
      '29-1141.00\tRegistered Nurses\tAssess patient health problems and needs.\n',
  );
  writeFileSync(
    join(dir, 'Alternate Titles.txt'),
    'O*NET-SOC Code\tTitle\tAlternate Title\tShort Title\tSource(s)\n' +
      '15-1252.00\tSoftware Developers\tApplication Developer\t\t08\n' +
      '15-1252.00\tSoftware Developers\tSoftware Engineer\tSWE\t09\n' +
      '15-1252.00\tSoftware Developers\tSoftware Engineer\tSWE\t10\n' +
      '29-1141.00\tRegistered Nurses\tStaff Nurse\tRN\t08\n',
  );
  writeFileSync(
    join(dir, 'Sample of Reported Titles.txt'),
    'O*NET-SOC Code\tTitle\tReported Job Title\tShown in My Next Move\n' +
      '15-1252.00\tSoftware Developers\tSoftware Engineer\tY\n' +
      '29-1141.00\tRegistered Nurses\tCharge Nurse\tN\n',
  );
  return dir;
}

/** NLM MeSH descriptor XML (desc<year>.xml). */
export function writeMeshXml(file: string): string {
  const term = (s: string, opts: { pref?: boolean; permuted?: boolean } = {}) =>
    `<Term ConceptPreferredTermYN="${opts.pref ? 'Y' : 'N'}" IsPermutedTermYN="${opts.permuted ? 'Y' : 'N'}" LexicalTag="NON" RecordPreferredTermYN="${opts.pref ? 'Y' : 'N'}"><TermUI>T0</TermUI><String>${s}</String></Term>`;
  const rec = (ui: string, name: string, trees: string[], concepts: Array<{ pref: boolean; scope?: string; terms: string[]; permuted?: string[] }>) => `
<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>${ui}</DescriptorUI>
  <DescriptorName><String>${name}</String></DescriptorName>
  <TreeNumberList>${trees.map((t) => `<TreeNumber>${t}</TreeNumber>`).join('')}</TreeNumberList>
  <PharmacologicalActionList><PharmacologicalAction><DescriptorReferredTo><DescriptorUI>D000000</DescriptorUI><DescriptorName><String>Not a name</String></DescriptorName></DescriptorReferredTo></PharmacologicalAction></PharmacologicalActionList>
  <ConceptList>${concepts
    .map(
      (c) => `
    <Concept PreferredConceptYN="${c.pref ? 'Y' : 'N'}"><ConceptUI>M0</ConceptUI><ConceptName><String>${c.terms[0]}</String></ConceptName>${c.scope ? `<ScopeNote>${c.scope}</ScopeNote>` : ''}
      <TermList>${c.terms.map((t, i) => term(t, { pref: c.pref && i === 0 })).join('')}${(c.permuted ?? []).map((t) => term(t, { permuted: true })).join('')}</TermList>
    </Concept>`,
    )
    .join('')}
  </ConceptList>
</DescriptorRecord>`;
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE DescriptorRecordSet SYSTEM "https://www.nlm.nih.gov/databases/dtd/nlmdescriptorrecordset_20240101.dtd">
<DescriptorRecordSet LanguageCode = "eng">${rec('D009203', 'Myocardial Infarction', ['C14.280.647.500', 'C14.907.585.500'], [
      { pref: true, scope: 'NECROSIS of the MYOCARDIUM caused by an obstruction &amp; more.', terms: ['Myocardial Infarction', 'Heart Attack'], permuted: ['Infarction, Myocardial'] },
      { pref: false, terms: ['Cardiovascular Stroke'] },
    ])}${rec('D009204', 'Myocardial Ischemia', ['C14.280.647', 'C14.907.585'], [{ pref: true, terms: ['Myocardial Ischemia'] }])}${rec('D002318', 'Cardiovascular Diseases', ['C14'], [{ pref: true, terms: ['Cardiovascular Diseases'] }])}${rec('D006331', 'Heart Diseases', ['C14.280'], [{ pref: true, terms: ['Heart Diseases'] }])}${rec('D014652', 'Vascular Diseases', ['C14.907'], [{ pref: true, terms: ['Vascular Diseases'] }])}
</DescriptorRecordSet>
`,
  );
  return file;
}

export interface OrderRow {
  code: string;
  billable: boolean;
  short: string;
  long: string;
}

/** CMS/CDC ICD-10-CM order file: fixed columns. */
export function writeIcdOrderFile(file: string, rows: OrderRow[]): string {
  writeFileSync(
    file,
    rows.map((r, i) => `${String(i + 1).padStart(5, '0')} ${r.code.padEnd(7)} ${r.billable ? 1 : 0} ${r.short.padEnd(60)} ${r.long}`).join('\n') + '\n',
  );
  return file;
}

export const ICD_ROWS: OrderRow[] = [
  { code: 'E11', billable: false, short: 'Type 2 diabetes mellitus', long: 'Type 2 diabetes mellitus' },
  { code: 'E116', billable: false, short: 'Type 2 diabetes mellitus with other specified complications', long: 'Type 2 diabetes mellitus with other specified complications' },
  { code: 'E1165', billable: true, short: 'Type 2 diabetes mellitus with hyperglycemia', long: 'Type 2 diabetes mellitus with hyperglycemia' },
  { code: 'E119', billable: true, short: 'Type 2 diabetes mellitus without complications', long: 'Type 2 diabetes mellitus without complications' },
  { code: 'I10', billable: true, short: 'Essential (primary) hypertension', long: 'Essential (primary) hypertension' },
  { code: 'S7200', billable: false, short: 'Fracture of unsp part of neck of femur', long: 'Fracture of unspecified part of neck of femur' },
  { code: 'S72001A', billable: true, short: 'Fx unsp part of neck of right femur, init', long: 'Fracture of unspecified part of neck of right femur, initial encounter for closed fracture' },
];

/** An HPO-like OBO file with layperson synonyms, is_a, xrefs and an obsolete term. */
export function writeObo(file: string): string {
  writeFileSync(
    file,
    `format-version: 1.2
data-version: hp/releases/2024-08-13
ontology: hp
default-namespace: human_phenotype

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0000118
name: Phenotypic abnormality
is_a: HP:0000001 ! All

[Term]
id: HP:0001627
name: Abnormal heart morphology
def: "Any structural anomaly of the \\"heart\\"." [HPO:probinson]
synonym: "Abnormality of cardiac morphology" EXACT []
synonym: "Heart defect" EXACT layperson [ORCID:0000-0001-5208-3432]
synonym: "Cardiac anomalies" RELATED [] {source="x"}
xref: UMLS:C0018798
xref: MSH:D006330 {source="MSH:D006330"}
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0001631
name: Atrial septal defect
synonym: "Hole in heart wall separating two upper heart chambers" EXACT layperson []
synonym: "ASD" EXACT abbreviation []
is_a: HP:0001627 ! Abnormal heart morphology

[Term]
id: HP:0009999
name: obsolete Old heart thing
is_obsolete: true

[Typedef]
id: part_of
name: part of
`,
  );
  return file;
}

/** A Babelon translation table as the HPO publishes it (hp-<lang>.babelon.tsv). */
export function writeBabelon(file: string, lang: string, rows: Array<[string, string, string, string, string]>): string {
  writeFileSync(
    file,
    'source_language\ttranslation_language\tsubject_id\tpredicate_id\tsource_value\ttranslation_value\ttranslation_status\n' +
      rows.map(([id, pred, src, tr, status]) => `en\t${lang}\t${id}\t${pred}\t${src}\t${tr}\t${status}`).join('\n') +
      '\n',
  );
  return file;
}

/** The Disease Ontology's TSV reports: HumanDO.tsv, allXREFinDO.tsv and a synonym table. */
export function writeDoReports(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'HumanDO.tsv'),
    'id\tlabel\tsubClassOf\n' +
      'DOID:7\tdisease of anatomical entity\tdisease\n' +
      'DOID:1287\tcardiovascular system disease\tdisease of anatomical entity\n' +
      'DOID:5844\tmyocardial infarction\tcardiovascular system disease\n' +
      'DOID:5844\tmyocardial infarction\tcoronary artery disease\n' +
      'DOID:3393\tcoronary artery disease\tcardiovascular system disease\n',
  );
  writeFileSync(
    join(dir, 'allXREFinDO.tsv'),
    'id\tlabel\txref\n' +
      'DOID:4\tdisease\tMESH:D004194\n' +
      'DOID:5844\tmyocardial infarction\tICD10CM:I21\n' +
      'DOID:5844\tmyocardial infarction\tMESH:D009203\n' +
      'DOID:0000001\tobsolete old disease\tMESH:D000001\n',
  );
  writeFileSync(
    join(dir, 'doid_synonyms_from_subsets.tsv'),
    'doid\tlabel\tsynonym\tscope\n' +
      'DOID:5844\tmyocardial infarction\theart attack\tEXACT\n' +
      'DOID:5844\tmyocardial infarction\tMI\tRELATED\n' +
      'DOID:0000001\tobsolete old disease\told thing\tEXACT\n',
  );
  return dir;
}
