/**
 * `normkit lexicon import`: a bilingual dictionary file, or a folder of them, into the
 * store. What a path holds is told by its name:
 * - `<name>.index` (with `<name>.dict.dz` or `<name>.dict` beside it): dictd (FreeDict as
 *   Debian installs it under /usr/share/dictd);
 * - `<name>.tei` / `.xml`: FreeDict TEI;
 * - `<name>.tsv`: normkit's canonical lexicon (source, target, rank);
 * - a folder: every dictd and TEI dictionary in it (e.g. /usr/share/dictd).
 *
 * The languages come from FreeDict's file names (`freedict-deu-eng`, `spa-eng.tei`: ISO
 * 639-3, stored as ISO 639-1 where there is one) or from `--from`/`--to`, which a TSV
 * needs. Every file is read and checked before anything is written, and all of them are
 * written in one transaction: a bad file leaves the store as it was.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { readDictd, type DictdDictionary } from './dictd.js';
import type { LexiconInfo, LexiconMeta, LexiconPair, LexiconStore } from './store.js';
import { readTei } from './tei.js';
import { readLexiconTsv } from './tsv.js';

/** ISO 639-3 (FreeDict's file names) → ISO 639-1, for the languages FreeDict has. */
const ISO1: Record<string, string> = {
  afr: 'af', ara: 'ar', bre: 'br', bul: 'bg', cat: 'ca', ces: 'cs', cym: 'cy', dan: 'da', deu: 'de', ell: 'el', eng: 'en', epo: 'eo',
  est: 'et', eus: 'eu', fin: 'fi', fra: 'fr', gla: 'gd', gle: 'ga', glg: 'gl', hbs: 'sh', hin: 'hi', hrv: 'hr', hun: 'hu', isl: 'is',
  ita: 'it', jpn: 'ja', kur: 'ku', lat: 'la', lav: 'lv', lit: 'lt', mkd: 'mk', nld: 'nl', nno: 'nn', nob: 'no', nor: 'no', pol: 'pl',
  por: 'pt', ron: 'ro', rus: 'ru', slk: 'sk', slv: 'sl', spa: 'es', srp: 'sr', swe: 'sv', swh: 'sw', tur: 'tr', ukr: 'uk', zho: 'zh',
};

/** A language code as lexicons store it: ISO 639-1 where there is one, lower case. */
export function lexiconLang(code: string): string {
  const c = code.toLowerCase();
  return c === 'nb' ? 'no' : ISO1[c] ?? c;
}

export interface LexiconImportOptions {
  /** Languages: required for a TSV; for a folder, only the dictionaries that have these languages (either way round). */
  from?: string;
  to?: string;
  /** The lexicon's name (one file only; default: the file name without its extension). */
  name?: string;
  /** Licence to record when the file does not say (a TSV). */
  licence?: string;
}

interface ReadLexicon {
  meta: LexiconMeta;
  pairs: LexiconPair[];
}

/** Imports `path` (a file or a folder); the lexicons written. */
export function importLexicons(store: LexiconStore, path: string, options: LexiconImportOptions = {}): LexiconInfo[] {
  if (!existsSync(path)) throw new InputError([{ file: path, reason: 'not-found', message: 'no such file or folder' }]);
  const read = statSync(path).isDirectory() ? readFolder(path, options) : [readOne(path, options)];
  return store.replaceMany(read);
}

function readFolder(dir: string, options: LexiconImportOptions): ReadLexicon[] {
  if (options.name) throw new UsageError('--name names one lexicon: give a file, not a folder');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.index') || f.endsWith('.tei'))
    .sort();
  const given = [options.from, options.to].filter((l): l is string => !!l).map(lexiconLang);
  const out: ReadLexicon[] = [];
  for (const f of files) {
    const langs = langsOfName(f);
    if (!langs) continue; // not a FreeDict dictionary (e.g. dictd's own databases)
    if (!given.every((l) => l === langs.from || l === langs.to)) continue;
    out.push(readOne(join(dir, f), {}));
  }
  if (!out.length) {
    const which = given.length ? ` with ${given.join(' and ')}` : '';
    throw new InputError([{ file: dir, reason: 'empty', message: `no FreeDict dictionary${which} here (dictd <name>.index + .dict.dz, or <src>-<tgt>.tei)` }]);
  }
  return out;
}

/** FreeDict's languages from a file name: `freedict-deu-eng.index`, `deu-eng.tei`. */
function langsOfName(file: string): { from: string; to: string } | undefined {
  const m = /(?:^|[-_.])([a-z]{3})-([a-z]{3})$/.exec(basename(file).replace(/\.(index|tei|xml|tsv|txt)$/i, ''));
  return m && ISO1[m[1]!] && ISO1[m[2]!] ? { from: lexiconLang(m[1]!), to: lexiconLang(m[2]!) } : undefined;
}

function readOne(file: string, options: LexiconImportOptions): ReadLexicon {
  const ext = extname(file).toLowerCase();
  const name = options.name ?? basename(file, ext);
  const named = langsOfName(file);
  const from = options.from ? lexiconLang(options.from) : named?.from;
  const to = options.to ? lexiconLang(options.to) : named?.to;
  if (!from || !to) throw new UsageError(`${file}: the languages are not in the file name (freedict-<src>-<tgt>); give --from and --to`);
  if (from === to) throw new UsageError(`${file}: a lexicon translates between two languages; --from and --to are both "${from}"`);
  if (ext === '.tsv' || ext === '.txt') {
    const pairs = readLexiconTsv(file);
    return { meta: { name, from, to, format: 'tsv', source: file, description: `${name} (${from} → ${to})`, licence: options.licence ?? 'not stated', checksum: sha256([file]) }, pairs };
  }
  let dict: DictdDictionary;
  let files: string[];
  let format: string;
  if (ext === '.index') {
    const base = file.slice(0, -ext.length);
    const data = [`${base}.dict.dz`, `${base}.dict`].find((f) => existsSync(f));
    if (!data) throw new InputError([{ file, reason: 'missing-data', message: `a dictd index needs its data file beside it: ${basename(base)}.dict.dz or ${basename(base)}.dict` }]);
    dict = readDictd(file, data);
    files = [file, data];
    format = 'dictd';
  } else if (ext === '.tei' || ext === '.xml') {
    dict = readTei(file);
    files = [file];
    format = 'tei';
  } else {
    throw new UsageError(`${file}: not a lexicon file normkit reads (dictd .index, FreeDict .tei, or a .tsv of source, target, rank)`);
  }
  return {
    meta: { name, from, to, format, source: file, description: dict.description || name, licence: options.licence ?? licenceOf(dict.info), checksum: sha256(files) },
    pairs: pairsOf(dict),
  };
}

/** One pair per translation, ranked by sense. */
function pairsOf(dict: DictdDictionary): LexiconPair[] {
  const out: LexiconPair[] = [];
  for (const e of dict.entries) e.senses.forEach((sense, i) => sense.forEach((target) => out.push({ source: e.headword, target, rank: i + 1 })));
  return out;
}

/** The licence a FreeDict header names, shortly ("GPL-3.0 + AGPL-3.0", "CC-BY-SA-3.0"); the matching line otherwise. */
export function licenceOf(info: string): string {
  const text = info.replace(/\s+/g, ' ');
  const out: string[] = [];
  const gpl = /GNU General Public License,? (?:ver(?:sion|\.)?|v)\s*(\d(?:\.\d)?)/i.exec(text);
  if (gpl) out.push(`GPL-${gpl[1]!.includes('.') ? gpl[1] : `${gpl[1]}.0`}`);
  if (/Affero/i.test(text)) out.push('AGPL-3.0');
  const cc = /Creative Commons Attribution[- ]ShareAlike (\d\.\d)/i.exec(text);
  if (cc) out.push(`CC-BY-SA-${cc[1]}`);
  else if (/Creative Commons Attribution (\d\.\d)/i.test(text)) out.push(`CC-BY-${/Creative Commons Attribution (\d\.\d)/i.exec(text)![1]}`);
  if (out.length) return out.join(' + ');
  const line = info.split('\n').find((l) => /licen[cs]e|copyright/i.test(l));
  return line ? line.trim() : 'not stated';
}

function sha256(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex');
}
