/**
 * ESCO occupations, several languages merged into one vocabulary.
 *
 * Reads the official CSV export (`occupations_<lang>.csv`, optionally `ISCOGroups_<lang>.csv`)
 * and the JSONL layout of the same data (`occupations_<lang>.jsonl`, `isco_groups_<lang>.jsonl`).
 * One concept per ESCO URI; every language's preferred, alternative and hidden labels
 * become terms in that language. The hierarchy comes from the codes: occupation
 * 2654.1.7 → 2654.1 → ISCO unit group 2654 → 265 → 26 → 2.
 */
import { basename } from 'node:path';
import type { InputLocation } from '../../core/errors.js';
import type { TermInput } from '../builder.js';
import type { ReadContext, VocabularyFormat } from './format.js';
import { expandPaths, filesIn, langFromFilename, readJsonl, readTable, wrongFileType } from './read.js';

type EscoKind = 'occupation' | 'isco-group';

interface EscoRow {
  uri: string;
  kind: EscoKind;
  code: string;
  iscoGroup: string;
  preferred: string;
  alt: string[];
  hidden: string[];
  description: string;
}

interface EscoConcept {
  uri: string;
  kind: EscoKind;
  code: string;
  iscoGroup: string;
  where: InputLocation;
  labels: Map<string, { preferred: string; alt: string[]; hidden: string[]; description: string }>;
}

const FILE_RE = /^(occupations|iscogroups|isco_groups)_[a-z]{2,3}(-[a-z]+)?\.(csv|jsonl)$/i;

function fileKind(file: string): EscoKind {
  return /^occupations_/i.test(basename(file)) ? 'occupation' : 'isco-group';
}

/** Labels in one cell: the CSV export separates them with line breaks; JSONL has arrays. */
function labelList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  return [];
}

async function* rowsOf(file: string, ctx: ReadContext): AsyncGenerator<{ where: InputLocation; row: EscoRow }> {
  const kind = fileKind(file);
  if (file.endsWith('.jsonl')) {
    for await (const { lineNo, value: v } of readJsonl(file, ctx)) {
      yield {
        where: { file, line: lineNo },
        row: {
          uri: String(v['uri'] ?? v['conceptUri'] ?? ''),
          kind,
          code: String(v['code'] ?? ''),
          iscoGroup: String(v['iscoGroup'] ?? ''),
          preferred: String(v['preferredLabel'] ?? ''),
          alt: labelList(v['altLabels']),
          hidden: labelList(v['hiddenLabels']),
          description: String(v['description'] ?? ''),
        },
      };
    }
    return;
  }
  for await (const { lineNo, cells } of readTable(file, ctx, {
    delimiter: ',',
    quoted: true,
    required: ['concepturi', 'preferredlabel'],
  })) {
    yield {
      where: { file, line: lineNo },
      row: {
        uri: cells['concepturi'] ?? '',
        kind,
        code: cells['code'] ?? '',
        iscoGroup: cells['iscogroup'] ?? '',
        preferred: cells['preferredlabel'] ?? '',
        alt: labelList(cells['altlabels']),
        hidden: labelList(cells['hiddenlabels']),
        description: cells['description'] || cells['definition'] || '',
      },
    };
  }
}

export const escoFormat: VocabularyFormat = {
  name: 'esco',
  description: 'ESCO occupations: occupations_<lang>.csv (+ ISCOGroups_<lang>.csv) or the same as .jsonl',
  detect(head) {
    const first = head.text.split('\n', 1)[0] ?? '';
    return /conceptUri/.test(first) || (/"uri"\s*:/.test(first) && /"preferredLabel"/.test(first));
  },
  resolveFiles: (paths) => expandPaths(paths, (dir) => filesIn(dir, FILE_RE)),
  defaultName: () => 'esco',
  detectVersion(files) {
    const m = files.map((f) => /v?(\d+\.\d+(?:\.\d+)?)/.exec(f)?.[1]).find(Boolean);
    return m ? `v${m}` : undefined;
  },
  async read(files, ctx) {
    const { builder } = ctx;
    const byUri = new Map<string, EscoConcept>();
    const langsSeen: string[] = [];
    for (const file of files) {
      const lang = langFromFilename(file);
      if (!lang || !FILE_RE.test(basename(file))) {
        throw wrongFileType(file, 'expected an ESCO file named occupations_<lang>.csv|jsonl or ISCOGroups_<lang>.csv / isco_groups_<lang>.jsonl');
      }
      if (ctx.langs.length > 0 && !ctx.langs.includes(lang)) continue;
      if (!langsSeen.includes(lang)) langsSeen.push(lang);
      for await (const { where, row } of rowsOf(file, ctx)) {
        if (!row.uri) {
          builder.problem({ ...where, field: 'uri' }, 'empty-id', 'row has no concept URI');
          continue;
        }
        let c = byUri.get(row.uri);
        if (!c) {
          c = { uri: row.uri, kind: row.kind, code: row.code, iscoGroup: row.iscoGroup, where, labels: new Map() };
          byUri.set(row.uri, c);
        } else if (c.labels.has(lang)) {
          builder.problem({ ...where, field: 'uri' }, 'duplicate-id', `duplicate concept URI "${row.uri}" in language "${lang}"`);
          continue;
        }
        c.labels.set(lang, { preferred: row.preferred, alt: row.alt, hidden: row.hidden, description: row.description });
      }
    }
    const primary = ctx.langs[0] ?? (langsSeen.includes('en') ? 'en' : langsSeen[0] ?? 'en');
    const byCode = new Map<string, string>();
    for (const c of byUri.values()) if (c.code) byCode.set(c.code, c.uri);

    for (const c of byUri.values()) {
      const main = c.labels.get(primary) ?? [...c.labels.values()][0]!;
      const mainLang = c.labels.has(primary) ? primary : [...c.labels.keys()][0]!;
      const terms: TermInput[] = [];
      for (const [lang, l] of c.labels) {
        terms.push({ text: l.preferred, lang, kind: 'preferred', origin: 'preferredLabel' });
        for (const a of l.alt) terms.push({ text: a, lang, kind: 'alt', origin: 'altLabels' });
        for (const h of l.hidden) terms.push({ text: h, lang, kind: 'hidden', origin: 'hiddenLabels' });
      }
      if (c.code) terms.push({ text: c.code, kind: 'code', origin: c.kind === 'occupation' ? 'escoCode' : 'iscoCode' });
      builder.addConcept(
        {
          id: c.uri,
          name: main.preferred,
          lang: mainLang,
          description: main.description,
          terms,
          types: [c.kind],
          parents: parentOf(c, byCode),
        },
        c.where,
      );
    }
  },
};

/** The URI of the closest broader concept by code, if it was imported. */
function parentOf(c: EscoConcept, byCode: Map<string, string>): string[] {
  const parent = escoParent(c.kind === 'occupation' ? 'occupation' : 'isco-group', c.code, c.iscoGroup, byCode);
  return parent ? [parent] : [];
}

/**
 * A concept's parent in ESCO's hierarchy, from the codes: occupation 2654.1.7 → the nearest
 * of 2654.1, then its ISCO unit group (`iscoGroup`); an ISCO group 2654 → the nearest of 265,
 * 26, 2. `byCode` maps the codes present to their URIs; undefined at the top.
 */
export function escoParent(kind: 'occupation' | 'isco-group', code: string, iscoGroup: string, byCode: ReadonlyMap<string, string>): string | undefined {
  if (kind === 'occupation') {
    while (code.includes('.')) {
      code = code.slice(0, code.lastIndexOf('.'));
      const uri = byCode.get(code);
      if (uri) return uri;
    }
    return byCode.get(iscoGroup || code);
  }
  while (code.length > 1) {
    code = code.slice(0, -1);
    const uri = byCode.get(code);
    if (uri) return uri;
  }
  return undefined;
}
