import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ROOT } from './cli.js';
import { tempDir } from './tmp.js';

/**
 * Runs a documentation code block as a user would, with 'normkit' pointing at the sources,
 * './normkit.db' in `dir` (default: a temporary folder) and the demo data under the
 * checkout; `replace` maps other quoted paths of the example to real ones, `append` adds
 * lines after it. Returns stdout.
 */
export function runDocExample(t: TestContext, block: string, options: { dir?: string; replace?: Record<string, string>; append?: string } = {}): string {
  const dir = options.dir ?? tempDir(t);
  let code = block
    .replace("from 'normkit'", `from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))}`)
    .replace("'./normkit.db'", JSON.stringify(join(dir, 'normkit.db')))
    .replace("'data/demo/conditions.jsonl'", JSON.stringify(join(ROOT, 'data/demo/conditions.jsonl')));
  for (const [from, to] of Object.entries(options.replace ?? {})) code = code.replace(`'${from}'`, JSON.stringify(to));
  if (options.append) code += `\n${options.append}\n`;
  const file = join(dir, 'example.mts');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
