/**
 * The layout rules ARCHITECTURE.md states, checked on the sources: no import cycle among
 * src/ files, imports only go down the floors (a folder of src/ imports its own floor or
 * lower ones), the linker stays a small runner, no file of src/ grows past 600 lines, and
 * the public API stays curated.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from './helpers/cli.js';

/** src/'s folders, lowest floor first. */
const FLOORS = ['core', 'io', 'store', 'vocab', 'normalize', 'lexical', 'lexicon', 'encoders', 'vector', 'hubness', 'pipeline', 'modes', 'metrics', 'tuning', 'server', 'cli'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));
}

/** Each file's relative imports (static, type-only, re-exports and dynamic), as files. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    graph.set(file, targets);
  }
  return graph;
}

/** The cycles of a graph (strongly connected components of more than one file, or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const SRC = join(ROOT, 'src');
const files = sources(SRC);
const graph = importGraph([...files, join(ROOT, 'cli.ts')]);
const rel = (f: string): string => relative(ROOT, f);

test('no import cycle among the sources', () => {
  assert.deepEqual(cycles(graph).map((c) => c.map(rel).sort()), []);
});

test('the cycle finder finds a cycle (the check above can fail)', () => {
  assert.equal(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])).length, 1);
});

test('imports go down the floors: a folder of src/ imports only its own folder or lower floors', () => {
  const floorOf = (file: string): number | undefined => {
    const parts = relative(SRC, file).split(/[\\/]/);
    if (parts.length === 1) return FLOORS.length; // src/index.ts: the public API, above everything
    const at = FLOORS.indexOf(parts[0]!);
    return at < 0 ? undefined : at;
  };
  const unknown = files.filter((f) => floorOf(f) === undefined && !relative(SRC, f).startsWith('types'));
  assert.deepEqual(unknown.map(rel), [], `folders without a floor (add them to FLOORS and ARCHITECTURE.md)`);
  const upward: string[] = [];
  for (const [from, targets] of graph) {
    if (!from.startsWith(SRC)) continue;
    for (const to of targets) {
      const a = floorOf(from);
      const b = floorOf(to);
      if (a !== undefined && b !== undefined && b > a) upward.push(`${rel(from)} → ${rel(to)}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('sizes: the linker only runs stages (≤ 300 lines); no source file over 600 lines', () => {
  const lines = (f: string): number => readFileSync(f, 'utf8').split('\n').length;
  assert.ok(lines(join(SRC, 'pipeline', 'linker.ts')) <= 300, `src/pipeline/linker.ts has ${lines(join(SRC, 'pipeline', 'linker.ts'))} lines`);
  const long = files.filter((f) => lines(f) > 600).map((f) => `${rel(f)}: ${lines(f)} lines`);
  assert.deepEqual(long, []);
});

test('the public API (src/index.ts) exports at most 80 names', () => {
  const program = ts.createProgram([join(SRC, 'index.ts')], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(join(SRC, 'index.ts'))!);
  const names = symbol ? checker.getExportsOfModule(symbol).map((s) => s.getName()) : [];
  assert.ok(names.length > 20, 'the API exports its main names');
  assert.ok(names.length <= 80, `src/index.ts exports ${names.length} names: ${names.join(', ')}`);
});
