/**
 * FreeDict dictionaries in TEI XML (the project's source format, `<src>-<tgt>.tei`): each
 * `<entry>` has its headwords in `<form><orth>` and its translations in `<sense>`s, as
 * `<cit type="trans"><quote>` (TEI P5, FreeDict 0.2 and later) or `<trans><tr>` (TEI P4,
 * older releases). Example sentences (`<cit type="example">`) and their translations are
 * not translations of the headword and are left out. The header's `<title>` and
 * `<availability>` give the description and licence.
 */
import { SaxesParser } from 'saxes';
import { InputError } from '../core/errors.js';
import { readInputText } from '../io/read-input.js';
import type { DictdDictionary, DictdEntry } from './dictd.js';

/** The same shape the dictd reader gives: a description, the licence text, entries with ranked senses. */
export function readTei(file: string): DictdDictionary {
  const xml = readInputText(file, 'TEI dictionary');
  const parser = new SaxesParser({ xmlns: false, position: true });
  const path: Array<{ name: string; type: string }> = [];
  let text = '';
  let title = '';
  let licence = '';
  let sawRoot = false;
  let error: InputError | undefined;
  const entries: DictdEntry[] = [];
  let entry: { orths: string[]; senses: string[][]; sense: number } | undefined;

  const inside = (name: string, type?: string): boolean => path.some((p) => p.name === name && (type === undefined || p.type === type));
  parser.on('opentag', (tag) => {
    if (!sawRoot) {
      sawRoot = true;
      if (tag.name !== 'TEI' && tag.name !== 'TEI.2') error = new InputError([{ file, line: parser.line, reason: 'wrong-file-type', message: `expected a TEI dictionary (<TEI>), found <${tag.name}>` }]);
    }
    path.push({ name: tag.name, type: String(tag.attributes['type'] ?? '') });
    text = '';
    if (tag.name === 'entry' && !entry) entry = { orths: [], senses: [], sense: -1 };
    else if (tag.name === 'sense' && entry && path.filter((p) => p.name === 'sense').length === 1) entry.sense = entry.senses.push([]) - 1;
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', (tag) => {
    const value = text.replace(/\s+/g, ' ').trim();
    const parent = path[path.length - 2];
    if (!entry) {
      if (tag.name === 'title' && inside('titleStmt') && !title) title = value;
      else if ((tag.name === 'p' || tag.name === 'licence') && inside('availability') && value) licence = licence ? `${licence} ${value}` : value;
    } else if (tag.name === 'orth' && inside('form') && !inside('cit') && value) entry.orths.push(value);
    else if ((tag.name === 'quote' && parent?.name === 'cit' && parent.type === 'trans') || (tag.name === 'tr' && parent?.name === 'trans')) {
      if (value && !inside('cit', 'example') && !inside('eg')) {
        if (entry.sense < 0) entry.sense = entry.senses.push([]) - 1;
        const sense = entry.senses[entry.sense]!;
        if (!sense.includes(value)) sense.push(value);
      }
    } else if (tag.name === 'entry' && path.filter((p) => p.name === 'entry').length === 1) {
      const senses = entry.senses.filter((s) => s.length);
      for (const headword of entry.orths) if (senses.length) entries.push({ headword, senses });
      entry = undefined;
    }
    path.pop();
    text = '';
  });
  parser.on('error', (e) => {
    error ??= new InputError([{ file, line: parser.line, reason: 'malformed-xml', message: e.message }]);
  });
  parser.write(xml);
  if (!error) parser.close();
  if (error) throw error;
  if (!sawRoot) throw new InputError([{ file, reason: 'wrong-file-type', message: 'expected a TEI dictionary, found no XML element' }]);
  if (!entries.length) throw new InputError([{ file, reason: 'empty', message: 'the TEI dictionary has no <entry> with a translation' }]);
  return { description: title, info: licence, url: undefined, entries };
}
