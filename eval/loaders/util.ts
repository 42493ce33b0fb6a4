import { readFileSync } from 'node:fs';
import type { Query } from '../../src/io/queries.js';

/** Rows of a header-first TSV without quoting (the layout of ../shared/data's tables). */
export function readTsv(file: string): Array<Record<string, string>> {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

export function readJsonlFile<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** FNV-1a, for seeded, order-independent splits and samples. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A query's split when a benchmark has none: `dev` for a seeded `devFraction` of qids, else `test`. */
export function hashSplit(qid: string, seed: number, devFraction: number): 'dev' | 'test' {
  return hash32(`${seed}:${qid}`) / 2 ** 32 < devFraction ? 'dev' : 'test';
}

export function count(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Keeps queries whose gold ids are all in `known`; counts the others under `reason`. */
export function keepKnownGold(queries: Query[], known: (id: string) => boolean, dropped: Record<string, number>, reason: string): Query[] {
  return queries.filter((q) => {
    const ok = q.gold.length > 0 && q.gold.every(known);
    if (!ok) count(dropped, reason);
    return ok;
  });
}

/** Unique qids for mentions: "<doc>:<start>-<end>". */
export function mentionQid(doc: string, start: string | number, end: string | number, extra = ''): string {
  return `${doc}:${start}-${end}${extra}`;
}
