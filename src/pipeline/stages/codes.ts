/**
 * codes: codes the rule pack found in the text ("E11.9", "ICD-10 I21") that are ids or codes
 * of the vocabulary's concepts are the first candidates, with score 1, before what the
 * generators found. It runs after their ranking is settled (it takes nothing from it), so
 * the ranking stages see only generator candidates.
 */
import { foldCode } from '../../core/fold.js';
import type { LexicalIndex } from '../../lexical/lexical-index.js';
import type { VocabStore } from '../../store/store.js';
import type { LinkCandidate } from '../result.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

export class CodesStage implements Stage {
  readonly name = 'codes';

  /** `codes`: foldCode(code) → the concepts with that id or code. */
  constructor(private readonly codes: ReadonlyMap<string, readonly string[]>) {}

  run(batch: QueryState[]): void {
    for (const q of batch) {
      const byCode: LinkCandidate[] = [];
      for (const c of q.query.codes) {
        for (const id of this.codes.get(foldCode(c.code)) ?? []) {
          if (!byCode.some((b) => b.conceptId === id)) byCode.push({ conceptId: id, score: 1, term: { text: c.code, lang: '' }, generator: 'code' });
        }
      }
      if (byCode.length) q.candidates = [...byCode, ...q.candidates.filter((c) => !byCode.some((b) => b.conceptId === c.conceptId))].slice(0, q.want);
    }
  }
}

/** foldCode(code) → the indexed concepts with that id or code. */
export function codeMap(store: VocabStore, vocabulary: string, index: LexicalIndex): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  const inIndex = new Set(index.terms.map((t) => t.conceptId));
  const add = (code: string, id: string): void => {
    if (!inIndex.has(id)) return;
    const k = foldCode(code);
    const list = codes.get(k);
    if (!list) codes.set(k, [id]);
    else if (!list.includes(id)) list.push(id);
  };
  for (const id of inIndex) add(id, id);
  for (const t of store.terms(vocabulary, { includeCodes: true })) if (t.kind === 'code') add(t.text, t.conceptId);
  return codes;
}

export const codesStage = defineStage({
  name: 'codes',
  // Codes are found by the rule pack: no pack, no codes.
  section: (config) => config.normalize.pack,
  build: (_pack, { store, vocabulary, resources }) => new CodesStage(codeMap(store, vocabulary, resources.index)),
});
