/** Hand-written dictd dictionaries in FreeDict's layout (tests of the lexicon readers). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export function b64(n: number): string {
  let s = '';
  do {
    s = B64[n % 64] + s;
    n = Math.floor(n / 64);
  } while (n > 0);
  return s;
}

/** Writes `<name>.index` and `<name>.dict.dz` as dictfmt does: entries concatenated, the index sorted by headword. */
export function writeDictd(dir: string, name: string, entries: Array<[string, string]>): { index: string; dict: string } {
  let data = '';
  const lines: string[] = [];
  for (const [key, body] of entries) {
    const offset = Buffer.byteLength(data);
    data += body;
    lines.push(`${key}\t${b64(offset)}\t${b64(Buffer.byteLength(body))}`);
  }
  const index = join(dir, `${name}.index`);
  const dict = join(dir, `${name}.dict.dz`);
  writeFileSync(index, lines.sort().join('\n') + '\n');
  writeFileSync(dict, gzipSync(Buffer.from(data)));
  return { index, dict };
}

