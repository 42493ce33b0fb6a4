/**
 * MeSH descriptors, from NLM's descriptor XML (`desc2024.xml`, streamed) or from JSONL
 * with one descriptor per line: {"id": "D000001", "name", "terms": [...], "treeNumbers": [...]}.
 *
 * Terms: the record's preferred term, then every non-permuted term of every concept.
 * Tree numbers are kept as codes; the parents of a descriptor are the descriptors that
 * own its tree numbers' parents (C14.280.647 → C14.280); its types are its tree
 * categories (C = Diseases, D = Chemicals and Drugs, …).
 */
import { basename } from 'node:path';
import { SaxesParser } from 'saxes';
import { InputError, type InputLocation } from '../../core/errors.js';
import type { VocabularyBuilder } from '../builder.js';
import type { ReadContext, VocabularyFormat } from './format.js';
import { expandPaths, filesIn, readJsonl, utf8Source, wrongFileType } from './read.js';

export interface MeshDescriptor {
  id: string;
  name: string;
  terms: string[];
  treeNumbers: string[];
  scopeNote?: string;
  where: InputLocation;
}

const UI_RE = /^D\d{6,9}$/;

/** Streams DescriptorRecord elements out of a MeSH descriptor XML file. */
async function readXml(file: string, ctx: ReadContext, onRecord: (d: MeshDescriptor) => void): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const path: string[] = [];
  let text = '';
  let rec: MeshDescriptor | undefined;
  let term: { string: string; permuted: boolean; recordPreferred: boolean } | undefined;
  let conceptPreferred = false;
  let conceptScope = '';
  let sawRoot = false;
  let error: Error | undefined;

  parser.on('opentag', (tag) => {
    if (!sawRoot) {
      sawRoot = true;
      if (tag.name !== 'DescriptorRecordSet') {
        error = wrongFileType(file, `expected MeSH descriptor XML (<DescriptorRecordSet>), found <${tag.name}>`);
      }
    }
    path.push(tag.name);
    text = '';
    const attr = (n: string): string => String(tag.attributes[n] ?? '');
    switch (tag.name) {
      case 'DescriptorRecord':
        rec = { id: '', name: '', terms: [], treeNumbers: [], where: { file, line: parser.line } };
        break;
      case 'Concept':
        conceptPreferred = attr('PreferredConceptYN') === 'Y';
        conceptScope = '';
        break;
      case 'Term':
        term = { string: '', permuted: attr('IsPermutedTermYN') === 'Y', recordPreferred: attr('RecordPreferredTermYN') === 'Y' };
        break;
    }
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', (tag) => {
    const parent = path[path.length - 2];
    const value = text.trim();
    if (rec) {
      if (tag.name === 'DescriptorUI' && parent === 'DescriptorRecord') rec.id = value;
      else if (tag.name === 'String' && parent === 'DescriptorName' && path[path.length - 3] === 'DescriptorRecord') rec.name = value;
      else if (tag.name === 'TreeNumber') rec.treeNumbers.push(value);
      else if (tag.name === 'ScopeNote' && parent === 'Concept') conceptScope = value;
      else if (tag.name === 'String' && parent === 'Term' && term) term.string = value;
      else if (tag.name === 'Term' && term) {
        if (!term.permuted && term.string) {
          if (term.recordPreferred) rec.terms.unshift(term.string);
          else rec.terms.push(term.string);
        }
        term = undefined;
      } else if (tag.name === 'Concept') {
        if (conceptPreferred && conceptScope) rec.scopeNote = conceptScope;
      } else if (tag.name === 'DescriptorRecord') {
        onRecord(rec);
        rec = undefined;
      }
    }
    path.pop();
    text = '';
  });
  parser.on('error', (e) => {
    error ??= new InputError([{ file, line: parser.line, reason: 'malformed-xml', message: e.message }]);
  });

  for await (const chunk of utf8Source(file, ctx)) {
    parser.write(chunk);
    if (error) throw error;
  }
  parser.close();
  if (error) throw error;
  if (!sawRoot) throw wrongFileType(file, 'expected MeSH descriptor XML, found no XML element');
}

async function readMeshJsonl(file: string, ctx: ReadContext, onRecord: (d: MeshDescriptor) => void): Promise<void> {
  for await (const { lineNo, value: v } of readJsonl(file, ctx)) {
    const where = { file, line: lineNo };
    const strings = (x: unknown, field: string): string[] | undefined => {
      if (x === undefined) return [];
      if (Array.isArray(x) && x.every((s) => typeof s === 'string')) return x as string[];
      ctx.builder.problem({ ...where, field }, 'invalid-field', 'must be an array of strings');
      return undefined;
    };
    const terms = strings(v['terms'], 'terms');
    const trees = strings(v['treeNumbers'], 'treeNumbers');
    if (!terms || !trees) continue;
    onRecord({
      id: String(v['id'] ?? ''),
      name: String(v['name'] ?? ''),
      terms,
      treeNumbers: trees,
      ...(typeof v['scopeNote'] === 'string' ? { scopeNote: v['scopeNote'] } : {}),
      where,
    });
  }
}

/** Adds the descriptors and links each to the descriptors owning its parent tree numbers. */
function addDescriptors(builder: VocabularyBuilder, descriptors: MeshDescriptor[]): void {
  const ownerOfTree = new Map<string, string>();
  for (const d of descriptors) {
    if (!UI_RE.test(d.id)) {
      builder.problem({ ...d.where, field: 'id' }, 'invalid-field', `"${d.id}" is not a MeSH descriptor UI (like D000001)`);
      continue;
    }
    const added = builder.addConcept(
      {
        id: d.id,
        name: d.name,
        lang: 'en',
        ...(d.scopeNote ? { description: d.scopeNote } : {}),
        terms: [
          ...d.terms.filter((t) => t !== d.name).map((text) => ({ text, kind: 'alt' as const, origin: 'entryTerm' })),
          ...d.treeNumbers.map((text) => ({ text, kind: 'code' as const, origin: 'treeNumber' })),
        ],
        types: [...new Set(d.treeNumbers.map((t) => t.charAt(0)))].sort(),
      },
      d.where,
    );
    if (added) for (const t of d.treeNumbers) ownerOfTree.set(t, d.id);
  }
  const missingHeadings = new Set<string>();
  for (const d of descriptors) {
    if (!builder.has(d.id)) continue;
    const parents = new Set<string>();
    for (const t of d.treeNumbers) {
      const dot = t.lastIndexOf('.');
      if (dot === -1) continue; // a top-level heading such as C14 has no parent descriptor
      const parentTree = t.slice(0, dot);
      const owner = ownerOfTree.get(parentTree);
      if (!owner && !parentTree.includes('.')) {
        // A top-level heading (C26) missing from the input: its children become roots.
        missingHeadings.add(parentTree);
      } else if (!owner) {
        builder.problem({ ...d.where, field: 'treeNumbers' }, 'unknown-parent', `tree number ${t} has no descriptor for its parent ${parentTree}`);
      } else if (owner !== d.id && !parents.has(owner)) {
        parents.add(owner);
        builder.addParent(d.id, owner, { ...d.where, field: 'treeNumbers' }, { derived: true });
      }
    }
  }
  if (missingHeadings.size > 0) {
    const list = [...missingHeadings].sort();
    builder.note(
      `${list.length} top-level tree numbers (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}) belong to no descriptor in the input; descriptors under them are roots`,
    );
  }
}

export const meshFormat: VocabularyFormat = {
  name: 'mesh',
  description: 'MeSH descriptors: NLM descriptor XML (desc2024.xml) or JSONL {id, name, terms, treeNumbers}',
  detect: (head) => /<DescriptorRecordSet/.test(head.text) || /^\{[^\n]*"treeNumbers"/.test(head.text),
  resolveFiles: (paths) => expandPaths(paths, (dir) => filesIn(dir, /^(desc\d{4}\.xml|.*mesh.*\.jsonl)$/i)),
  defaultName: () => 'mesh',
  detectVersion(files) {
    const y = files.map((f) => /(?:desc|mesh)(\d{4})/i.exec(basename(f))?.[1]).find(Boolean);
    return y;
  },
  async read(files, ctx) {
    const descriptors: MeshDescriptor[] = [];
    const collect = (d: MeshDescriptor): void => {
      ctx.builder.countRow(d.where.file);
      descriptors.push(d);
    };
    for (const file of files) {
      if (/\.xml$/i.test(file)) {
        ctx.builder.touchFile(file);
        await readXml(file, ctx, collect);
      } else {
        await readMeshJsonl(file, ctx, (d) => descriptors.push(d));
      }
    }
    addDescriptors(ctx.builder, descriptors);
  },
};
