import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { loadServeConfig } from '../src/server/settings.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

test('serve settings: defaults < file < environment < flags', (t) => {
  const defaults = loadServeConfig();
  assert.equal(defaults.port, 8080);
  assert.equal(defaults.host, '127.0.0.1');
  assert.equal(defaults.limits.maxBatch, 1000);
  assert.equal(defaults.auth.required, false);
  const file = join(tempDir(t), 'serve.yaml');
  writeFileSync(file, 'port: 9000\nlimits:\n  maxBatch: 20\ncors:\n  origins: [https://a.example]\n');
  const fromFile = loadServeConfig({ file });
  assert.equal(fromFile.port, 9000);
  assert.equal(fromFile.limits.maxBatch, 20);
  assert.equal(fromFile.limits.bodyBytes, 1_048_576);
  const withEnv = loadServeConfig({ file, env: { NORMKIT_PORT: '9100', NORMKIT_REQUIRE_API_KEY: 'true', NORMKIT_CORS_ORIGINS: '*' } });
  assert.equal(withEnv.port, 9100);
  assert.equal(withEnv.auth.required, true);
  assert.equal(withEnv.cors.origins, '*');
  assert.equal(withEnv.limits.maxBatch, 20);
  const withFlags = loadServeConfig({ file, env: { NORMKIT_PORT: '9100' }, flags: { port: 9200, limits: { timeoutMs: 500 } } });
  assert.equal(withFlags.port, 9200);
  assert.equal(withFlags.limits.timeoutMs, 500);
  assert.equal(withFlags.limits.maxBatch, 20);
  // Import roots: none set means the data dir; the variable lists folders like PATH.
  assert.deepEqual(fromFile.importRoots, []);
  assert.deepEqual(loadServeConfig({ env: { NORMKIT_IMPORT_ROOTS: `/srv/a${delimiter}/srv/b` } }).importRoots, ['/srv/a', '/srv/b']);
});

test('serve settings: errors name the file, line and field, or the variable', (t) => {
  const file = join(tempDir(t), 'serve.yaml');
  writeFileSync(file, 'port: 9000\nlimits:\n  maxBatch: -1\n');
  assert.throws(() => loadServeConfig({ file }), (err: unknown) => err instanceof InputError && /serve\.yaml:3/.test(err.message) && /limits\.maxBatch/.test(err.message));
  writeFileSync(file, 'port: 9000\nportt: 1\n');
  assert.throws(() => loadServeConfig({ file }), /serve\.yaml:2.*portt|portt.*serve\.yaml:2/s);
  assert.throws(() => loadServeConfig({ env: { NORMKIT_PORT: 'eighty' } }), (err: unknown) => err instanceof InputError && /\$NORMKIT_PORT/.test(err.message) && /"eighty"/.test(err.message));
  assert.throws(() => loadServeConfig({ file: join(tempDir(t), 'missing.yaml') }), /cannot read the server configuration/);
});

test('normkit apikey create, list and revoke; the store keeps only a hash', (t) => {
  const dir = tempDir(t);
  const created = runCli(['apikey', 'create', '--name', 'ops', '--admin', '--json'], dir);
  assert.equal(created.status, 0, created.stderr);
  const { key, id, scope } = JSON.parse(created.stdout) as { key: string; id: number; scope: string };
  assert.match(key, /^nk_[\w-]{43}$/);
  assert.equal(scope, 'admin');
  const list = runCli(['apikey', 'list', '--json'], dir);
  const keys = JSON.parse(list.stdout) as Array<{ id: number; prefix: string; revokedAt: string | null }>;
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.prefix, key.slice(0, 10));
  assert.ok(!list.stdout.includes(key), 'the key itself is never shown again');
  assert.equal(runCli(['apikey', 'revoke', String(id)], dir).status, 0);
  assert.notEqual(JSON.parse(runCli(['apikey', 'list', '--json'], dir).stdout)[0].revokedAt, null);
  const again = runCli(['apikey', 'revoke', 'ops'], dir);
  assert.equal(again.status, 4);
  assert.match(again.stderr, /no live API key/);
});
