/**
 * A YAML alias bomb ("billion laughs") in a rule pack, a pipeline or a settings file is bad
 * input located at its first alias, the same for the CLI as for the HTTP API: exit 3 and a
 * one-line message, no stack trace. Ordinary anchors and aliases still work.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { parseLocated } from '../src/io/validate.js';
import { loadPack } from '../src/normalize/pack.js';
import { loadPipeline } from '../src/pipeline/config.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const BOMB = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n') + '\n';

test('parseLocated refuses an alias bomb with a located InputError', () => {
  assert.throws(() => parseLocated(BOMB, 'bomb.yaml'), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.message, 'bomb.yaml:2: too many alias expansions (more than 100; an alias bomb?)');
    assert.equal(err.problems[0]!.reason, 'malformed-rules');
    return true;
  });
  assert.deepEqual(parseLocated('base: &b {x: 1}\nother: *b\n', 'ok.yaml').value, { base: { x: 1 }, other: { x: 1 } });
});

test('rule packs and pipelines loaded from a file refuse it the same way', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bomb.yaml');
  writeFileSync(file, BOMB);
  assert.throws(() => loadPack(file), (err: unknown) => err instanceof InputError && err.message === `${file}:2: too many alias expansions (more than 100; an alias bomb?)`);
  await assert.rejects(loadPipeline(file), (err: unknown) => err instanceof InputError && err.problems[0]!.reason === 'malformed-pipeline');
});

test('CLI: normalize --pack with an alias bomb exits 3 with the located message', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bomb.yaml');
  writeFileSync(file, BOMB);
  const r = runCli(['normalize', '--pack', file, 'registered nurse'], join(dir, 'data'));
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr, `normkit: ${file}:2: too many alias expansions (more than 100; an alias bomb?)\n`);
});
