/**
 * ICD-10-CM codes, from the CMS/CDC order file (`icd10cm_order_2024.txt`, fixed columns)
 * or a TSV with the columns code, code_dotted?, billable, long_desc, short_desc.
 *
 * One concept per code (headers included), its id the dotted code ("E11.9"). The long
 * description is the name, the short description a synonym; both code forms are codes.
 * The parent of a code is its longest proper prefix that is itself a code
 * (E11.9 → E11; S72.001A → S72.001).
 */
import { basename } from 'node:path';
import type { InputLocation } from '../../core/errors.js';
import { readLines } from '../../io/lines.js';
import { readHead } from '../../io/sniff.js';
import type { ReadContext, VocabularyFormat } from './format.js';
import { expandPaths, filesIn, headerKeys, readTable, wrongFileType } from './read.js';

const CODE_RE = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
// Order file: 5-digit order number, code padded to 7, header flag, 60-char short description, long description.
const ORDER_LINE_RE = /^(\d{5}) ([A-Z][0-9A-Z]{2,6}) {0,4} ([01]) (.{60}) (.*)$/;

interface IcdRow {
  code: string;
  billable: boolean;
  long: string;
  short: string;
  where: InputLocation;
}

export function dotted(code: string): string {
  return code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

function isOrderFile(text: string): boolean {
  return ORDER_LINE_RE.test(text.split(/\r?\n/, 1)[0] ?? '');
}

async function* orderFileRows(file: string, ctx: ReadContext): AsyncGenerator<IcdRow> {
  const { builder } = ctx;
  builder.touchFile(file);
  let last = 0;
  const onBytes = (n: number): void => {
    ctx.onBytes(n - last);
    last = n;
  };
  for await (const r of readLines(file, { maxLineBytes: ctx.maxLineBytes, onBytes })) {
    const where = { file, line: r.lineNo };
    if ('error' in r) {
      builder.countRow(file);
      builder.problem(where, r.error, r.message);
      continue;
    }
    if (!r.text.trim()) continue;
    builder.countRow(file);
    const m = ORDER_LINE_RE.exec(r.text.padEnd(78));
    if (!m) {
      if (r.lineNo === 1) throw wrongFileType(file, 'not an ICD-10-CM order file (expected "00001 A00     0 Cholera…" fixed columns)');
      builder.problem(where, 'malformed-row', 'not an order-file line: expected order number, code, header flag, short and long description in fixed columns');
      continue;
    }
    yield { code: m[2]!, billable: m[3] === '1', short: m[4]!.trim(), long: m[5]!.trim(), where };
  }
}

async function* tsvRows(file: string, ctx: ReadContext): AsyncGenerator<IcdRow> {
  for await (const { lineNo, cells } of readTable(file, ctx, {
    delimiter: '\t',
    quoted: false,
    required: ['code', ['long_desc', 'long_description', 'description']],
  })) {
    yield {
      code: (cells['code'] ?? '').replace('.', '').trim(),
      billable: cells['billable'] === '1' || cells['billable'] === 'true',
      long: cells['long_desc'] ?? cells['long_description'] ?? cells['description'] ?? '',
      short: cells['short_desc'] ?? cells['short_description'] ?? '',
      where: { file, line: lineNo },
    };
  }
}

export const icd10cmFormat: VocabularyFormat = {
  name: 'icd10cm',
  description: 'ICD-10-CM: the order file icd10cm_order_<year>.txt, or a TSV with code, billable, long_desc, short_desc',
  detect(head) {
    if (isOrderFile(head.text)) return true;
    const keys = headerKeys(head.text, '\t');
    return keys.includes('code') && keys.includes('long_desc');
  },
  resolveFiles: (paths) =>
    expandPaths(paths, (dir) => filesIn(dir, /^(icd10cm[-_]order[-_](?:[a-z]+-)?\d{4}\.txt|icd10cm_\d{4}\.tsv)$/i)),
  defaultName: () => 'icd10cm',
  detectVersion(files) {
    const y = files.map((f) => /(\d{4})/.exec(basename(f))?.[1]).find(Boolean);
    return y ? `FY${y}` : undefined;
  },
  async read(files, ctx) {
    const { builder } = ctx;
    const rows: IcdRow[] = [];
    for (const file of files) {
      const head = await readHead(file);
      const source = isOrderFile(head.text) ? orderFileRows(file, ctx) : tsvRows(file, ctx);
      for await (const row of source) {
        if (!CODE_RE.test(row.code)) {
          builder.problem({ ...row.where, field: 'code' }, 'invalid-field', `"${row.code}" is not an ICD-10-CM code (like E119 or E11.9)`);
          continue;
        }
        rows.push(row);
      }
    }
    const known = new Set<string>();
    for (const r of rows) {
      const id = dotted(r.code);
      const added = builder.addConcept(
        {
          id,
          name: r.long || r.short,
          lang: 'en',
          types: [r.billable ? 'billable' : 'header'],
          terms: [
            { text: r.short, kind: 'alt', origin: 'shortDescription' },
            { text: id, kind: 'code', origin: 'code' },
            ...(id !== r.code ? [{ text: r.code, kind: 'code' as const, origin: 'code' }] : []),
          ],
        },
        r.where,
      );
      if (added) known.add(r.code);
    }
    for (const r of rows) {
      if (!known.has(r.code)) continue;
      for (let len = r.code.length - 1; len >= 3; len--) {
        const prefix = r.code.slice(0, len);
        if (known.has(prefix)) {
          builder.addParent(dotted(r.code), dotted(prefix), r.where, { derived: true });
          break;
        }
      }
    }
  },
};
