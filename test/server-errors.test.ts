/**
 * Errors raised before a route runs (Fastify's router, Node's HTTP parser) in the API's
 * error body with a request id; 405 with Allow for a wrong method; server-side paths
 * (admin imports, rule packs' `extends`) confined to the import roots.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../src/server/api-keys.js';
import { call, startTestServer } from './helpers/server.js';

/** Sends `request` as is and returns the whole response (the server closes the connection). */
async function raw(base: string, request: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  socket.write(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), headers: head, body };
}

describe('HTTP API: errors before a route runs, and confined paths', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Record<string, string>;
  before(async () => {
    server = await startTestServer({ config: { vocabularies: [{ name: 'demo-conditions', preset: 'lexical' }] } });
    admin = { authorization: `Bearer ${createApiKey(server.service.state, 'ops', 'admin').key}` };
  });
  after(() => server.stop());

  it('bad percent-encoding is 400 in the error body, with a request id', async () => {
    const r = await raw(server.url, 'GET /v1/concepts/demo-conditions/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 400);
    const body = JSON.parse(r.body);
    assert.equal(body.error.code, 'bad_request');
    assert.match(body.error.message, /percent-encoding/);
    assert.ok(body.error.requestId);
  });

  it('found by the fuzz suite (seed 20261207, path "2"): a lone "%" in a concept id is 400 in the error body', async () => {
    const r = await call(server.url, 'GET', `/v1/concepts/'%F0%9D%94%98IzE11.9PkYXT)4J%3D%2B%EF%AC%81/%`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'bad_request');
    assert.ok(r.body.error.requestId);
  });

  it('a path parameter over the limit is 414 without echoing the URL', async () => {
    const long = 'x'.repeat(5000);
    const r = await call(server.url, 'GET', `/v1/concepts/demo-conditions/${long}`);
    assert.equal(r.status, 414);
    assert.equal(r.body.error.code, 'uri_too_long');
    assert.ok(r.body.error.requestId);
    assert.ok(!JSON.stringify(r.body).includes(long));
  });

  it('headers over Node\'s limit are 431 in the error body', async () => {
    const r = await raw(server.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 431);
    const body = JSON.parse(r.body);
    assert.equal(body.error.code, 'headers_too_large');
    assert.ok(body.error.requestId);
  });

  it('a request that is not HTTP is 400 in the error body', async () => {
    const r = await raw(server.url, 'HELLO\r\n\r\n');
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).error.code, 'bad_request');
  });

  it('a wrong method on an existing route is 405 with Allow; an unknown path stays 404', async () => {
    const get = await call(server.url, 'GET', '/v1/link');
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal(get.body.error.code, 'method_not_allowed');
    assert.ok(get.body.error.requestId);
    const del = await call(server.url, 'DELETE', '/v1/concepts/demo-conditions/I21.9');
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET, HEAD');
    assert.equal((await call(server.url, 'GET', '/v1/nothing')).status, 404);
  });

  it('an admin import of a path outside the import roots is 403 and reads nothing', async () => {
    const r = await call(server.url, 'POST', '/v1/admin/vocabularies/etc/import', { path: '/etc/passwd', format: 'icd10cm' }, admin);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.field, 'path');
    assert.doesNotMatch(JSON.stringify(r.body), /root:/);
    const up = await call(server.url, 'POST', '/v1/admin/vocabularies/etc/import', { path: join(server.dataDir, '..', '..', 'etc', 'passwd') }, admin);
    assert.equal(up.status, 403);
    // A file in the data dir (the default root) is imported.
    const file = join(server.dataDir, 'mine.jsonl');
    writeFileSync(file, '{"id":"a","name":"alpha"}\n');
    assert.equal((await call(server.url, 'POST', '/v1/admin/vocabularies/mine/import', { path: file }, admin)).status, 202);
  });

  it('a rule pack extending a file outside the import roots is 400 and shows none of it', async () => {
    for (const ext of ['/etc/passwd', '../../../../../../etc/passwd', 'passwd']) {
      const r = await call(server.url, 'PUT', '/v1/admin/vocabularies/demo-conditions/rules', { pack: `name: p\nextends: ${ext}\nstages: []\n` }, admin);
      assert.equal(r.status, 400, ext);
      assert.match(r.body.error.message, /outside the folders this server reads packs from/);
      assert.doesNotMatch(JSON.stringify(r.body), /root:/);
    }
  });
});
