/**
 * Canonical vocabulary JSONL: one concept per line (see docs/formats.md).
 *
 *   {"id": "I21.9", "name": "Acute myocardial infarction", "synonyms": ["heart attack", "MI"],
 *    "terms": [{"text": "infarto agudo de miocardio", "lang": "es"}], "parents": ["I21"],
 *    "types": ["disease"], "codes": ["I21.9"], "description": "…", "lang": "en"}
 */
import { basename } from 'node:path';
import { z } from 'zod';
import type { VocabularyFormat } from './format.js';
import { describeIssue, LANG_RE } from '../../io/validate.js';
import { expandPaths, filesIn, readJsonl } from './read.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const lang = z.string().regex(LANG_RE, 'must be a language code such as "en" or "pt-BR"');

export const conceptLineSchema = z.strictObject({
  id: nonEmpty,
  name: nonEmpty,
  synonyms: z.array(nonEmpty).optional(),
  terms: z.array(z.strictObject({ text: nonEmpty, lang })).optional(),
  parents: z.array(nonEmpty).optional(),
  types: z.array(nonEmpty).optional(),
  codes: z.array(nonEmpty).optional(),
  xrefs: z.array(nonEmpty).optional(),
  description: z.string().optional(),
  lang: lang.optional(),
});

export type ConceptLine = z.infer<typeof conceptLineSchema>;

export const jsonlFormat: VocabularyFormat = {
  name: 'jsonl',
  description: 'canonical vocabulary JSONL, one concept per line (docs/formats.md)',
  detect(head) {
    const first = head.text.split('\n', 1)[0]?.trim() ?? '';
    return first.startsWith('{') && /"id"\s*:/.test(first) && /"name"\s*:/.test(first) && !/"treeNumbers"/.test(first);
  },
  resolveFiles: (paths) => expandPaths(paths, (dir) => filesIn(dir, /\.jsonl$/)),
  defaultName: (files) => basename(files[0]!).replace(/\.jsonl$/, ''),
  async read(files, ctx) {
    const { builder } = ctx;
    for (const file of files) {
      for await (const { lineNo, value } of readJsonl(file, ctx)) {
        const parsed = conceptLineSchema.safeParse(value);
        if (!parsed.success) {
          const { reason, field, message } = describeIssue(parsed.error);
          builder.problem({ file, line: lineNo, field }, reason, message);
          continue;
        }
        const c = parsed.data;
        const conceptLang = c.lang ?? builder.defaultLang;
        builder.addConcept(
          {
            id: c.id,
            name: c.name,
            lang: conceptLang,
            ...(c.description !== undefined ? { description: c.description } : {}),
            terms: [
              ...(c.synonyms ?? []).map((text) => ({ text, lang: conceptLang, kind: 'alt' as const })),
              ...(c.terms ?? []).map((t) => ({ text: t.text, lang: t.lang, kind: 'alt' as const })),
              ...(c.codes ?? []).map((text) => ({ text, kind: 'code' as const })),
            ],
            parents: c.parents ?? [],
            types: c.types ?? [],
            xrefs: c.xrefs ?? [],
          },
          { file, line: lineNo },
        );
      }
    }
  },
};
