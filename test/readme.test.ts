import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';
import { runDocExample } from './helpers/doc-example.js';

test("the README's library example runs and prints what it says", (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## Use it as a library\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has a library example');
  const stdout = runDocExample(t, block);
  const promised = /console\.log\(candidates\[0\]\.conceptId.*\/\/ (.*)/.exec(block)?.[1];
  assert.equal(stdout.split('\n')[0], promised);
});
