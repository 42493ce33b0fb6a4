/**
 * normkit's canonical lexicon format: UTF-8 text, one translation per line,
 * `source<TAB>target[<TAB>rank]` (rank: the sense's rank, 1 = first, default 1). A first line
 * `source<TAB>target…` is a header; lines starting with `#` are comments.
 */
import { InputError, type InputProblem } from '../core/errors.js';
import { readInputText } from '../io/read-input.js';
import type { LexiconPair } from './store.js';

export function readLexiconTsv(file: string): LexiconPair[] {
  const lines = readInputText(file, 'lexicon').replace(/^\uFEFF/, '').split(/\r?\n/);
  const pairs: LexiconPair[] = [];
  const problems: InputProblem[] = [];
  lines.forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const cells = line.split('\t');
    if (i === 0 && cells[0]?.trim().toLowerCase() === 'source' && cells[1]?.trim().toLowerCase() === 'target') return;
    const where = { file, line: i + 1 };
    const [source, target, rankCell] = cells.map((c) => c.trim());
    if (cells.length < 2 || cells.length > 3) problems.push({ ...where, reason: 'wrong-cell-count', message: `a lexicon line is "source<TAB>target[<TAB>rank]"; this one has ${cells.length} cell(s)` });
    else if (!source) problems.push({ ...where, field: 'source', reason: 'empty', message: 'the source text is empty' });
    else if (!target) problems.push({ ...where, field: 'target', reason: 'empty', message: 'the target text is empty' });
    else if (rankCell !== undefined && rankCell !== '' && !/^[1-9]\d*$/.test(rankCell)) problems.push({ ...where, field: 'rank', reason: 'not-a-rank', message: `the rank must be a whole number from 1, not "${rankCell}"` });
    else pairs.push({ source, target, rank: rankCell ? Number(rankCell) : 1 });
  });
  if (problems.length) throw new InputError(problems.slice(0, 20), problems.length);
  if (!pairs.length) throw new InputError([{ file, reason: 'empty', message: 'the lexicon has no translations' }]);
  return pairs;
}
