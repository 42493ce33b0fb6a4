/**
 * OBO ontologies (HPO, DOID, MONDO, …) and the tables that come with them.
 *
 * Files are recognised by content, so one import can mix:
 * - `.obo` files: [Term] stanzas with name, def, synonyms (scope and type, e.g. HPO's
 *   "layperson"), is_a, xref, is_obsolete;
 * - Babelon translation tables (`hp-es.babelon.tsv`: subject_id, translation_language,
 *   predicate_id, translation_value, translation_status), and tables with the same
 *   content under simpler headers (hp_id, lang, predicate, translation, status);
 * - the HPO term table (hp_id, label_en, layperson_synonyms_en);
 * - the Disease Ontology reports: HumanDO.tsv (id, label, subClassOf = parent label),
 *   allXREFinDO.tsv (id, label, xref) and synonym tables (doid, synonym, scope).
 *
 * Concept files are read first, then the tables that add terms, parents and xrefs to them.
 */
import { basename } from 'node:path';
import type { InputLocation } from '../../core/errors.js';
import { readLines } from '../../io/lines.js';
import { readHead, type FileHead } from '../../io/sniff.js';
import type { TermInput } from '../builder.js';
import type { SynonymScope, TermKind } from '../../store/model.js';
import type { ReadContext, VocabularyFormat } from './format.js';
import { expandPaths, filesIn, headerKeys, langFromFilename, readTable, wrongFileType } from './read.js';

type Role = 'obo' | 'translations' | 'hpo-terms' | 'do-terms' | 'do-xrefs' | 'do-synonyms';

const OBSOLETE_RE = /^obsolete\b/i;
const SCOPES: Record<string, SynonymScope> = { EXACT: 'exact', RELATED: 'related', BROAD: 'broad', NARROW: 'narrow' };

/** How a translation predicate maps onto a term. */
const PREDICATES: Record<string, { kind: TermKind; scope?: SynonymScope }> = {
  'rdfs:label': { kind: 'preferred' },
  'oboInOwl:hasExactSynonym': { kind: 'alt', scope: 'exact' },
  'oboInOwl:hasRelatedSynonym': { kind: 'alt', scope: 'related' },
  'oboInOwl:hasBroadSynonym': { kind: 'alt', scope: 'broad' },
  'oboInOwl:hasNarrowSynonym': { kind: 'alt', scope: 'narrow' },
};

function roleOf(head: FileHead): Role | undefined {
  if (/^\s*(format-version:|\[Term\])/m.test(head.text.slice(0, 2000))) return 'obo';
  const keys = headerKeys(head.text, '\t');
  const has = (...ks: string[]): boolean => ks.every((k) => keys.includes(k));
  if (has('hp_id', 'label_en')) return 'hpo-terms';
  if (has('id', 'label', 'subclassof')) return 'do-terms';
  if (has('id', 'xref')) return 'do-xrefs';
  if (keys.some((k) => k === 'doid' || k === 'id') && has('synonym', 'scope')) return 'do-synonyms';
  const hasValue = keys.some((k) => k === 'translation_value' || k === 'translation' || k.startsWith('translation_'));
  const hasPredicate = keys.some((k) => k === 'predicate_id' || k === 'predicate');
  if (hasValue && hasPredicate) return 'translations';
  return undefined;
}

// ---------------------------------------------------------------- OBO flat file

interface OboStanza {
  id: string;
  name: string;
  def?: string;
  synonyms: TermInput[];
  isA: string[];
  xrefs: string[];
  obsolete: boolean;
  where: InputLocation;
}

/** A stanza header, `[Term]`, with an optional `! comment`. */
const STANZA_RE = /^\[([A-Za-z]+)\]\s*(?:!.*)?$/;
/** The stanzas besides [Term] that OBO 1.4 defines (their tags are not read). */
const OTHER_STANZAS = new Set(['Typedef', 'Instance']);

/** Reads a quoted OBO string at the start of `s`; returns it and the rest. */
function quoted(s: string): [string, string] | undefined {
  if (!s.startsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[++i]!;
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'W' ? ' ' : n;
    } else if (c === '"') return [out, s.slice(i + 1).trim()];
    else out += c;
  }
  return undefined;
}

/** The value without its trailing `! comment` and `{modifiers}`. */
function bare(value: string): string {
  return value.replace(/\s+!.*$/, '').replace(/\s*\{[^}]*\}\s*$/, '').trim();
}

async function readObo(file: string, ctx: ReadContext, onStanza: (s: OboStanza) => void): Promise<void> {
  const { builder } = ctx;
  builder.touchFile(file);
  let stanza: OboStanza | undefined;
  let last = 0;
  const flush = (): void => {
    if (stanza) onStanza(stanza);
    stanza = undefined;
  };
  for await (const r of readLines(file, { maxLineBytes: ctx.maxLineBytes, onBytes: (n) => (ctx.onBytes(n - last), (last = n)) })) {
    const where = { file, line: r.lineNo };
    if ('error' in r) {
      builder.problem(where, r.error, r.message);
      continue;
    }
    const line = r.text.trim();
    if (!line || line.startsWith('!')) continue;
    if (line.startsWith('[')) {
      flush();
      const header = STANZA_RE.exec(line);
      if (!header) builder.problem(where, 'malformed-stanza', `malformed stanza header "${line}": expected [Term], [Typedef] or [Instance]`);
      else if (header[1] === 'Term') {
        builder.countRow(file);
        stanza = { id: '', name: '', synonyms: [], isA: [], xrefs: [], obsolete: false, where };
      } else if (!OTHER_STANZAS.has(header[1]!)) builder.problem(where, 'malformed-stanza', `unknown stanza type "${line}": expected [Term], [Typedef] or [Instance]`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      builder.problem(where, 'malformed-row', 'expected "tag: value"');
      continue;
    }
    const tag = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!stanza) continue; // header tags (read by detectVersion/defaultName) and [Typedef] stanzas
    switch (tag) {
      case 'id':
      case 'name':
        if (stanza[tag] !== '') builder.problem({ ...where, field: tag }, 'duplicate-tag', `a second "${tag}" in the stanza of line ${stanza.where.line}`);
        else stanza[tag] = bare(value);
        break;
      case 'def': {
        const q = quoted(value);
        if (q) stanza.def = q[0];
        else builder.problem({ ...where, field: 'def' }, 'malformed-row', 'definition text must be quoted (and its quote closed)');
        break;
      }
      case 'synonym': {
        const q = quoted(value);
        if (!q) {
          builder.problem({ ...where, field: 'synonym' }, 'malformed-row', 'synonym text must be quoted');
          break;
        }
        const [text, rest] = q;
        const [scopeWord, maybeType] = rest.split(/\s+/);
        const scope = SCOPES[scopeWord ?? ''];
        if (!scope && scopeWord && !scopeWord.startsWith('[')) {
          builder.problem({ ...where, field: 'synonym' }, 'malformed-row', `unknown synonym scope "${scopeWord}": expected EXACT, RELATED, BROAD or NARROW`);
          break;
        }
        const type = maybeType && !maybeType.startsWith('[') ? maybeType : undefined;
        stanza.synonyms.push({ text, kind: 'alt', ...(scope ? { scope } : {}), origin: type ?? 'synonym' });
        break;
      }
      case 'is_a':
        stanza.isA.push(bare(value).split(/\s+/)[0]!);
        break;
      case 'xref':
        stanza.xrefs.push(bare(value).split(/\s+/)[0]!);
        break;
      case 'is_obsolete':
        if (bare(value) !== 'true' && bare(value) !== 'false') builder.problem({ ...where, field: 'is_obsolete' }, 'malformed-row', `is_obsolete must be true or false, not "${value}"`);
        stanza.obsolete = bare(value) === 'true';
        break;
    }
  }
  flush();
}

// ---------------------------------------------------------------- tables

async function readTranslations(file: string, ctx: ReadContext): Promise<void> {
  const { builder } = ctx;
  const fileLang = langFromFilename(file.replace(/\.babelon\.tsv$/, '.tsv'));
  let skippedPredicates = 0;
  for await (const { lineNo, cells } of readTable(file, ctx, { delimiter: '\t', quoted: false, required: [] })) {
    const where = { file, line: lineNo };
    const id = cells['subject_id'] ?? cells['hp_id'] ?? cells['doid'] ?? cells['id'] ?? '';
    const valueKey = Object.keys(cells).find((k) => k === 'translation_value' || k === 'translation' || /^translation_[a-z]{2,3}$/.test(k));
    const text = valueKey ? cells[valueKey] ?? '' : '';
    const lang =
      cells['translation_language'] ?? cells['lang'] ?? (valueKey?.startsWith('translation_') && valueKey !== 'translation_value' ? valueKey.slice(12) : fileLang);
    const predicate = PREDICATES[cells['predicate_id'] ?? cells['predicate'] ?? ''];
    if (!predicate) {
      skippedPredicates++;
      continue;
    }
    const status = cells['translation_status'] ?? cells['status'] ?? '';
    if (!lang) {
      builder.problem({ ...where, field: 'lang' }, 'invalid-field', 'no translation language (column translation_language or lang)');
      continue;
    }
    // NOT_TRANSLATED rows carry the source-language text.
    const termLang = status === 'NOT_TRANSLATED' ? cells['source_language'] || 'en' : lang;
    builder.addTerm(id, { text, lang: termLang, ...predicate, origin: `translation${status ? `:${status}` : ''}` }, where);
  }
  if (skippedPredicates > 0) builder.note(`${basename(file)}: ${skippedPredicates} rows with predicates other than labels and synonyms (e.g. definitions) not imported`);
}

async function readHpoTerms(file: string, ctx: ReadContext): Promise<void> {
  for await (const { lineNo, cells } of readTable(file, ctx, { delimiter: '\t', quoted: false, required: ['hp_id', 'label_en'] })) {
    const label = cells['label_en'] ?? '';
    const lay = (cells['layperson_synonyms_en'] ?? '').split('|').map((s) => s.trim()).filter(Boolean);
    ctx.builder.addConcept(
      {
        id: cells['hp_id'] ?? '',
        name: label,
        lang: 'en',
        obsolete: OBSOLETE_RE.test(label),
        terms: lay.map((text) => ({ text, kind: 'alt', origin: 'layperson' })),
      },
      { file, line: lineNo },
    );
  }
}

/** HumanDO.tsv: one row per (term, parent label). Parents are resolved by label once all rows are read. */
async function readDoTerms(file: string, ctx: ReadContext): Promise<Array<{ id: string; parentLabel: string; where: InputLocation }>> {
  const rows: Array<{ id: string; label: string; parentLabel: string; where: InputLocation }> = [];
  for await (const { lineNo, cells } of readTable(file, ctx, { delimiter: '\t', quoted: false, required: ['id', 'label', 'subclassof'] })) {
    rows.push({ id: cells['id'] ?? '', label: cells['label'] ?? '', parentLabel: cells['subclassof'] ?? '', where: { file, line: lineNo } });
  }
  for (const r of rows) {
    if (ctx.builder.has(r.id)) continue; // further rows of a term only add parents
    ctx.builder.addConcept({ id: r.id, name: r.label, lang: 'en', obsolete: OBSOLETE_RE.test(r.label) }, r.where);
  }
  return rows.map((r) => ({ id: r.id, parentLabel: r.parentLabel, where: { ...r.where, field: 'subClassOf' } }));
}

// ---------------------------------------------------------------- format

async function classify(files: string[]): Promise<Map<Role, string[]>> {
  const roles = new Map<Role, string[]>();
  for (const file of files) {
    const role = roleOf(await readHead(file));
    if (!role) {
      throw wrongFileType(
        file,
        'not an OBO file, a Babelon translation table, an HPO term table or a Disease Ontology report (HumanDO.tsv, allXREFinDO.tsv, synonyms)',
      );
    }
    roles.set(role, [...(roles.get(role) ?? []), file]);
  }
  return roles;
}

async function readOntology(files: string[], ctx: ReadContext): Promise<void> {
  const { builder } = ctx;
  const roles = await classify(files);
  if (!roles.has('obo') && !roles.has('hpo-terms') && !roles.has('do-terms')) {
    throw wrongFileType(files[0]!, 'no file defines concepts: give an .obo file, hpo_en_terms.tsv or HumanDO.tsv with the tables that extend it');
  }
  const isA: Array<{ id: string; parent: string; where: InputLocation }> = [];
  for (const file of roles.get('obo') ?? []) {
    await readObo(file, ctx, (s) => {
      const added = builder.addConcept(
        {
          id: s.id,
          name: s.name,
          lang: 'en',
          obsolete: s.obsolete,
          ...(s.def ? { description: s.def } : {}),
          terms: s.synonyms,
          xrefs: s.xrefs,
        },
        s.where,
      );
      if (added) for (const p of s.isA) isA.push({ id: s.id, parent: p, where: { ...s.where, field: 'is_a' } });
    });
  }
  for (const file of roles.get('hpo-terms') ?? []) await readHpoTerms(file, ctx);
  const doParents: Array<{ id: string; parentLabel: string; where: InputLocation }> = [];
  for (const file of roles.get('do-terms') ?? []) doParents.push(...(await readDoTerms(file, ctx)));

  // The Disease Ontology reports list a term once per parent, so the root has no row in
  // HumanDO.tsv; it does appear, with its label, in the cross-reference table.
  const xrefRows: Array<{ id: string; label: string; xref: string; where: InputLocation }> = [];
  for (const file of roles.get('do-xrefs') ?? []) {
    for await (const { lineNo, cells } of readTable(file, ctx, { delimiter: '\t', quoted: false, required: ['id', 'xref'] })) {
      xrefRows.push({ id: cells['id'] ?? '', label: cells['label'] ?? '', xref: cells['xref'] ?? '', where: { file, line: lineNo } });
    }
  }
  for (const r of xrefRows) {
    if (builder.has(r.id) || !r.label || OBSOLETE_RE.test(r.label)) continue;
    if (builder.addConcept({ id: r.id, name: r.label, lang: 'en' }, r.where)) {
      doParents.push({ id: r.id, parentLabel: '', where: r.where });
      builder.note(`${r.id} (${r.label}) has no row of its own in the term table (a root has no parent); taken from ${basename(r.where.file)}`);
    }
  }

  for (const e of isA) builder.addParent(e.id, e.parent, e.where);
  if (doParents.length > 0) {
    const labelToId = new Map<string, string>();
    for (const r of doParents) {
      const name = builder.nameOf(r.id);
      if (name !== undefined) labelToId.set(name, r.id);
    }
    for (const r of doParents) {
      if (!r.parentLabel) continue;
      const parent = labelToId.get(r.parentLabel);
      if (parent) builder.addParent(r.id, parent, r.where);
      else builder.problem(r.where, 'unknown-parent', `parent "${r.parentLabel}" of ${r.id} is not the label of any row in this file`);
    }
  }
  let obsoleteRows = 0;
  for (const r of xrefRows) {
    if (!builder.has(r.id) && OBSOLETE_RE.test(r.label)) obsoleteRows++;
    else builder.addXref(r.id, r.xref, r.where);
  }
  for (const file of roles.get('do-synonyms') ?? []) {
    for await (const { lineNo, cells } of readTable(file, ctx, { delimiter: '\t', quoted: false, required: ['synonym', 'scope'] })) {
      const scope = SCOPES[(cells['scope'] ?? '').toUpperCase()];
      const id = cells['doid'] ?? cells['id'] ?? '';
      if (!builder.has(id) && OBSOLETE_RE.test(cells['label'] ?? '')) {
        obsoleteRows++;
        continue;
      }
      builder.addTerm(
        id,
        { text: cells['synonym'] ?? '', lang: 'en', kind: 'alt', ...(scope ? { scope } : {}), origin: 'synonym' },
        { file, line: lineNo },
      );
    }
  }
  if (obsoleteRows > 0) {
    builder.note(`${obsoleteRows} table rows about obsolete terms that the term table does not list were not imported`);
  }
  for (const file of roles.get('translations') ?? []) await readTranslations(file, ctx);
}

const ONTOLOGY_NAMES: Record<string, string> = { hp: 'hpo', doid: 'doid', mondo: 'mondo' };

function makeFormat(name: string, defaultName: string | undefined, description: string): VocabularyFormat {
  return {
    name,
    description,
    detect: (head) => roleOf(head) !== undefined && (name === 'obo' || guessOntology([head]) === name),
    resolveFiles: (paths) => expandPaths(paths, (dir) => filesIn(dir, /\.(obo|tsv)$/i)),
    defaultName(files, heads) {
      if (defaultName) return defaultName;
      return guessOntology(heads) ?? basename(files[0]!).replace(/\.[^.]+$/, '');
    },
    detectVersion(_files, heads) {
      for (const h of heads) {
        const m = /^data-version:\s*(.+)$/m.exec(h.text);
        if (m) return m[1]!.trim().replace(/^.*releases\//, '').replace(/\/.*$/, '');
      }
      return undefined;
    },
    read: readOntology,
  };
}

function guessOntology(heads: FileHead[]): string | undefined {
  for (const h of heads) {
    const m = /^ontology:\s*(\S+)/m.exec(h.text);
    if (m) return ONTOLOGY_NAMES[m[1]!] ?? m[1]!;
    const role = roleOf(h);
    if (role === 'hpo-terms') return 'hpo';
    if (role === 'do-terms' || role === 'do-xrefs' || role === 'do-synonyms') return 'doid';
  }
  return undefined;
}

export const oboFormat = makeFormat('obo', undefined, 'OBO ontology (.obo) with optional Babelon translation tables; the name comes from its "ontology:" header');
export const hpoFormat = makeFormat('hpo', 'hpo', 'Human Phenotype Ontology: hp.obo or hpo_en_terms.tsv, with translation tables (hp-<lang>.babelon.tsv)');
export const doidFormat = makeFormat('doid', 'doid', 'Disease Ontology: doid.obo or the reports HumanDO.tsv (+ allXREFinDO.tsv, synonyms, translations)');
export const mondoFormat = makeFormat('mondo', 'mondo', 'MONDO: mondo.obo');
