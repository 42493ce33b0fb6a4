import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { WordStemmer, wordFeatures } from '../src/lexical/features.js';
import { LexicalIndex } from '../src/lexical/lexical-index.js';
import { parsePipeline, type PipelineInput } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { isDescendant, preferSpecific, type Hierarchy } from '../src/pipeline/stages/specificity.js';
import { preferredLabelsFirst } from '../src/pipeline/stages/ties.js';
import { withPositionalScores } from '../src/core/rank.js';

/** ISCO-like groups G1 → G12 → G123, occupations O1 (under G123) and O2 (under O1), and O3 under another group. */
const PARENTS: Record<string, string[]> = { G12: ['G1'], G123: ['G12'], O1: ['G123'], O2: ['O1'], O3: ['G9'], G9: [] };
const hierarchy: Hierarchy = { isGroup: (id) => id.startsWith('G'), parents: (id) => PARENTS[id] ?? [] };
const cands = (...ids: string[]): Array<{ conceptId: string; score: number }> => ids.map((conceptId, i) => ({ conceptId, score: 1 - i / 10 }));

test('isDescendant follows parent links at any depth and stops on cycles', () => {
  assert.ok(isDescendant('O2', 'G1', hierarchy));
  assert.ok(isDescendant('O1', 'G123', hierarchy));
  assert.ok(!isDescendant('O3', 'G1', hierarchy));
  assert.ok(!isDescendant('G1', 'O1', hierarchy), 'a group is not below its members');
  const cyclic: Hierarchy = { isGroup: () => false, parents: (id) => (id === 'A' ? ['B'] : id === 'B' ? ['A'] : []) };
  assert.ok(!isDescendant('A', 'C', cyclic));
});

test('preferSpecific: a group on top gives way to its best-ranked descendant within depth; the group is second, the rest keep their order', () => {
  const config = { groupTypes: ['isco-group'], depth: 30 };
  const { candidates, moved } = preferSpecific(cands('G12', 'O3', 'G9', 'O2', 'O1'), config, hierarchy);
  assert.equal(moved, 3);
  assert.deepEqual(candidates.map((c) => c.conceptId), ['O2', 'G12', 'O3', 'G9', 'O1']);
  // Not a group on top, no descendant, or the descendant deeper than `depth`: unchanged.
  assert.equal(preferSpecific(cands('O3', 'G12', 'O1'), config, hierarchy).moved, -1);
  assert.equal(preferSpecific(cands('G9', 'O1', 'O2'), config, hierarchy).moved, -1, 'O1 and O2 are not below G9');
  assert.equal(preferSpecific(cands('G1', 'O3', 'G9', 'O1'), { ...config, depth: 3 }, hierarchy).moved, -1);
  assert.equal(preferSpecific(cands('G1', 'O3', 'G9', 'O1'), { ...config, depth: 4 }, hierarchy).moved, 3);
  // A descendant that is itself a group is not more specific in the sense of the stage.
  assert.equal(preferSpecific(cands('G1', 'G123', 'O3'), config, hierarchy).moved, -1);
});

test('withPositionalScores keeps scores descending after a reorder; unmoved candidates are the same objects', () => {
  const before = cands('G12', 'O3', 'O2');
  const after = withPositionalScores(before, [before[2]!, before[0]!, before[1]!]);
  assert.deepEqual(after.map((c) => c.conceptId), ['O2', 'G12', 'O3']);
  assert.deepEqual(after.map((c) => c.score), before.map((c) => c.score));
  const same = withPositionalScores(before, before);
  assert.ok(same.every((c, i) => c === before[i]));
});

test('preferredLabelsFirst: among candidates matched by the same text, preferred labels move ahead within the tied positions', () => {
  const c = (conceptId: string, text: string, preferred: boolean) => ({ conceptId, text, preferred });
  const list = [c('A', 'Data Scientist', false), c('B', 'data analyst', true), c('C', 'data scientist', true), c('D', 'data scientist', false)];
  const out = preferredLabelsFirst(list, (x) => x.text.toLowerCase(), (x) => x.preferred);
  assert.deepEqual(out.map((x) => x.conceptId), ['C', 'B', 'A', 'D']);
  // Already in order, or no preferred label among the tied: unchanged.
  const ordered = [list[2]!, list[1]!, list[0]!];
  assert.deepEqual(preferredLabelsFirst(ordered, (x) => x.text.toLowerCase(), (x) => x.preferred), ordered);
  const noneP = [c('A', 'x', false), c('B', 'x', false)];
  assert.deepEqual(preferredLabelsFirst(noneP, (x) => x.text, (x) => x.preferred), noneP);
});

test('prefixStem: words of a language without a stemmer are cut to n letters; stemmed languages and short words are untouched', () => {
  const lt = new WordStemmer('lt', 5);
  assert.deepEqual([...wordFeatures('programuotojas programuotoja vadovas', lt).keys()], ['progr', 'vadov']);
  assert.equal(new WordStemmer('lt').stem('programuotojas'), 'programuotojas', 'off by default');
  assert.equal(new WordStemmer('de', 5).stem('programmierer'), new WordStemmer('de').stem('programmierer'), 'a Snowball language keeps its stemmer');
  assert.equal(lt.stem('kasa'), 'kasa');
  assert.equal(new WordStemmer('und', 4).stem('programuotojas'), 'programuotojas', 'an unknown language keeps whole words');
  // In the index: an inflected Lithuanian query matches the term in the BM25 view only with prefixStem.
  const terms = [
    { conceptId: 'a', text: 'programuotojas', norm: 'programuotojas', lang: 'lt' },
    { conceptId: 'b', text: 'vadovas', norm: 'vadovas', lang: 'lt' },
  ];
  const bm25 = (prefixStem: number): number => LexicalIndex.build(terms, { bm25Weight: 1, prefixStem }).search('programuotojai', 1, { lang: 'lt' })[0]?.views.bm25 ?? 0;
  assert.equal(bm25(0), 0);
  assert.ok(bm25(5) > 0);
  assert.ok(LexicalIndex.build(terms, { bm25Weight: 1 }).search('programuotojai', 1, { lang: 'lt' })[0]!.views.bm25 > 0, 'on by default (4 letters)');
  // The option travels with a saved index, so queries are cut as the terms were.
  const saved = LexicalIndex.fromBuffer(LexicalIndex.build(terms, { bm25Weight: 1, prefixStem: 5 }).toBuffer());
  assert.ok(saved.search('programuotojai', 1, { lang: 'lt' })[0]!.views.bm25 > 0);
});

test('pipeline config: specificity needs group types; ties is preferred or score; prefixStem is a small integer', () => {
  const base: PipelineInput = { name: 'x', generators: [{ type: 'lexical' }] };
  const p = parsePipeline(base);
  assert.equal(p.ties, 'score');
  assert.equal(p.specificity, undefined);
  assert.equal(p.generators[0].prefixStem, 4);
  assert.equal(parsePipeline({ ...base, specificity: { groupTypes: ['isco-group'] } }).specificity!.depth, 30);
  const field = (input: unknown): string | undefined => {
    try {
      parsePipeline(input);
    } catch (err) {
      return err instanceof InputError ? err.problems[0]!.field : 'not an InputError';
    }
    return undefined;
  };
  assert.equal(field({ ...base, specificity: { groupTypes: [] } }), 'specificity.groupTypes');
  assert.equal(field({ ...base, specificity: { groupTypes: ['g'], depth: 1 } }), 'specificity.depth');
  assert.equal(field({ ...base, ties: 'random' }), 'ties');
  assert.equal(field({ ...base, generators: [{ type: 'lexical', prefixStem: 2.5 }] }), 'generators[0].prefixStem');
});

/** A small ESCO-like vocabulary: groups with plural labels above occupations, and a label two concepts share. */
async function escoLike(): Promise<{ store: VocabStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-specificity-'));
  const file = join(dir, 'esco.jsonl');
  const lines = [
    { id: 'C2', name: 'Professionals', types: ['isco-group'] },
    { id: 'C2512', name: 'Software developers', types: ['isco-group'], parents: ['C2'] },
    { id: 'occ-dev', name: 'software developer', synonyms: ['programmer'], types: ['occupation'], parents: ['C2512'] },
    { id: 'C2166', name: 'Graphic and multimedia designers', types: ['isco-group'], parents: ['C2'] },
    { id: 'occ-xbio', name: 'bioinformatics scientist', synonyms: ['data scientist'], types: ['occupation'], parents: ['C2'] },
    { id: 'occ-data', name: 'data scientist', synonyms: ['data research scientist'], types: ['occupation'], parents: ['C2'] },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const store = VocabStore.open(join(dir, 'store.db'));
  await importVocabulary(store, [file], { name: 'esco' });
  return { store, dir };
}

test('linker: the specificity stage answers the occupation before its group and says so; without it the group stays first', async () => {
  const { store } = await escoLike();
  const base: PipelineInput = { name: 'x', generators: [{ type: 'lexical', bm25Weight: 0 }] };
  const plain = await Linker.build(store, 'esco', parsePipeline(base));
  const before = await plain.link('Software developers', 3);
  assert.equal(before.candidates[0]!.conceptId, 'C2512', 'the group label matches exactly');
  const specific = await Linker.build(store, 'esco', parsePipeline({ ...base, specificity: { groupTypes: ['isco-group'] } }));
  const after = await specific.link('Software developers', 3);
  assert.deepEqual(after.candidates.slice(0, 2).map((c) => c.conceptId), ['occ-dev', 'C2512']);
  const moved = after.candidates[0]!;
  assert.deepEqual(moved.preferredOver && { group: moved.preferredOver.group, rank: moved.preferredOver.rank }, { group: 'C2512', rank: before.candidates.findIndex((c) => c.conceptId === 'occ-dev') + 1 });
  assert.ok(after.candidates[0]!.score >= after.candidates[1]!.score, 'scores still descend');
  // A group with no member among the candidates stays first.
  assert.equal((await specific.link('graphic and multimedia designers', 3)).candidates[0]!.conceptId, 'C2166');
  await plain.close();
  await specific.close();
  store.close();
});

test('linker: ties: preferred answers the concept whose preferred label matched over one that lists it as a synonym', async () => {
  const { store } = await escoLike();
  const base: PipelineInput = { name: 'x', generators: [{ type: 'lexical', bm25Weight: 0 }] };
  // Both concepts match "data scientist" exactly; with scores alone the order is the id tie-break.
  const byScore = await Linker.build(store, 'esco', parsePipeline(base));
  const s = await byScore.link('data scientist', 2);
  assert.equal(s.candidates[0]!.score, s.candidates[1]!.score);
  assert.equal(s.candidates[0]!.conceptId, 'occ-xbio', 'compareRanked: equal scores, the larger id first');
  const byLabel = await Linker.build(store, 'esco', parsePipeline({ ...base, ties: 'preferred' }));
  const data = await byLabel.link('data scientist', 2);
  assert.deepEqual(data.candidates.map((c) => c.conceptId), ['occ-data', 'occ-xbio']);
  await byScore.close();
  await byLabel.close();
  store.close();
});
