import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDataDir } from '../eval/shared.js';
import { CASES, checkCase } from '../eval/trec-eval-check.js';
import { collapseDuplicates, meanMetrics, parseMetric, scoreQuery } from '../src/metrics/metrics.js';
import { formatQrels, formatRun, parseQrels, parseRun } from '../src/metrics/trec.js';

const ALL = ['success@1', 'success@2', 'recall@2', 'recall@5', 'precision@2', 'precision@5', 'mrr', 'mrr@1', 'map', 'map@2', 'rprec', 'ndcg', 'ndcg@2', 'ndcg_exp', 'acc@1'].map(parseMetric);

// Ranked [a, b, a, c, d, e] → [a, b, c, d, e] after collapsing; relevant: b (1), d (2), f (1, never retrieved).
const RANKED = ['a', 'b', 'a', 'c', 'd', 'e'];
const JUDGED = new Map([['b', 1], ['d', 2], ['f', 1], ['c', 0]]);

test('metrics by their definitions, on a hand-worked example', () => {
  const s = scoreQuery(RANKED, JUDGED, ALL)!;
  const close = (name: string, want: number) => assert.ok(Math.abs(s[name]! - want) < 1e-9, `${name}: got ${s[name]}, want ${want}`);
  close('success@1', 0);
  close('success@2', 1);
  close('recall@2', 1 / 3);
  close('recall@5', 2 / 3);
  close('precision@2', 1 / 2);
  close('precision@5', 2 / 5);
  close('mrr', 1 / 2);
  close('mrr@1', 0);
  close('map', (1 / 2 + 2 / 4) / 3); // precision at each relevant hit, over all 3 relevant
  close('map@2', 1 / 2 / 3);
  close('rprec', 1 / 3); // R = 3: one relevant in the top 3
  // DCG = 1/log2(3) + 2/log2(5); IDCG over grades [2, 1, 1] = 2 + 1/log2(3) + 1/log2(4)
  close('ndcg', 0.47662611018851303);
  close('ndcg@2', 0.23981246656813146);
  // gains 2^g − 1: b → 1, d → 3; ideal [3, 1, 1]
  close('ndcg_exp', 0.4655028147426407);
  close('acc@1', 0);
});

test('relevance level, NIL queries and empty rankings', () => {
  const s = scoreQuery(RANKED, JUDGED, ALL, { relevanceLevel: 2 })!;
  assert.equal(s['success@2'], 0);
  assert.equal(s['mrr'], 1 / 4);
  assert.equal(s['map'], 1 / 4);
  assert.equal(scoreQuery(RANKED, new Map([['x', 0]]), ALL), undefined, 'no relevant judgments: not scored');
  const empty = scoreQuery([], JUDGED, ALL)!;
  assert.ok(Object.values(empty).every((v) => v === 0));
  assert.deepEqual(meanMetrics([{ mrr: 1 }, { mrr: 0 }], [parseMetric('mrr')]), { mrr: 0.5 });
});

test('duplicates collapse to their first position', () => {
  assert.deepEqual(collapseDuplicates(['x', 'y', 'x', 'z', 'y']), ['x', 'y', 'z']);
  const once = scoreQuery(['b', 'b', 'b', 'd'], JUDGED, [parseMetric('precision@2')])!;
  assert.equal(once['precision@2'], 1, 'b then d, not b twice');
});

test('metric names are validated', () => {
  assert.throws(() => parseMetric('recall'), /needs a cutoff/);
  assert.throws(() => parseMetric('f1@3'), /unknown metric/);
  assert.throws(() => parseMetric('rprec@3'), /no cutoff/);
  assert.deepEqual(parseMetric('ndcg_exp@10'), { name: 'ndcg_exp@10', kind: 'ndcg_exp', k: 10 });
});

test('TREC runs: rank column ignored, ties broken by docno descending, round trip', () => {
  const { run, tag } = parseRun('q1 Q0 docA 1 0.5 sys\nq1 Q0 docC 2 0.9 sys extra junk\nq1 Q0 docB 3 0.5 sys\nq2 Q0 d1 1 1 sys\n');
  assert.equal(tag, 'sys');
  assert.deepEqual(run.get('q1')!.map((d) => d.id), ['docC', 'docB', 'docA']);
  const again = parseRun(formatRun(run, 'sys')).run;
  assert.deepEqual([...again.entries()], [...run.entries()]);
  const qrels = parseQrels('q1 0 docB 1\nq1 0 docZ 0\nq2 0 d1 2\n');
  assert.equal(qrels.get('q2')!.get('d1'), 2);
  assert.deepEqual(parseQrels(formatQrels(qrels)), qrels);
  assert.throws(() => parseRun('q1 Q0 docA 1 notanumber sys\n', 'r.txt'), /r\.txt:1: expected "qid Q0 docno rank score tag"/);
  assert.throws(() => parseQrels('q1 0 docA\n', 'q.txt'), /q\.txt:1: expected "qid iter docno relevance"/);
});

// trec_eval's own test fixtures live in ../shared (not in this repository); when they are
// there, the metrics must reproduce every expected value they hold.
const shared = sharedDataDir();
if (shared) {
  test("reproduces trec_eval's expected outputs on its test fixtures (../shared)", () => {
    let compared = 0;
    for (const c of CASES) {
      const r = checkCase(join(shared, 'trec_eval_fixtures'), c);
      assert.deepEqual(r.mismatches, [], c.out);
      compared += r.compared;
    }
    assert.ok(compared > 600, `compared ${compared} values`);
  });
}
