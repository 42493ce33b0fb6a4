/**
 * Table-driven input → output cases for cleanup and the built-in rule packs.
 * Each row: [input, expected normalized text, expected attributes (a subset), expected codes].
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanup } from '../src/normalize/cleanup.js';
import { normalize } from '../src/normalize/engine.js';
import { loadPack, type CompiledPack } from '../src/normalize/pack.js';

type Row = [input: string, text: string, attributes?: Record<string, string[]>, codes?: string[]];

function check(pack: CompiledPack | undefined, rows: Row[]): void {
  for (const [input, text, attributes, codes] of rows) {
    const r = normalize(input, pack);
    assert.equal(r.text, text, `text of ${JSON.stringify(input)}`);
    for (const [k, v] of Object.entries(attributes ?? {})) assert.deepEqual(r.attributes[k], v, `attribute ${k} of ${JSON.stringify(input)}`);
    if (attributes && Object.keys(attributes).length === 0) assert.deepEqual(r.attributes, {}, `no attributes for ${JSON.stringify(input)}`);
    if (codes) assert.deepEqual(r.codes.map((c) => `${c.system}:${c.code}`), codes, `codes of ${JSON.stringify(input)}`);
  }
}

const CLEANUP: Array<[string, string]> = [
  ['', ''],
  ['   \t\n  ', ''],
  ['Caf&eacute; &amp; Bar', 'Café & Bar'],
  ['&lt;b&gt;Nurse&lt;/b&gt;', '<b>Nurse</b>'],
  ['ＦＵＬＬＷＩＤＴＨ ｎｕｒｓｅ', 'FULLWIDTH nurse'],
  ['“smart” ‘quotes’', '"smart" \'quotes\''],
  ['en–dash — em dash', 'en-dash - em dash'],
  ['zero\u200bwidth\u200djoiner', 'zerowidthjoiner'],
  ['bell\u0007 and\u0000 nul', 'bell and nul'],
  ['line\nbreak\ttab', 'line break tab'],
  ['\u202eRTL override\u202c', 'RTL override'],
  ['ﬁle ﬂow', 'file flow'],
  ['Cafe\u0301', 'Café'],
  ['m²', 'm2'],
  ['½ time', '1/2 time'],
  ['nurse 👩‍⚕️', 'nurse 👩⚕️'],
  ['ممرضة', 'ممرضة'],
  ['a\u00a0b', 'a b'],
  ['x  \u3000  y', 'x y'],
  ['#1 C++ (dev) [.*]?', '#1 C++ (dev) [.*]?'],
];

test('cleanup: entities, Unicode forms, quotes, dashes, spaces, control characters', () => {
  for (const [input, want] of CLEANUP) assert.equal(cleanup(input), want, JSON.stringify(input));
});

const JOBS: Row[] = [
  ['Sr. Java Dev (m/w/d) – remote', 'Java developer', { seniority: ['senior'], gender_marker: ['(m/w/d)'], work_mode: ['remote'] }],
  ['Senior Software Engineer, London', 'Software Engineer', { seniority: ['senior'], location: ['London'] }],
  ['Junior Data Analyst (f/m/x)', 'Data Analyst', { seniority: ['junior'], gender_marker: ['(f/m/x)'] }],
  ['Softwareentwickler/in (m/w/d) Vollzeit', 'Softwareentwickler', { gender_form: ['de'], contract: ['full_time'] }],
  ['Pflegefachkraft (m/w/d) in Teilzeit', 'Pflegefachkraft in', { contract: ['part_time'] }],
  ['Entwickler*innen für Backend', 'Entwickler für back end', { gender_form: ['de'] }],
  ['Sachbearbeiter:in Buchhaltung', 'Sachbearbeiter Buchhaltung', { gender_form: ['de'] }],
  ['Industriekaufmann/-frau', 'Industriekaufmann', { gender_form: ['de'] }],
  ['Développeur/euse Full-Stack H/F - CDI - Paris', 'Développeur full stack', { gender_form: ['fr'], contract: ['permanent'], location: ['Paris'] }],
  ['Infirmier/ère de nuit', 'Infirmier', { gender_form: ['fr'], schedule: ['de nuit'] }],
  ['Technicien(ne) de maintenance', 'Technicien de maintenance', { gender_form: ['fr'] }],
  ['Assistant(e) de direction', 'Assistant de direction', { gender_form: ['fr'] }],
  ['Directeur/trice commercial', 'Directeur commercial', { gender_form: ['fr'] }],
  ['Enfermero/a - Madrid', 'Enfermero', { gender_form: ['es'], location: ['Madrid'] }],
  ['Desarrollador/a Java', 'Desarrollador Java', { gender_form: ['es'] }],
  ['Camarero(a) tiempo completo', 'Camarero', { gender_form: ['es'], contract: ['full_time'] }],
  ['Accountant II', 'Accountant', { level: ['II'] }],
  ['Software Engineer III', 'Software Engineer', { level: ['III'] }],
  ['L2 Support Engineer', 'Support Engineer', { level: ['2'] }],
  ['Analyst Level 3', 'Analyst', { level: ['3'] }],
  ['nurse 11', 'nurse', { level: ['11'] }],
  ['Lead Java Developer', 'Java Developer', { seniority: ['lead'] }],
  ['Team Lead', 'Team Lead', {}],
  ['Principal Software Engineer', 'Software Engineer', { seniority: ['principal'] }],
  ['Principal', 'Principal', {}],
  ['Staff Engineer', 'Engineer', { seniority: ['staff'] }],
  ['Staff Nurse', 'Staff Nurse', {}],
  ['Mid-level Product Designer', 'Product Designer', { seniority: ['mid'] }],
  ['Entry-level Accountant', 'Accountant', { seniority: ['junior'] }],
  ['Data Entry Clerk', 'Data Entry Clerk', {}],
  ['Graduate Engineer', 'Engineer', { seniority: ['junior'] }],
  ['seniorJavaDeveloper', 'Java Developer', { seniority: ['senior'] }],
  ['softwareEngineer', 'software Engineer', {}],
  ['back_end_developer', 'back end developer', {}],
  ['DevOps Engineer', 'devops Engineer', {}],
  ['JavaScript Developer', 'JavaScript Developer', {}],
  ['Full-Stack Dev', 'full stack developer', {}],
  ['Frontend Engineer', 'front end Engineer', {}],
  ['IT Support Tech', 'information technology Support technician', {}],
  ['it support', 'it support', {}],
  ['Sys Admin', 'system administrator', {}],
  ['Admin Assistant', 'administrative assistant', {}],
  ['Office Mgr', 'Office manager', {}],
  ['Asst. Store Manager', 'assistant Store Manager', {}],
  ['Acct Exec', 'account executive', {}],
  ['Sales Rep', 'Sales representative', {}],
  ['Customer Svc Rep', 'Customer service representative', {}],
  ['QA Engineer', 'quality assurance Engineer', {}],
  ['HR Coordinator', 'human resources Coordinator', {}],
  ['HR Coord.', 'human resources coordinator', {}],
  ['SWE', 'software engineer', {}],
  ['SRE', 'site reliability engineer', {}],
  ['CEO', 'chief executive officer', {}],
  ['VP Sales', 'vice president Sales', {}],
  ['RN - ICU', 'registered nurse - ICU', {}],
  ['CNA', 'certified nursing assistant', {}],
  ['LPN', 'licensed practical nurse', {}],
  ['PT Assistant', 'physical therapist assistant', {}],
  ['Cashier - PT', 'Cashier', { contract: ['part_time'] }],
  ['AP Clerk', 'accounts payable clerk', {}],
  ['Manager (AR)', 'Manager (accounts receivable)', {}],
  ['CDL-A Driver', 'truck driver', {}],
  ['Vet Tech', 'veterinary technician', {}],
  ['Pharmacy Tech', 'pharmacy technician', {}],
  ['Tech Lead', 'technical lead', {}],
  ['Mktg Mgr', 'marketing manager', {}],
  ['Whse Associate', 'warehouse Associate', {}],
  ['Maint. Tech', 'maintenance technician', {}],
  ['Building Maintainance Man', 'Building maintenance Man', {}],
  ['UI/UX Designer', 'ui ux Designer', {}],
  ['ML Engineer', 'machine learning Engineer', {}],
  ['BI Analyst', 'business intelligence Analyst', {}],
  ['Marketing Intern', 'Marketing', { contract: ['internship'] }],
  ['Retail Sales Assistant (Trainee)', 'Retail Sales Assistant', { contract: ['internship'] }],
  ['Apprentice Electrician', 'Electrician', { contract: ['internship'] }],
  ['Nurse - Night Shift', 'Nurse', { schedule: ['Night Shift'] }],
  ['Warehouse Worker - Weekends', 'Warehouse Worker', { schedule: ['Weekends'] }],
  ['Barista (Part-time)', 'Barista', { contract: ['part_time'] }],
  ['Freelance Copywriter', 'Copywriter', { contract: ['freelance'] }],
  ['Temporary Receptionist', 'Receptionist', { contract: ['temporary'] }],
  ['Contract Manager', 'Contract Manager', {}],
  ['Remote Customer Support Agent', 'Customer Support Agent', { work_mode: ['remote'] }],
  ['Hybrid Data Engineer', 'Data Engineer', { work_mode: ['hybrid'] }],
  ['Home Office Manager', 'Manager', { work_mode: ['remote'] }],
  ['URGENT!! Forklift Driver', 'Forklift Driver', { urgency: ['urgent'] }],
  ['Chef de Partie - Immediate Start', 'Chef de Partie', { urgency: ['urgent'] }],
  ['Welder - $25/hr', 'Welder', { salary: ['$25/hr'] }],
  ['Accountant £30,000 - £35,000', 'Accountant', { salary: ['£30,000 - £35,000'] }],
  ['Entwickler 60k € p.a.', 'Entwickler', { salary: ['60k € p.a.'] }],
  ['Sales Executive - RM3000', 'Sales Executive', { salary: ['RM3000'] }],
  ['Software Engineer - up to $120k + bonus', 'Software Engineer', { salary: ['up to $120k + bonus'] }],
  ['Job: Electrician', 'Electrician', {}],
  ['Vacancy - Receptionist', 'Receptionist', {}],
  ['Cook needed', 'Cook', {}],
  ['Nurses wanted!', 'Nurse', {}],
  ['Preschool Teachers', 'Preschool Teacher', {}],
  ['General Workers', 'General Worker', {}],
  ['Sales Operations', 'Sales Operations', {}],
  ['Human Resources', 'Human Resources', {}],
  ['Marketing Executive (Selangor)', 'Marketing Executive', { location: ['Selangor'] }],
  ['Sales Consultant - Puchong', 'Sales Consultant', { location: ['Puchong'] }],
  ['Supervisor (KL/Selangor/Penang)', 'Supervisor', { location: ['KL/Selangor/Penang'] }],
  ['Data Scientist in Berlin', 'Data Scientist', { location: ['Berlin'] }],
  ['Barista - Austin, TX', 'Barista', { location: ['Austin, TX'] }],
  ['Waiter at Nice restaurant', 'Waiter at Nice restaurant', {}],
  ['Dipl.-Ing. Maschinenbau', 'Maschinenbau', { credential: ['Dipl.-Ing.'] }],
  ['Project Manager (PMP)', 'Project Manager', { credential: ['PMP'] }],
  ['Ingénieur(e) logiciel', 'Ingénieur logiciel', { gender_form: ['fr'] }],
  ['Azubi Bürokaufmann', 'auszubildender Bürokaufmann', {}],
  ['Resp. logistique', 'responsable logistique', {}],
  ['Aux. administrativo', 'auxiliar administrativo', {}],
  ['#hiring Barista', 'Barista', {}],
  ['', '', {}],
  ['   ', '', {}],
  ['(m/w/d)', '', { gender_marker: ['(m/w/d)'] }],
  ['---', '', {}],
  ['C++ Developer', 'C++ Developer', {}],
  ['.NET Dev (C#)', '.NET developer (C#)', {}],
  ['Data Engineer [Spark/Scala] (*.py)', 'Data Engineer [Spark/Scala] (*.py)', {}],
  ['Nurse 👩‍⚕️ ICU', 'Nurse 👩⚕️ ICU', {}],
  ['ممرض - دبي', 'ممرض - دبي', {}],
  ['Kuchar\u0301 (m/z)', 'Kuchaŕ (m/z)', {}],
];

const MEDICAL: Row[] = [
  ['heart attack', 'heart attack', {}],
  ['No hx of CHF', 'congestive heart failure', { negated: ['No'], temporal: ['history'] }],
  ['denies chest pain', 'chest pain', { negated: ['denies'] }],
  ['negative for MRSA', 'methicillin resistant staphylococcus aureus infection', { negated: ['negative for'] }],
  ['without fever', 'fever', { negated: ['without'] }],
  ['Type 2 diabetes mellitus without complications', 'Type 2 diabetes mellitus without complication', {}],
  ['possible MI', 'myocardial infarction', { certainty: ['uncertain'] }],
  ['suspected PE', 'PE', { certainty: ['uncertain'], ambiguous_abbreviation: ['PE'] }],
  ['h/o stroke', 'stroke', { temporal: ['history'] }],
  ['s/p appendectomy', 'appendectomy', { temporal: ['history'] }],
  ['family history of breast cancer', 'breast cancer', { experiencer: ['family'] }],
  ['sin fiebre', 'fiebre', { negated: ['sin'] }],
  ['pas de douleur', 'douleur', { negated: ['pas de'] }],
  ['kein Fieber', 'Fieber', { negated: ['kein'] }],
  ['lt knee fx', 'left knee fracture', { laterality: ['left'] }],
  ['rt hip pain', 'right hip pain', { laterality: ['right'] }],
  ['L knee effusion', 'left knee effusion', { laterality: ['left'] }],
  ['R breast mass', 'right breast mass', { laterality: ['right'] }],
  ['bilat pneumonia', 'bilateral pneumonia', { laterality: ['bilateral'] }],
  ['b/l pleural effusions', 'bilateral pleural effusion', { laterality: ['bilateral'] }],
  ['fémur gauche', 'fémur left', { laterality: ['left'] }],
  ['T2DM', 'type 2 diabetes mellitus', {}],
  ['DM type II', 'DM type II', { ambiguous_abbreviation: ['DM'] }],
  ['IDDM', 'type 1 diabetes mellitus', {}],
  ['HTN', 'hypertension', {}],
  ['COPD exacerbation', 'chronic obstructive pulmonary disease exacerbation', {}],
  ['CHF', 'congestive heart failure', {}],
  ['AFib with RVR', 'atrial fibrillation with RVR', {}],
  ['DVT', 'deep vein thrombosis', {}],
  ['UTI', 'urinary tract infection', {}],
  ['GERD', 'gastroesophageal reflux disease', {}],
  ['CKD stage 3', 'chronic kidney disease stage 3', {}],
  ['ESRD on HD', 'end stage renal disease on HD', { ambiguous_abbreviation: ['HD'] }],
  ['AKI', 'acute kidney injury', {}],
  ['OSA', 'obstructive sleep apnea', {}],
  ['TIA', 'transient ischemic attack', {}],
  ['CVA', 'stroke', {}],
  ['SOB', 'shortness of breath', {}],
  ['sob story', 'sob story', {}],
  ['N/V', 'nausea and vomiting', {}],
  ['ADHD', 'attention deficit hyperactivity disorder', {}],
  ['PTSD', 'post traumatic stress disorder', {}],
  ['MS', 'MS', { ambiguous_abbreviation: ['MS'] }],
  ['ALS', 'amyotrophic lateral sclerosis', {}],
  ['DMD', 'duchenne muscular dystrophy', {}],
  ['FAP', 'familial adenomatous polyposis', {}],
  ['HNPCC', 'hereditary nonpolyposis colorectal cancer', {}],
  ['NSCLC', 'non small cell lung cancer', {}],
  ['breast ca', 'breast ca', { ambiguous_abbreviation: ['ca'] }],
  ['Haemorrhage', 'Hemorrhage', {}],
  ['anaemia', 'anemia', {}],
  ['leukaemia', 'leukemia', {}],
  ['oesophagitis', 'esophagitis', {}],
  ['oedema', 'edema', {}],
  ['paediatric asthma', 'pediatric asthma', {}],
  ['diarrhoea', 'diarrhea', {}],
  ['dyspnoea', 'dyspnea', {}],
  ['coeliac disease', 'celiac disease', {}],
  ['tumour', 'tumor', {}],
  ['haematoma', 'hematoma', {}],
  ['hospitalisation', 'hospitalization', {}],
  ['fractures', 'fracture', {}],
  ['Fractures, Bone', 'Fracture, Bone', {}],
  ['stenoses', 'stenosis', {}],
  ['vertebrae', 'vertebra', {}],
  ['emboli', 'embolus', {}],
  ['metastases', 'metastasis', {}],
  ['diabetes', 'diabetes', {}],
  ['herpes', 'herpes', {}],
  ['lymph nodes', 'lymph node', {}],
  ['ovarian cysts', 'ovarian cyst', {}],
  ['injuries', 'injury', {}],
  ['Non-Hodgkin lymphoma', 'Non-Hodgkin lymphoma', {}],
  ['', '', {}],
  ['?', '', { certainty: ['uncertain'] }],
  ['E11.9', 'E11.9', {}, ['icd10cm:E11.9']],
  ['ICD-10 I21.4 NSTEMI', 'ICD-10 I21.4 non st elevation myocardial infarction', {}, ['icd10cm:I21.4']],
];

const CODES: Row[] = [
  ['E119', 'E119', {}, ['icd10cm:E119']],
  ['S72.001A closed fracture', 'S72.001A closed fracture', {}, ['icd10cm:S72.001A']],
  ['U07.1', 'U07.1', {}, ['icd10cm:U07.1']],
  ['250.00', '250.00', {}, ['icd9cm:250.00']],
  ['V45.81', 'V45.81', {}, ['icd10cm:V45.81']],
  ['ICD-9 V45.81', 'ICD-9 V45.81', {}, ['icd9cm:V45.81']],
  ['250 patients', '250 patients', {}, []],
  ['D009203', 'D009203', {}, ['mesh:D009203']],
  ['MESH:D009203', 'MESH:D009203', {}, ['mesh:D009203']],
  ['HP:0001627', 'HP:0001627', {}, ['hpo:HP:0001627']],
  ['DOID:9352', 'DOID:9352', {}, ['doid:DOID:9352']],
  ['MONDO:0005148', 'MONDO:0005148', {}, ['mondo:MONDO:0005148']],
  ['15-1252.00', '15-1252.00', {}, ['onet-soc:15-1252.00']],
  ['SOC 29-1141', 'SOC 29-1141', {}, ['onet-soc:29-1141']],
  ['ISCO-08 2512', 'ISCO-08 2512', {}, ['isco-08:2512']],
  ['ISCO:251', 'ISCO:251', {}, ['isco-08:251']],
  ['2512', '2512', {}, []],
  ['http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1', 'http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1', {}, ['esco:http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1']],
  ['B2B Sales', 'B2B Sales', {}, []],
  ['A1 certificate', 'A1 certificate', {}, []],
  ['e11.9', 'e11.9', {}, []],
];

test(`jobs pack: ${JOBS.length} titles`, () => check(loadPack('jobs'), JOBS));
test(`medical pack: ${MEDICAL.length} mentions`, () => check(loadPack('medical'), MEDICAL));
test(`codes pack: ${CODES.length} coded texts`, () => check(loadPack('codes'), CODES));

test('adversarial input: a 1 MB string, every pack, stays linear and keeps the text', () => {
  const big = `${'Senior Nurse (m/w/d) – remote – Berlin; '.repeat(25_000)}`.slice(0, 1 << 20);
  for (const name of ['jobs', 'medical', 'codes']) {
    const started = performance.now();
    const r = normalize(big, loadPack(name), { trace: false });
    const ms = performance.now() - started;
    assert.ok(r.text.length > 0 && r.text.length <= big.length, name);
    assert.ok(ms < 20_000, `${name} took ${ms.toFixed(0)} ms`);
  }
  const jobs = normalize(big, loadPack('jobs'), { trace: false });
  assert.ok(!jobs.text.includes('(m/w/d)'));
  assert.deepEqual(jobs.attributes['seniority'], ['senior']);
});

test(`the case tables hold at least 200 rows`, () => {
  assert.ok(CLEANUP.length + JOBS.length + MEDICAL.length + CODES.length >= 200, String(CLEANUP.length + JOBS.length + MEDICAL.length + CODES.length));
});
