import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CharTfidfIndex, charWbNgrams } from '../src/lexical/char-tfidf.js';

test('char_wb n-grams pad each word and keep short words whole', () => {
  assert.deepEqual([...charWbNgrams('mi heart', 3).keys()], [' mi', 'mi ', ' he', 'hea', 'ear', 'art', 'rt ']);
  assert.deepEqual([...charWbNgrams('a', 3).entries()], [[' a ', 1]]);
  assert.equal(charWbNgrams('aaaa aaaa', 3).get('aaa'), 4);
});

const terms = ['heart attack', 'heart failure', 'asthma', 'attack of asthma'].map((norm, i) => ({
  conceptId: i === 3 ? 'c2' : `c${i}`,
  text: norm,
  norm,
  lang: 'en',
}));

test('scores are TF-IDF cosines with smooth idf (reference values computed independently)', () => {
  const index = CharTfidfIndex.build(terms);
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
});

test('an exact term scores 1, unknown grams are ignored, k limits the concepts', () => {
  const index = CharTfidfIndex.build(terms);
  const [top] = index.search('asthma', 1);
  assert.equal(top!.conceptId, 'c2');
  assert.ok(Math.abs(top!.score - 1) < 1e-6);
  assert.equal(index.search('asthma', 1).length, 1);
  assert.deepEqual(index.search('zzzz qqq', 5), []);
});

test('sublinear tf changes weights of repeated grams', () => {
  const docs = [{ conceptId: 'a', text: 'aaaa aaaa', norm: 'aaaa aaaa', lang: 'en' }, { conceptId: 'b', text: 'aab', norm: 'aab', lang: 'en' }];
  const plain = CharTfidfIndex.build(docs).search('aaaa', 1)[0]!.score;
  const sub = CharTfidfIndex.build(docs, { sublinearTf: true }).search('aaaa', 1)[0]!.score;
  assert.notEqual(plain.toFixed(4), sub.toFixed(4));
});

test('an index survives a round trip through bytes unchanged', () => {
  const index = CharTfidfIndex.build(terms, { n: 4, sublinearTf: true });
  const copy = CharTfidfIndex.fromBuffer(index.toBuffer());
  assert.equal(copy.n, 4);
  assert.equal(copy.sublinearTf, true);
  for (const q of ['heart atack', 'asthma attack', 'failure']) assert.deepEqual(copy.search(q, 5), index.search(q, 5));
  const bad = index.toBuffer();
  bad.write('{"format":"something-else"', 8);
  assert.throws(() => CharTfidfIndex.fromBuffer(bad));
});
