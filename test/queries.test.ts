import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readQueries } from '../src/io/queries.js';
import { tempDir } from './helpers/tmp.js';

test('query JSONL is read and validated with file, line and field', async (t) => {
  const file = join(tempDir(t), 'q.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ qid: 'q1', text: 'heart attack', gold: ['I21.9'], lang: 'en' }),
      JSON.stringify({ qid: 2, text: 'MI', gold: ['I21.9', 'I21'], context: 'pt had an MI last year' }),
      '',
    ].join('\n'),
  );
  const { queries } = await readQueries(file);
  assert.deepEqual(queries, [
    { qid: 'q1', text: 'heart attack', gold: ['I21.9'], lang: 'en' },
    { qid: '2', text: 'MI', gold: ['I21.9', 'I21'], context: 'pt had an MI last year' },
  ]);

  writeFileSync(
    file,
    [
      JSON.stringify({ qid: 'a', text: 'x', gold: [] }),
      JSON.stringify({ qid: 'b', text: 'x', gold: 'I10' }),
      JSON.stringify({ qid: 'a', text: 'y', gold: ['I10'] }),
      '{oops',
    ].join('\n'),
  );
  await assert.rejects(readQueries(file), (err: Error) => {
    assert.match(err.message, /q\.jsonl:2 \(field "gold"\)/);
    assert.match(err.message, /q\.jsonl:3 \(field "qid"\): duplicate qid "a" \(first at line 1\)/);
    assert.match(err.message, /q\.jsonl:4: not valid JSON/);
    return true;
  });
  const skipped = await readQueries(file, { skipInvalid: true });
  assert.deepEqual(skipped.queries.map((q) => q.qid), ['a'], 'an empty gold list is a NIL query, kept');
  assert.equal(skipped.problems.length, 3);
});
