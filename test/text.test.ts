import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readLines, type LineResult } from '../src/io/lines.js';
import { foldCode, foldText } from '../src/core/fold.js';
import { tempDir } from './helpers/tmp.js';

test('foldText removes case, accents, ligatures, punctuation and extra spaces', () => {
  assert.equal(foldText('  Infirmière   diplômée d’État '), 'infirmiere diplomee d etat');
  assert.equal(foldText('Straßenbahnfahrer/in'), 'strassenbahnfahrer in');
  assert.equal(foldText('Œdème — “aigu”'), 'oedeme aigu');
  assert.equal(foldText('ＦＵＬＬＷＩＤＴＨ'), 'fullwidth');
  assert.equal(foldText('Sjögren’s syndrome'), 'sjogren s syndrome');
});

test('foldCode ignores separators and case', () => {
  assert.equal(foldCode('E11.9'), 'e119');
  assert.equal(foldCode('e11 9'), 'e119');
  assert.equal(foldCode('15-1252.00'), '15125200');
});

async function collect(path: string, maxLineBytes?: number): Promise<LineResult[]> {
  const out: LineResult[] = [];
  for await (const r of readLines(path, maxLineBytes ? { maxLineBytes } : {})) out.push(r);
  return out;
}

test('readLines strips BOM and CRLF and numbers lines from 1', async (t) => {
  const file = join(tempDir(t), 'a.txt');
  writeFileSync(file, '\uFEFFfirst\r\nsecond\n\nlast-without-newline');
  const lines = await collect(file);
  assert.deepEqual(lines, [
    { lineNo: 1, text: 'first' },
    { lineNo: 2, text: 'second' },
    { lineNo: 3, text: '' },
    { lineNo: 4, text: 'last-without-newline' },
  ]);
});

test('readLines reports oversized lines and invalid UTF-8 with their line numbers and keeps going', async (t) => {
  const file = join(tempDir(t), 'b.txt');
  const big = 'x'.repeat(5000);
  writeFileSync(file, Buffer.concat([Buffer.from(`ok\n${big}\n`), Buffer.from([0x61, 0xff, 0x62, 0x0a]), Buffer.from('after\n')]));
  const lines = await collect(file, 1000);
  assert.equal(lines.length, 4);
  assert.deepEqual(lines[0], { lineNo: 1, text: 'ok' });
  assert.equal(lines[1]!.lineNo, 2);
  assert.ok('error' in lines[1]! && lines[1].error === 'oversized-line');
  assert.match((lines[1] as { message: string }).message, /5000 bytes, over the limit of 1000/);
  assert.ok('error' in lines[2]! && lines[2].error === 'invalid-utf8');
  assert.match((lines[2] as { message: string }).message, /byte 1 /);
  assert.deepEqual(lines[3], { lineNo: 4, text: 'after' });
});

test('readLines handles an oversized line spanning many read blocks', async (t) => {
  const file = join(tempDir(t), 'c.txt');
  writeFileSync(file, `${'y'.repeat(300_000)}\nnext\n`);
  const lines = await collect(file, 100_000);
  assert.equal(lines.length, 2);
  assert.ok('error' in lines[0]!);
  assert.match((lines[0] as { message: string }).message, /300000 bytes/);
  assert.deepEqual(lines[1], { lineNo: 2, text: 'next' });
});
