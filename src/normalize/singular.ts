/**
 * English singular forms for matching ("fractures" → "fracture"), with the medical Latin and
 * Greek plurals that general inflectors get wrong ("stenoses" → "stenosis", "vertebrae" →
 * "vertebra", "emboli" → "embolus") and words that only look plural ("diabetes", "herpes").
 * General words go through natural's NounInflector.
 */
import { NounInflector } from 'natural/lib/natural/inflectors/index.js';

const inflector = new NounInflector();

/** Words that end like plurals but are not (or are the same in both numbers). */
const INVARIANT = new Set([
  'diabetes', 'herpes', 'measles', 'mumps', 'rabies', 'scabies', 'rickets', 'shingles', 'tetanus', 'lupus', 'aids',
  'sepsis', 'psoriasis', 'series', 'species', 'news', 'physics', 'genetics', 'pediatrics', 'paediatrics', 'orthopedics',
  'orthopaedics', 'obstetrics', 'geriatrics', 'diagnostics', 'analytics', 'logistics', 'economics', 'statistics',
  'electronics', 'mathematics', 'sales', 'operations', 'services', 'relations', 'affairs', 'communications', 'ethics', 'status', 'virus', 'sinus', 'uterus',
  'resources', 'systems', 'sciences', 'studies', 'arts', 'goods', 'works', 'materials', 'graphics', 'metrics', 'robotics', 'humanities', 'customs',
  'fetus', 'foetus', 'bronchus', 'embolus', 'thrombus', 'calculus', 'nucleus', 'stimulus', 'fungus', 'hiatus', 'anus', 'plexus',
  'humerus', 'pancreas', 'bus', 'gas', 'lens', 'iris', 'pelvis', 'testis', 'ascites', 'rhinitis', 'diagnosis', 'prognosis',
  'syphilis', 'glottis', 'epiglottis', 'cutis', 'mellitus', 'insipidus', 'ductus', 'situs', 'corpus', 'tinnitus', 'pruritus',
  'afibrinogenemia', 'us', 'this', 'its', 'has', 'was', 'is', 'as', 'less', 'loss', 'stress', 'illness', 'sickness', 'weakness',
  'numbness', 'dizziness', 'drowsiness', 'hoarseness', 'stiffness', 'business', 'process', 'access', 'abscess', 'excess',
]);

const LATIN: Array<[RegExp, string]> = [
  [/oses$/, 'osis'],
  [/yses$/, 'ysis'],
  [/ases$/, 'asis'],
  [/ites$/, 'itis'],
  [/([^aeiou])ices$/, '$1ix'],
  [/(vertebr|fistul|pleur|lamin|papill|ampull|bursa?|fibul|scapul|clavicul|axill|trache|retin|cornea?|conjunctiv|aort|ulna?|tibi|patell|maxill|mandibul|fasci|hernia?)ae$/, '$1a'],
  [/(embol|thromb|calcul|nucle|bronch|fung|bacill|alveol|glomerul|tubul|villi?|menisc|stimul|foc|nevi?|naev)i$/, '$1us'],
  [/(carcinom|sarcom|lymphom|adenom|fibrom|lipom|hematom|haematom|condylom|myom)ata$/, '$1a'],
  [/(diverticul|ovul|septul|cili|bacteri|ganglion)a$/, '$1um'],
];

const IRREGULAR: Record<string, string> = {
  women: 'woman', men: 'man', children: 'child', feet: 'foot', teeth: 'tooth', mice: 'mouse', lice: 'louse', people: 'person', geese: 'goose',
};
/**
 * The -ves plurals of -f and -fe words. natural's inflector turns every -ves into -f
 * ("representatives" → "representatif", "valves" → "valf"); other -ves words only lose the s.
 */
const VES_TO_F: Record<string, string> = {
  leaves: 'leaf', shelves: 'shelf', thieves: 'thief', wolves: 'wolf', halves: 'half', calves: 'calf', elves: 'elf', loaves: 'loaf',
  selves: 'self', sheaves: 'sheaf', scarves: 'scarf', hooves: 'hoof', wharves: 'wharf', knives: 'knife', wives: 'wife', lives: 'life',
  midwives: 'midwife', housewives: 'housewife', penknives: 'penknife',
};

/** -uses words whose singular ends in -use, not -us. */
const USE_WORDS = new Set(['causes', 'abuses', 'uses', 'misuses', 'houses', 'excuses', 'spouses', 'blouses', 'clauses', 'pauses', 'fuses', 'refuses', 'muses']);

export function singularWord(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular) return irregular;
  if (lower.length <= 3 || INVARIANT.has(lower) || /(?:itis|osis|asis|iasis|sis|us|ss|is)$/.test(lower)) return word;
  for (const [re, rep] of LATIN) if (re.test(lower)) return lower.replace(re, rep);
  if (/sses$|(?:ch|sh|x|z)es$/.test(lower)) return lower.slice(0, -2);
  if (/uses$/.test(lower)) return USE_WORDS.has(lower) ? lower.slice(0, -1) : lower.slice(0, -2);
  if (/ses$/.test(lower)) return lower.slice(0, -1);
  if (/ves$/.test(lower)) return VES_TO_F[lower] ?? lower.slice(0, -1);
  if (!/s$/.test(lower)) return word;
  const s = inflector.singularize(lower);
  return s || word;
}

/** Every word of `text` in its singular form, keeping each word's capitalisation. */
export function singular(text: string): string {
  return text.replace(/[\p{L}]+/gu, (w) => {
    const s = singularWord(w);
    if (s === w || s === w.toLowerCase()) return w;
    if (w === w.toUpperCase()) return s.toUpperCase();
    if (w[0] === w[0]!.toUpperCase()) return s[0]!.toUpperCase() + s.slice(1);
    return s;
  });
}
