import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedBootstrap } from '../src/metrics/bootstrap.js';
import { seededRandom } from '../src/core/random.js';

test('seeded random numbers repeat and stay in [0, 1)', () => {
  const a = seededRandom(5);
  const b = seededRandom(5);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5) < 0.05);
});

test('paired bootstrap: identical systems give a zero interval; a clear gain excludes zero', () => {
  const a = Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : 0));
  assert.deepEqual(pairedBootstrap(a, a), { mean: 0, lo: 0, hi: 0 });
  const better = a.map((x, i) => (i % 5 === 0 ? 1 : x)); // 20 more hits of 200
  const ci = pairedBootstrap(a, better, { seed: 1 });
  assert.ok(Math.abs(ci.mean - 0.1) < 1e-12);
  assert.ok(ci.lo > 0 && ci.lo < 0.1 && ci.hi > 0.1, JSON.stringify(ci));
  // Pure noise: the interval straddles zero.
  const r = seededRandom(3);
  const x = Array.from({ length: 300 }, () => (r() < 0.5 ? 1 : 0));
  const y = Array.from({ length: 300 }, () => (r() < 0.5 ? 1 : 0));
  const noise = pairedBootstrap(x, y, { seed: 2 });
  assert.ok(noise.lo < noise.mean && noise.mean < noise.hi);
  assert.throws(() => pairedBootstrap([1], [1, 2]), /equal lengths/);
});
