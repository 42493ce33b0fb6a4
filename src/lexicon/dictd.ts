/**
 * FreeDict dictionaries in the dictd layout (what Debian's `dict-freedict-<src>-<tgt>`
 * packages install under /usr/share/dictd): `<name>.index` lists each headword with the
 * offset and length of its entry, base64 numbers, in `<name>.dict` (or `.dict.dz`, dictzip,
 * which is gzip and reads as such).
 *
 * An entry's first line is the headword (with IPA and grammar tags); its translations come
 * in one of four layouts, all read here:
 * - classic FreeDict: one line of comma-separated translations, or numbered senses `1. a, b`;
 * - Ding (deu-eng, eng-deu): the translations on line 2, each with its `<n>`/`[label]` tags,
 *   then examples, `Synonym:` and `see:` lines (skipped);
 * - WikDict: numbered senses, each followed by a gloss line in the source language (skipped);
 * - Piotrowski+Saloni (eng-pol): `I. <N> 1. a` senses and ` - phrase` lines (skipped).
 *
 * The `00database…` entries give the dictionary's description and licence.
 */
import { gunzipSync } from 'node:zlib';
import { InputError, type InputProblem } from '../core/errors.js';
import { readInput, readInputText } from '../io/read-input.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A dictd base64 number (most significant digit first); NaN when it is not one. */
export function dictdNumber(s: string): number {
  if (!s) return Number.NaN;
  let n = 0;
  for (const c of s) {
    const d = B64.indexOf(c);
    if (d < 0) return Number.NaN;
    n = n * 64 + d;
  }
  return n;
}

/** One headword with its senses, each a list of translations, in the dictionary's order. */
export interface DictdEntry {
  headword: string;
  senses: string[][];
}

export interface DictdDictionary {
  /** `00databaseshort`: e.g. "German - English Ding/FreeDict dictionary ver. 1.9-fd1". */
  description: string;
  /** `00databaseinfo`: edition, licence, sources. */
  info: string;
  /** `00databaseurl`, when there is one. */
  url: string | undefined;
  entries: DictdEntry[];
}

type Layout = 'classic' | 'ding' | 'wikdict' | 'saloni';

/** Reads `<base>.index` with `<base>.dict.dz` or `<base>.dict`. */
export function readDictd(indexFile: string, dictFile: string): DictdDictionary {
  const data = readDict(dictFile);
  const index = readIndex(indexFile, data.length);
  const meta = (key: string): string => {
    const at = index.find((e) => e.headword === key);
    if (!at) return '';
    const lines = data.subarray(at.offset, at.offset + at.length).toString('utf8').split('\n');
    // The entry repeats its key on its first line.
    return (lines[0]?.trim().startsWith('00') ? lines.slice(1) : lines).join('\n').trim();
  };
  const description = meta('00databaseshort') || meta('00-database-short');
  const info = meta('00databaseinfo') || meta('00-database-info');
  const url = meta('00databaseurl') || meta('00-database-url') || undefined;
  const layout = layoutOf(description, info);
  const entries: DictdEntry[] = [];
  const seen = new Set<number>();
  for (const e of index) {
    if (e.headword.startsWith('00database') || e.headword.startsWith('00-database') || seen.has(e.offset)) continue;
    seen.add(e.offset);
    const lines = data.subarray(e.offset, e.offset + e.length).toString('utf8').split('\n');
    const headword = clean(lines[0] ?? '');
    if (!headword) continue;
    const senses = sensesOf(lines.slice(1), layout)
      .map((s) => splitTranslations(s))
      .filter((s) => s.length > 0);
    if (senses.length) entries.push({ headword, senses });
  }
  return { description, info, url, entries };
}

function readDict(file: string): Buffer {
  const raw = readInput(file, 'dictionary data');
  if (!file.endsWith('.dz') && !file.endsWith('.gz')) return raw;
  try {
    return gunzipSync(raw);
  } catch (err) {
    throw new InputError([{ file, reason: 'malformed-dictzip', message: `not a dictzip (gzip) file: ${(err as Error).message}` }]);
  }
}

interface IndexLine {
  headword: string;
  offset: number;
  length: number;
}

function readIndex(file: string, dataLength: number): IndexLine[] {
  const text = readInputText(file, 'dictionary index');
  const out: IndexLine[] = [];
  const problems: InputProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const cells = line.split('\t');
    const offset = dictdNumber(cells[1] ?? '');
    const length = dictdNumber(cells[2] ?? '');
    if (cells.length < 3 || !Number.isFinite(offset) || !Number.isFinite(length)) {
      problems.push({ file, line: i + 1, reason: 'malformed-index-line', message: 'a dictd index line is "headword<TAB>offset<TAB>length" with base64 numbers' });
    } else if (offset + length > dataLength) {
      problems.push({ file, line: i + 1, reason: 'offset-out-of-range', message: `the entry (offset ${offset}, length ${length}) runs past the end of the dictionary data (${dataLength} bytes)` });
    } else out.push({ headword: cells[0]!.trim(), offset, length });
  });
  if (problems.length) throw new InputError(problems.slice(0, 20), problems.length);
  if (!out.length) throw new InputError([{ file, reason: 'empty', message: 'the dictionary index has no entries' }]);
  return out;
}

function layoutOf(description: string, info: string): Layout {
  if (/\bDing\b/i.test(description)) return 'ding';
  if (/WikDict/i.test(description) || /WikDict/i.test(info)) return 'wikdict';
  if (/Piotrowski|Saloni/i.test(description) || /Piotrowski|Saloni/i.test(info)) return 'saloni';
  return 'classic';
}

/** The lines of an entry's body that hold translations, one per sense. */
function sensesOf(body: readonly string[], layout: Layout): string[] {
  if (layout === 'ding') return body.length && !/^\s{3,}/.test(body[0]!) && body[0]!.trim() ? [body[0]!] : [];
  const numbered = body.filter((l) => /^\s*\d+\.\s/.test(l));
  if (layout === 'wikdict') return numbered.length ? numbered.map((l) => l.replace(/^\s*\d+\.\s*/, '')) : body.slice(0, 1);
  const out: string[] = [];
  for (const l of body) {
    if (!l.trim() || /^\s*["-]/.test(l) || /^\s*(Synonyms?|see|Note|Antonyms?):/i.test(l) || l.includes('(:')) continue;
    out.push(l.replace(/^\s*([IVX]+\.\s*)?(<[^>]*>\s*)?(\d+\.\s*)?/, ''));
  }
  return out;
}

/** A headword or translation without its IPA, grammar tags, labels, cross-references and notes. */
function clean(text: string): string {
  return text
    .replace(/\/+[^/]*\/+/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\u0301/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function splitTranslations(sense: string): string[] {
  const out: string[] = [];
  for (const t of clean(sense).split(/\s*[,;]\s*/)) {
    const x = t.replace(/^[.\s]+|[.\s]+$/g, '');
    // Cross-reference headings ("See also:") are not translations.
    if (x && !x.endsWith(':') && !out.includes(x)) out.push(x);
  }
  return out;
}
