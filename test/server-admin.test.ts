/**
 * The admin side of the HTTP API over a real loopback server: API keys (missing, wrong
 * scope, revoked; optionally required everywhere), the per-key rate limit, background
 * rebuilds (one at a time per vocabulary), custom synonyms hot-swapped in while a load runs
 * with no failed request, custom rule packs, and vocabulary imports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../src/server/api-keys.js';
import { call, startTestServer } from './helpers/server.js';

describe('HTTP API: admin, keys, limits, hot swap', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  let admin: Record<string, string>;
  let reader: Record<string, string>;
  before(async () => {
    server = await startTestServer({ config: { workers: 2 } });
    base = server.url;
    admin = { authorization: `Bearer ${createApiKey(server.service.state, 'ops', 'admin').key}` };
    reader = { 'x-api-key': createApiKey(server.service.state, 'app', 'read').key };
  });
  after(() => server.stop());

  const waitJob = async (id: string): Promise<any> => {
    for (;;) {
      const r = await call(base, 'GET', `/v1/admin/jobs/${id}?wait=30000`, undefined, admin);
      assert.equal(r.status, 200);
      if (r.body.finishedAt) return r.body;
    }
  };

  it('admin routes need an admin key: 401 without or with an unknown key, 403 with a read key', async () => {
    const none = await call(base, 'POST', '/v1/admin/vocabularies/demo-conditions/rebuild');
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthorized');
    const unknown = await call(base, 'GET', '/v1/admin/jobs', undefined, { authorization: 'Bearer nk_not-a-key' });
    assert.equal(unknown.status, 401);
    const read = await call(base, 'GET', '/v1/admin/jobs', undefined, reader);
    assert.equal(read.status, 403);
    assert.equal(read.body.error.code, 'forbidden');
    assert.equal((await call(base, 'GET', '/v1/admin/jobs', undefined, admin)).status, 200);
    // Without auth.required, search routes take no key.
    assert.equal((await call(base, 'GET', '/v1/search?q=nurse')).status, 200);
  });

  it('a revoked key stops working at once', async () => {
    const { key, info } = createApiKey(server.service.state, 'temp', 'admin');
    assert.equal((await call(base, 'GET', '/v1/admin/jobs', undefined, { authorization: `Bearer ${key}` })).status, 200);
    assert.equal(server.service.state.revokeApiKey(String(info.id)), 1);
    const after = await call(base, 'GET', '/v1/admin/jobs', undefined, { authorization: `Bearer ${key}` });
    assert.equal(after.status, 401);
    assert.match(after.body.error.message, /unknown or revoked/);
    assert.ok(server.service.state.listApiKeys().some((k) => k.name === 'temp' && k.revokedAt !== null));
  });

  it('with auth.required, every /v1 route needs a key; health and docs stay open', async () => {
    const strict = await startTestServer({ dataDir: server.dataDir, config: { auth: { required: true }, vocabularies: [{ name: 'demo-conditions', preset: 'medical' }] } });
    try {
      assert.equal((await call(strict.url, 'POST', '/v1/link', { text: 'heart attack' })).status, 401);
      assert.equal((await call(strict.url, 'POST', '/v1/link', { text: 'heart attack' }, reader)).status, 200);
      assert.equal((await call(strict.url, 'GET', '/healthz')).status, 200);
      assert.equal((await call(strict.url, 'GET', '/openapi.json')).status, 200);
    } finally {
      await strict.stop();
    }
  });

  it('a read-only replica on the same data dir serves the built indexes and refuses admin changes', async () => {
    const replica = await startTestServer({ dataDir: server.dataDir, config: { readOnly: true, vocabularies: [{ name: 'demo-conditions', preset: 'medical' }] } });
    try {
      const r = await call(replica.url, 'POST', '/v1/link', { text: 'heart attack', k: 1 });
      assert.equal(r.status, 200);
      assert.equal(r.body.mentions[0].concepts[0].id, 'I21.9');
      const refused = await call(replica.url, 'POST', '/v1/admin/vocabularies/demo-conditions/rebuild', undefined, admin);
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /read-only replica/);
    } finally {
      await replica.stop();
    }
  });

  it('rate-limits per key with 429 and a JSON error; other keys are not affected', async () => {
    const limited = await startTestServer({ dataDir: server.dataDir, config: { limits: { rateLimit: { max: 3, windowMs: 60_000 } }, vocabularies: [{ name: 'demo-conditions', preset: 'medical' }] } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited.url, 'GET', '/v1/search?q=gout', undefined, reader)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const r = await call(limited.url, 'GET', '/v1/search?q=gout', undefined, reader);
      assert.equal(r.body.error.code, 'rate_limited');
      assert.equal((await call(limited.url, 'GET', '/v1/search?q=gout', undefined, admin)).status, 200);
    } finally {
      await limited.stop();
    }
  });

  it('answers 408 with a JSON error when a search exceeds limits.timeoutMs, and applies the CORS origins', async () => {
    const strict = await startTestServer({ dataDir: server.dataDir, config: { limits: { timeoutMs: 1 }, cors: { origins: ['https://app.example'] }, vocabularies: [{ name: 'demo-conditions', preset: 'medical' }] } });
    try {
      const texts = Array.from({ length: 1000 }, (_, i) => `chronic kidney disease stage ${i}`);
      const slow = await call(strict.url, 'POST', '/v1/normalize', { texts });
      assert.equal(slow.status, 408);
      assert.equal(slow.body.error.code, 'timeout');
      assert.match(slow.body.error.message, /limits\.timeoutMs/);
      const preflight = await fetch(`${strict.url}/v1/link`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
      const other = await fetch(`${strict.url}/v1/link`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
    } finally {
      await strict.stop();
    }
  });

  it('runs one rebuild per vocabulary at a time: a second request at once gets 409', async () => {
    const before = (await call(base, 'GET', '/v1/vocabularies')).body.vocabularies.find((v: { name: string }) => v.name === 'demo-conditions').served.generation;
    const [a, b] = await Promise.all([
      call(base, 'POST', '/v1/admin/vocabularies/demo-conditions/rebuild', undefined, admin),
      call(base, 'POST', '/v1/admin/vocabularies/demo-conditions/rebuild', undefined, admin),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [202, 409]);
    const accepted = a.status === 202 ? a : b;
    const refused = a.status === 202 ? b : a;
    assert.equal(refused.body.error.code, 'conflict');
    assert.match(refused.body.error.message, new RegExp(accepted.body.job.id));
    const job = await waitJob(accepted.body.job.id);
    assert.equal(job.state, 'succeeded');
    assert.equal(job.generation, before + 1);
    assert.equal((await call(base, 'POST', '/v1/admin/vocabularies/nope/rebuild', undefined, admin)).status, 404);
  });

  it('hot-swaps in custom synonyms while a load runs: no failed request, then the new index answers', async () => {
    const probe = async (): Promise<any> => (await call(base, 'POST', '/v1/normalize', { text: 'zorblax wrangler', k: 1 })).body.results[0];
    assert.notEqual((await probe()).concepts[0]?.matchedTerm.text, 'zorblax wrangler');

    const bad = await call(base, 'POST', '/v1/admin/vocabularies/demo-occupations/synonyms', { synonyms: [{ conceptId: 'no-such', text: 'x' }] }, admin);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'synonyms.0.conceptId');

    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const titles = ['Sr. Java Dev', 'nurse practitioner', 'forklift driver', 'AP clerk', 'barista, part-time'];
    const client = async (c: number): Promise<void> => {
      for (let i = c; !stop; i += 8) {
        const r = await call(base, 'POST', '/v1/normalize', { text: titles[i % titles.length], k: 3 }).catch((e: Error) => ({ status: 0, body: e.message }));
        if (r.status === 200) ok++;
        else failures.push(`${r.status} ${JSON.stringify(r.body)}`);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    const added = await call(base, 'POST', '/v1/admin/vocabularies/demo-occupations/synonyms', { synonyms: [{ conceptId: 'software-developer', text: 'zorblax wrangler', lang: 'en' }] }, admin);
    assert.equal(added.status, 202);
    assert.equal(added.body.added, 1);
    const job = await waitJob(added.body.job.id);
    const during = ok;
    // Keep the load on a little past the swap, so requests hit the new generation too.
    while (ok < during + 50 && failures.length === 0) await call(base, 'GET', '/healthz');
    stop = true;
    await load;
    assert.equal(job.state, 'succeeded', job.error);
    assert.deepEqual(failures, []);
    assert.ok(during > 0, 'requests were answered while the rebuild ran');
    const now = await probe();
    assert.equal(now.concepts[0].id, 'software-developer');
    assert.equal(now.concepts[0].matchedTerm.text, 'zorblax wrangler');
    const v = (await call(base, 'GET', '/v1/vocabularies')).body.vocabularies.find((x: { name: string }) => x.name === 'demo-occupations');
    assert.equal(v.served.customSynonyms, 1);
    assert.equal(v.served.generation, job.generation);
  });

  it('validates a custom rule pack (file line in the error), applies it after the rebuild, and removes it', async () => {
    const invalid = await call(base, 'PUT', '/v1/admin/vocabularies/demo-occupations/rules', { pack: 'name: custom\nextends: jobs\nstages:\n  - name: expand\n    rules:\n      - id: custom.bad\n        literal: code ninja\n        replace: developer\n        colour: red\n' }, admin);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.field, 'pack');
    assert.match(invalid.body.error.message, /pack:\d+/);
    assert.match(invalid.body.error.message, /colour/);
    // A pattern that could backtrack catastrophically never reaches a worker.
    const evil = await call(base, 'PUT', '/v1/admin/vocabularies/demo-occupations/rules', { pack: "name: evil\nstages:\n  - name: s\n    rules:\n      - {id: evil, regex: '(a+)+$', drop: true}\n" }, admin);
    assert.equal(evil.status, 400);
    assert.match(evil.body.error.message, /pack:5 \(field "stages\.0\.rules\.0\.regex"\): rule "evil": the repetition .*catastrophic backtracking/);

    const pack = 'name: custom\nextends: jobs\nstages:\n  - name: expand\n    rules:\n      - id: custom.ninja\n        literal: code ninja\n        replace: software developer\n';
    const set = await call(base, 'PUT', '/v1/admin/vocabularies/demo-occupations/rules', { pack }, admin);
    assert.equal(set.status, 202);
    assert.equal((await waitJob(set.body.job.id)).state, 'succeeded');
    const r = (await call(base, 'POST', '/v1/normalize', { text: 'Code Ninja', explain: true, k: 1 })).body.results[0];
    assert.equal(r.normalized, 'software developer');
    assert.ok(r.rulesFired.includes('custom.ninja'));
    assert.equal(r.concepts[0].id, 'software-developer');

    const removed = await call(base, 'DELETE', '/v1/admin/vocabularies/demo-occupations/rules', undefined, admin);
    assert.equal(removed.status, 202);
    assert.equal((await waitJob(removed.body.job.id)).state, 'succeeded');
    const back = (await call(base, 'POST', '/v1/normalize', { text: 'Code Ninja', explain: true, k: 1 })).body.results[0];
    assert.ok(!back.rulesFired.includes('custom.ninja'));
  });

  it('imports a vocabulary from JSONL content and serves it; a bad line fails the job with its line number', async () => {
    const content = [
      { id: 'w1', name: 'widget assembler', synonyms: ['widget fitter'] },
      { id: 'w2', name: 'gadget inspector' },
      { id: 'w3', name: 'sprocket polisher', parents: ['w1'] },
    ]
      .map((c) => JSON.stringify(c))
      .join('\n');
    const r = await call(base, 'POST', '/v1/admin/vocabularies/widgets/import', { content, version: '1', preset: 'lexical' }, admin);
    assert.equal(r.status, 202);
    const job = await waitJob(r.body.job.id);
    assert.equal(job.state, 'succeeded', job.error);
    const s = await call(base, 'GET', '/v1/search?q=widget%20fitter&vocabulary=widgets&k=1');
    assert.equal(s.body.concepts[0].id, 'w1');
    const v = (await call(base, 'GET', '/v1/vocabularies')).body.vocabularies.find((x: { name: string }) => x.name === 'widgets');
    assert.equal(v.concepts, 3);
    assert.equal(v.served.preset, 'lexical');

    const broken = await call(base, 'POST', '/v1/admin/vocabularies/widgets/import', { content: `${JSON.stringify({ id: 'z1', name: 'zed' })}\n{"id": "z2", "name": }\n` }, admin);
    assert.equal(broken.status, 202);
    const failed = await waitJob(broken.body.job.id);
    assert.equal(failed.state, 'failed');
    assert.match(failed.error, /:2\b/);
    // The previous version is still served.
    assert.equal((await call(base, 'GET', '/v1/search?q=gadget&vocabulary=widgets&k=1')).body.concepts[0].id, 'w2');

    const both = await call(base, 'POST', '/v1/admin/vocabularies/widgets/import', { content, path: '/tmp/x' }, admin);
    assert.equal(both.status, 400);
    const jobs = (await call(base, 'GET', '/v1/admin/jobs', undefined, admin)).body.jobs;
    assert.ok(jobs.some((j: { type: string; vocabulary: string }) => j.type === 'import' && j.vocabulary === 'widgets'));
  });
});
