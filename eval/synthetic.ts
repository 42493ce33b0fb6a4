/**
 * Synthetic vocabularies of a real one's size, for benchmarks on machines without
 * ../shared/data: canonical JSONL whose terms are random phrases of medical-sounding words;
 * and raw job titles built from the demo occupations.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../src/core/random.js';
import { ROOT } from './shared.js';

const WORDS = ['cardiac', 'renal', 'acute', 'chronic', 'syndrome', 'disease', 'infection', 'receptor', 'protein', 'neoplasm', 'hepatic', 'pulmonary', 'deficiency', 'inhibitor', 'factor', 'cell', 'membrane', 'virus', 'bacterial', 'congenital'];

/** Writes `concepts` concepts holding `terms` terms in all (spread as evenly as possible); returns the file. */
export function writeSyntheticVocabulary(file: string, concepts: number, terms: number): string {
  let seed = 42;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const phrase = (): string => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  const base = Math.floor(terms / concepts);
  const extra = terms - base * concepts;
  const lines: string[] = [];
  for (let i = 0; i < concepts; i++) {
    const n = base + (i < extra ? 1 : 0);
    const t = [`${phrase()} ${i}`, ...Array.from({ length: n - 1 }, (_, j) => `${phrase()} ${i}-${j}`)];
    lines.push(JSON.stringify({ id: `D${String(i + 1).padStart(6, '0')}`, name: t[0], synonyms: t.slice(1), parents: i === 0 ? [] : ['D000001'] }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Job titles as postings write them: demo occupations with seniority, gender markers, contract, location, salary. */
export function syntheticTitles(n: number, seed = 1): string[] {
  const concepts = readFileSync(join(ROOT, 'data', 'demo', 'occupations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; synonyms?: string[]; terms?: Array<{ text: string }> });
  const names = concepts.flatMap((c) => [c.name, ...(c.synonyms ?? []), ...(c.terms ?? []).map((t) => t.text)]);
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const before = ['', '', '', 'Senior ', 'Sr. ', 'Junior ', 'Lead ', 'Jr ', 'Principal '];
  const after = ['', '', '', ' (m/w/d)', ' (f/m/x)', ' H/F', ' - Remote', ' – Full-time', ' (Part-time)', ' - London', ' in Berlin', ' II', ' - $45/hr', ' | Urgent!', ' (Contract)', ', NY'];
  return Array.from({ length: n }, () => `${pick(before)}${pick(names)}${pick(after)}${rand() < 0.2 ? pick(after) : ''}`);
}

