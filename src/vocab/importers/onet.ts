/**
 * O*NET-SOC occupations from the official tab-separated text files of the O*NET
 * database ("Occupation Data.txt", "Alternate Titles.txt", "Sample of Reported Titles.txt"),
 * or the same tables with snake_case headers (occupations.tsv, alternate_titles.tsv, …).
 * Each file's role is read from its header, so names do not matter.
 *
 * Detailed O*NET occupations (15-1299.08) get their SOC occupation (15-1299.00) as parent.
 */
import { readHead } from '../../io/sniff.js';
import type { VocabularyFormat } from './format.js';
import { expandPaths, filesIn, headerKeys, readTable, wrongFileType } from './read.js';

type OnetRole = 'occupations' | 'alternate' | 'reported';

const CODE = ['onet_soc_code', 'o_net_soc_code'];
const CODE_RE = /^\d{2}-\d{4}\.\d{2}$/;
const DIR_FILES = /^(occupation data\.txt|alternate titles\.txt|sample of reported titles\.txt|occupations\.tsv|alternate_titles\.tsv|reported_titles\.tsv)$/i;

function roleOf(keys: string[]): OnetRole | undefined {
  if (!keys.some((k) => CODE.includes(k))) return undefined;
  if (keys.includes('alternate_title')) return 'alternate';
  if (keys.includes('reported_job_title')) return 'reported';
  if (keys.includes('description') && keys.includes('title')) return 'occupations';
  return undefined;
}

function code(cells: Record<string, string>): string {
  return (cells['onet_soc_code'] ?? cells['o_net_soc_code'] ?? '').trim();
}

export const onetFormat: VocabularyFormat = {
  name: 'onet',
  description: 'O*NET database text files: Occupation Data (+ Alternate Titles, Sample of Reported Titles), or a folder of them',
  detect: (head) => roleOf(headerKeys(head.text, '\t')) !== undefined,
  resolveFiles: (paths) => expandPaths(paths, (dir) => filesIn(dir, DIR_FILES)),
  defaultName: () => 'onet',
  detectVersion(files) {
    const m = files.map((f) => /db_(\d+)_(\d+)/.exec(f)).find(Boolean);
    return m ? `${m[1]}.${m[2]}` : undefined;
  },
  async read(files, ctx) {
    const { builder } = ctx;
    const roles = new Map<OnetRole, string[]>();
    for (const file of files) {
      const head = await readHead(file);
      const role = roleOf(headerKeys(head.text, '\t'));
      if (!role) {
        throw wrongFileType(
          file,
          'not an O*NET table: expected a tab-separated header with "O*NET-SOC Code" and "Title"/"Description", "Alternate Title" or "Reported Job Title"',
        );
      }
      roles.set(role, [...(roles.get(role) ?? []), file]);
    }
    if (!roles.has('occupations')) {
      throw wrongFileType(files[0]!, 'O*NET import needs the Occupation Data file (O*NET-SOC Code, Title, Description)');
    }
    const table = { delimiter: '\t' as const, quoted: false };
    const occupations = new Map<string, { file: string; line: number }>();
    for (const file of roles.get('occupations')!) {
      for await (const { lineNo, cells } of readTable(file, ctx, { ...table, required: [CODE, 'title'] })) {
        const c = code(cells);
        if (!CODE_RE.test(c)) {
          builder.problem({ file, line: lineNo, field: 'O*NET-SOC Code' }, 'invalid-field', `"${c}" is not an O*NET-SOC code (like 15-1252.00)`);
          continue;
        }
        const added = builder.addConcept(
          {
            id: c,
            name: cells['title'] ?? '',
            lang: 'en',
            description: cells['description'] ?? '',
            types: ['occupation'],
            terms: [{ text: c, kind: 'code', origin: 'onetSocCode' }],
          },
          { file, line: lineNo },
        );
        if (added) occupations.set(c, { file, line: lineNo });
      }
    }
    for (const file of roles.get('alternate') ?? []) {
      for await (const { lineNo, cells } of readTable(file, ctx, { ...table, required: [CODE, 'alternate_title'] })) {
        const where = { file, line: lineNo };
        builder.addTerm(code(cells), { text: cells['alternate_title'] ?? '', lang: 'en', kind: 'alt', origin: 'alternateTitle' }, where);
        if (cells['short_title']) {
          builder.addTerm(code(cells), { text: cells['short_title'], lang: 'en', kind: 'alt', origin: 'shortTitle' }, where);
        }
      }
    }
    for (const file of roles.get('reported') ?? []) {
      for await (const { lineNo, cells } of readTable(file, ctx, { ...table, required: [CODE, 'reported_job_title'] })) {
        builder.addTerm(
          code(cells),
          { text: cells['reported_job_title'] ?? '', lang: 'en', kind: 'alt', origin: 'reportedTitle' },
          { file, line: lineNo },
        );
      }
    }
    // 15-1299.08 → 15-1299.00 when both exist.
    for (const [c, where] of occupations) {
      const soc = `${c.slice(0, 8)}00`;
      if (soc !== c && occupations.has(soc)) builder.addParent(c, soc, where, { derived: true });
    }
  },
};
