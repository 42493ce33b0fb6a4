import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

test("the README's library example runs and prints what it says", (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## Use it as a library\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has a library example');
  const dir = tempDir(t);
  const code = block
    .replace("from 'normkit'", `from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))}`)
    .replace("'./normkit.db'", JSON.stringify(join(dir, 'normkit.db')))
    .replace("'data/demo/conditions.jsonl'", JSON.stringify(join(ROOT, 'data/demo/conditions.jsonl')));
  const file = join(dir, 'example.mts');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  const promised = /console\.log\(candidates\[0\]\.conceptId.*\/\/ (.*)/.exec(block)?.[1];
  assert.equal(r.stdout.split('\n')[0], promised);
});
