import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../src/core/random.js';
import { WordStemmer, wordFeatures } from '../src/lexical/features.js';
import { charWbNgrams, EVERY_TERM_SHARE, LexicalIndex, type IndexedTerm } from '../src/lexical/lexical-index.js';

test('char_wb n-grams pad each word and keep short words whole', () => {
  assert.deepEqual([...charWbNgrams('mi heart', 3).keys()], [' mi', 'mi ', ' he', 'hea', 'ear', 'art', 'rt ']);
  assert.deepEqual([...charWbNgrams('a', 3).entries()], [[' a ', 1]]);
  assert.equal(charWbNgrams('aaaa aaaa', 3).get('aaa'), 4);
});

test('words are stemmed by language and stop words dropped', () => {
  assert.deepEqual([...wordFeatures('managers of all other nurses', new WordStemmer('en')).keys()], ['manag', 'nurs']);
  assert.deepEqual([...wordFeatures('infirmières de nuit', new WordStemmer('fr')).keys()], ['infirmi', 'nuit']);
  assert.deepEqual([...wordFeatures('ממרב 12345', new WordStemmer('he')).keys()], ['ממרב', '12345'], 'no stemmer: whole words');
});

const terms: IndexedTerm[] = ['heart attack', 'heart failure', 'asthma', 'attack of asthma'].map((norm, i) => ({
  conceptId: i === 3 ? 'c2' : `c${i}`,
  text: norm,
  norm,
  lang: 'en',
}));

test('the char view alone gives TF-IDF cosines with smooth idf (reference values computed independently)', () => {
  const index = LexicalIndex.build(terms, { sublinearTf: false, bm25Weight: 0 });
  const hits = index.search('heart atack', 10);
  // Reference: a separate implementation of scikit-learn's char_wb + smooth_idf + l2 formulas.
  assert.deepEqual(
    hits.map((h) => [h.conceptId, Number(h.score.toFixed(6))]),
    [
      ['c0', 0.904534],
      ['c1', 0.413304],
      ['c2', 0.341796],
    ],
  );
  assert.equal(hits[2]!.term.text, 'attack of asthma', 'the best term of concept c2 is returned');
  assert.equal(hits[0]!.views.char, hits[0]!.score);
});

test('the BM25 view rewards shared stemmed words, scaled by the score of a term made of the query', () => {
  const index = LexicalIndex.build(terms, { bm25Weight: 1 });
  const hits = index.search('attacks', 10);
  assert.deepEqual(hits.map((h) => h.conceptId).sort(), ['c0', 'c2'], 'only terms sharing the stem "attack" score');
  // By hand: k1 = 1.2, b = 0.75, avgdl = 7/4 ("of" is a stop word). The query is one word;
  // both matching terms have two, so each scores tf-saturation(len 2) / tf-saturation(len 1).
  const sat = (len: number): number => 2.2 / (1 + 1.2 * (0.25 + (0.75 * len) / 1.75));
  const expected = sat(2) / sat(1);
  // "attack of asthma" and "heart attack": a tie, broken by id.
  assert.deepEqual(hits.map((h) => h.conceptId), ['c2', 'c0']);
  for (const h of hits) assert.ok(Math.abs(h.score - expected) < 1e-6, `${h.score} vs ${expected}`); // postings hold float32
  const two = index.search('heart attack', 2);
  assert.ok(Math.abs(two[0]!.score - 1) < 1e-6, 'a term made of exactly the query scores 1 when its length is the query\'s');
  assert.ok(two[1]!.score < 0.6, 'sharing one word of two gives about half');
  const longer = LexicalIndex.build([...terms, { conceptId: 'c9', text: 'attack', norm: 'attack', lang: 'en' }], { bm25Weight: 1 }).search('attacks', 3);
  assert.equal(longer[0]!.conceptId, 'c9', 'the shortest term wins (length normalisation)');
  assert.ok(longer[1]!.score < 1);
  const fused = LexicalIndex.build(terms, { bm25Weight: 0.5 }).search('attacks', 1)[0]!;
  assert.ok(Math.abs(fused.score - (0.5 * fused.views.char + 0.5 * fused.views.bm25)) < 1e-12);
});

/** A seeded random vocabulary of made-up medical-looking words: `terms` per concept at most, ids modulo `ids`. */
function randomVocabulary(seed: number, concepts: number, terms: number, ids: number): { rand: () => number; word: () => string; vocab: IndexedTerm[] } {
  const rand = seededRandom(seed);
  const syll = ['car', 'dio', 'my', 'path', 'neu', 'ro', 'gen', 'ic', 'ma', 'lig', 'nant', 'tu', 'mor', 'ost', 'eo', 'sis'];
  const word = (): string => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join('');
  const vocab: IndexedTerm[] = [];
  for (let c = 0; c < concepts; c++) {
    for (let t = 0; t < 1 + Math.floor(rand() * terms); t++) {
      const norm = Array.from({ length: 1 + Math.floor(rand() * 3) }, word).join(' ');
      vocab.push({ conceptId: `k${c % ids}`, text: norm, norm, lang: 'en' });
    }
  }
  return { rand, word, vocab };
}

test('search is exact: it agrees with brute force on a random vocabulary, ties included', () => {
  const { rand, word, vocab } = randomVocabulary(11, 300, 4, 200); // concepts' terms interleaved
  const index = LexicalIndex.build(vocab, { bm25Weight: 0.4 });
  for (let q = 0; q < 40; q++) {
    const query = Array.from({ length: 1 + Math.floor(rand() * 2) }, word).join(' ');
    const k = 1 + Math.floor(rand() * 15);
    const got = index.search(query, k);
    // Brute force: every term scored by a fresh search with k = everything, best per concept.
    const all = index.search(query, 10_000);
    const expected = all.slice(0, k);
    assert.deepEqual(got.map((h) => [h.conceptId, h.score]), expected.map((h) => [h.conceptId, h.score]), query);
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]!;
      const b = all[i]!;
      assert.ok(a.score > b.score || (a.score === b.score && a.conceptId > b.conceptId), 'ranking order: score, then id descending');
    }
  }
});

test('an exact term scores 1; unknown grams are ignored; k limits the concepts', () => {
  const index = LexicalIndex.build(terms);
  const [top] = index.search('asthma', 1);
  assert.equal(top!.conceptId, 'c2');
  assert.ok(Math.abs(top!.score - 1) < 1e-6, 'weights are stored as float32');
  assert.equal(index.search('asthma', 1).length, 1);
  assert.deepEqual(index.search('zzzz qqq', 5), []);
  assert.deepEqual(index.search('asthma', 0), []);
});

test('an index survives a round trip through bytes unchanged', () => {
  const index = LexicalIndex.build(terms, { n: 4, bm25Weight: 0.3 });
  const copy = LexicalIndex.fromBuffer(index.toBuffer());
  assert.deepEqual(copy.options, index.options);
  for (const q of ['heart atack', 'asthma attack', 'failure']) assert.deepEqual(copy.search(q, 5), index.search(q, 5));
  const bad = index.toBuffer();
  bad.write('{"format":"something-else"', 8);
  assert.throws(() => LexicalIndex.fromBuffer(bad));
});

test('searchTermsEither equals two searches merged by maximum (also and exclude included)', () => {
  const { rand, word, vocab } = randomVocabulary(5, 200, 3, 200);
  for (const bm25Weight of [0, 0.5]) {
    const index = LexicalIndex.build(vocab, { bm25Weight });
    for (let q = 0; q < 30; q++) {
      const a = Array.from({ length: 1 + Math.floor(rand() * 2) }, word).join(' ');
      const b = rand() < 0.5 ? `${a} ${word()}` : word();
      const k = 1 + Math.floor(rand() * 20);
      const also = new Set(Array.from({ length: 5 }, () => Math.floor(rand() * vocab.length)));
      const exclude = new Set([`k${Math.floor(rand() * 200)}`]);
      const options = { also, exclude };
      const merged = new Map<number, number>();
      for (const text of [a, b]) for (const h of index.searchTerms(text, k, options)) if (!(merged.get(h.term)! >= h.score)) merged.set(h.term, h.score);
      const expected = [...merged].map(([term, score]) => ({ term, score })).sort((x, y) => y.score - x.score || x.term - y.term);
      const got = index.searchTermsEither(a, b, k, options);
      assert.equal(got.length, expected.length, `${a} | ${b}`);
      got.forEach((h, i) => {
        assert.equal(h.term, expected[i]!.term);
        assert.ok(Math.abs(h.score - expected[i]!.score) < 1e-12);
      });
    }
    // The scratch arrays are left clean: a plain search afterwards is unchanged.
    assert.deepEqual(index.searchTerms('cardio', 5), LexicalIndex.build(vocab, { bm25Weight }).searchTerms('cardio', 5));
  }
});

test('a term search that ranks by reading every term returns what one that lists the touched terms does', () => {
  const { rand, word, vocab } = randomVocabulary(17, 300, 4, 200);
  const before = EVERY_TERM_SHARE.value;
  try {
    for (const bm25Weight of [0, 0.5]) {
      const index = LexicalIndex.build(vocab, { bm25Weight });
      for (let q = 0; q < 30; q++) {
        const text = Array.from({ length: 1 + Math.floor(rand() * 3) }, word).join(' ');
        const k = 1 + Math.floor(rand() * 20);
        const options = { also: new Set(Array.from({ length: 4 }, () => Math.floor(rand() * vocab.length))), exclude: new Set([`k${Math.floor(rand() * 200)}`]) };
        const run = (share: number) => {
          EVERY_TERM_SHARE.value = share;
          return index.searchTerms(text, k, options);
        };
        const listed = run(Number.POSITIVE_INFINITY);
        const every = run(0);
        assert.ok(listed.length > 0, text);
        assert.deepEqual(every, listed, text);
      }
      // The scratch arrays are left clean after either kind of search.
      EVERY_TERM_SHARE.value = 0;
      const a = index.searchTerms('cardio', 5);
      EVERY_TERM_SHARE.value = Number.POSITIVE_INFINITY;
      assert.deepEqual(index.searchTerms('cardio', 5), a);
    }
  } finally {
    EVERY_TERM_SHARE.value = before;
  }
});

test('a term search that leaves common grams out returns exact scores, and the exact top terms when they stand out', () => {
  const { rand, word, vocab } = randomVocabulary(23, 300, 4, 200);
  for (const bm25Weight of [0, 0.5]) {
    const index = LexicalIndex.build(vocab, { bm25Weight });
    let sameTop = 0;
    for (let q = 0; q < 40; q++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 3) }, word).join(' ');
      const k = 1 + Math.floor(rand() * 10);
      const also = new Set(Array.from({ length: 4 }, () => Math.floor(rand() * vocab.length)));
      // Every term's exact score: a search deep enough to return them all.
      const exact = new Map(index.searchTerms(text, vocab.length, { also }).map((h) => [h.term, h.score]));
      const got = index.searchTerms(text, k, { also, commonGrams: 0.05 });
      const full = index.searchTerms(text, k, { also });
      // Each returned term carries its exact score (common grams added back), also terms included.
      for (const h of got) assert.ok(Math.abs(h.score - exact.get(h.term)!) < 1e-6, `${text}: term ${h.term} ${h.score} vs ${exact.get(h.term)}`);
      for (const t of also) if (exact.has(t)) assert.ok(got.some((h) => h.term === t), `${text}: also term ${t} kept`);
      assert.ok(got.every((h, i) => i === 0 || got[i - 1]!.score >= h.score), 'best first');
      if (got[0]?.term === full[0]?.term) sameTop++;
    }
    assert.ok(sameTop >= 38, `top term kept in ${sameTop} of 40`);
    // A share of 1 leaves nothing out: the same results as the full search.
    const text = word();
    assert.deepEqual(index.searchTerms(text, 5, { commonGrams: 1 }), index.searchTerms(text, 5));
  }
});
