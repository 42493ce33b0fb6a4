/**
 * Catastrophic backtracking, refused before a pattern runs. JavaScript's regex engine
 * backtracks: when a repeated part of a pattern can match the same text in more than one
 * way — `(a+)+`, `(a|a)*`, `(\w+\s?)*`, `(.*a){3}` — a failing match tries every way, which
 * is exponential in the text's length (40 characters can take hours).
 *
 * The check is exact for that property (exponential degree of ambiguity): the pattern's
 * position automaton (Glushkov's, with the number of distinct paths on each transition,
 * which is how `(a+)+` differs from `a+`) is multiplied by itself, and a pattern is
 * refused when a loop of the product runs through a state where both copies agree and
 * along a step where they differ: one text, two ways around the loop. Nested repetitions
 * whose iterations cannot be split two ways — `\w+(?:_+\w+)+` (an iteration starts with
 * "_", which `\w`… does not match), `(?:\s*,\s*[a-z]+)*` — pass. Character sets are
 * compared exactly, with the pattern's flags (`/\p{Lu}/iu` matches "a").
 *
 * Lookarounds are checked as patterns of their own and count as empty where they stand;
 * a backreference counts as any text. Fixed repetitions of fixed-length parts (`\d{2}`)
 * are unrolled; every other repetition with a maximum above 1 counts as unbounded, so
 * `(.*a){3}` is refused too.
 */

type Atom = { kind: 'char'; cp: number } | { kind: 'class'; source: string };

type Node =
  | { t: 'atom'; atom: Atom }
  | { t: 'empty' }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; body: Node; min: number; max: number; start: number; end: number };

const ANY_TEXT: Node = { t: 'rep', body: { t: 'atom', atom: { kind: 'class', source: '[^]' } }, min: 0, max: Infinity, start: 0, end: 0 };

/** A small parser of JavaScript regex syntax, enough to know its atoms, alternatives and repetitions. Lookaround bodies go to `lookarounds`. */
class Parser {
  private i = 0;
  readonly lookarounds: Node[] = [];

  constructor(private readonly s: string) {}

  parse(): Node {
    const n = this.alternation();
    if (this.i < this.s.length) throw new SyntaxError(`unexpected "${this.s[this.i]}"`);
    return n;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const start = this.i;
      const term = this.term();
      items.push(this.quantified(term, start));
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantified(term: Node, start: number): Node {
    const c = this.s[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return term;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      this.i += m[0].length - 1;
    } else return term;
    this.i++;
    if (this.s[this.i] === '?') this.i++; // lazy: the same ways to match, tried in another order
    return this.quantified({ t: 'rep', body: term, min, max, start, end: this.i }, start);
  }

  private term(): Node {
    const s = this.s;
    const c = s[this.i]!;
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'empty' };
    }
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return { t: 'atom', atom: { kind: 'class', source: '.' } };
    }
    if (c === '\\') return this.escape();
    const cp = s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { t: 'atom', atom: { kind: 'char', cp } };
  }

  private group(): Node {
    const s = this.s;
    this.i++;
    let look = false;
    if (s[this.i] === '?') {
      const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(s.slice(this.i));
      if (!m) throw new SyntaxError('unknown group');
      look = ['?=', '?!', '?<=', '?<!'].includes(m[0]);
      this.i += m[0].length;
    }
    const body = this.alternation();
    if (s[this.i] !== ')') throw new SyntaxError('unterminated group');
    this.i++;
    if (look) {
      this.lookarounds.push(body);
      return { t: 'empty' };
    }
    return body;
  }

  private charClass(): Node {
    const s = this.s;
    const start = this.i;
    this.i++;
    if (s[this.i] === '^') this.i++;
    while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
    if (this.i >= s.length) throw new SyntaxError('unterminated character class');
    this.i++;
    return { t: 'atom', atom: { kind: 'class', source: s.slice(start, this.i) } };
  }

  private escape(): Node {
    const s = this.s;
    const rest = s.slice(this.i);
    const m =
      /^\\(?:[dDwWsS]|[pP]\{[^}]*\})/.exec(rest) ??
      /^\\(?:[bB])/.exec(rest) ??
      /^\\(?:[1-9]\d*|k<[^>]*>)/.exec(rest) ??
      /^\\(?:u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|c[A-Za-z]|0(?!\d)|[tnrfv]|[^])/.exec(rest);
    if (!m) throw new SyntaxError('a "\\" at the end');
    this.i += m[0].length;
    const e = m[0];
    if (/^\\[bB]$/.test(e)) return { t: 'empty' };
    if (/^\\(?:[1-9]|k<)/.test(e)) return ANY_TEXT;
    if (/^\\(?:[dDwWsS]|[pP]\{)/.test(e)) return { t: 'atom', atom: { kind: 'class', source: e } };
    return { t: 'atom', atom: { kind: 'char', cp: escapedChar(e) } };
  }
}

function escapedChar(e: string): number {
  const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, '0': 0 };
  const body = e.slice(1);
  if (simple[body] !== undefined) return simple[body]!;
  if (body.startsWith('u{')) return parseInt(body.slice(2, -1), 16);
  if (/^[ux][0-9A-Fa-f]/.test(body) && body.length > 1) return parseInt(body.slice(1), 16);
  if (body.startsWith('c') && body.length === 2) return body.charCodeAt(1) % 32;
  return body.codePointAt(0)!;
}

// ------------------------------------------------------------------ character sets

/** Code point ranges, flat: [lo0, hi0, lo1, hi1, …], sorted, inclusive. */
type Ranges = number[];

let bmpText: string | undefined;
let astralText: string | undefined;

/** Every code point of the BMP once, in order, without the surrogates. */
function allCodePoints(): { bmp: string } {
  if (bmpText === undefined) {
    const parts: string[] = [];
    for (let c = 0; c < 0x10000; c += 0x800) if (c < 0xd800 || c >= 0xe000) parts.push(String.fromCharCode(...Array.from({ length: 0x800 }, (_, k) => c + k)));
    bmpText = parts.join('');
  }
  return { bmp: bmpText };
}

/** Every code point above the BMP once, in order (two code units each). */
function astralPlanes(): string {
  if (astralText === undefined) {
    const parts: string[] = [];
    for (let c = 0x10000; c < 0x110000; c += 0x1000) parts.push(String.fromCodePoint(...Array.from({ length: 0x1000 }, (_, k) => c + k)));
    astralText = parts.join('');
  }
  return astralText;
}

/** Whether a class can match above the BMP: property escapes, negations, "." and astral characters can; `[,/]`, `\s`, `\d`, `\w` cannot. */
function mayMatchAstral(source: string): boolean {
  return /\\[pPSWD]|\[\^|^\.$|[\ud800-\udfff]|\\u\{/.test(source);
}

const rangeCache = new Map<string, Ranges>();

/** The code points one atom matches under `flags` (i, u, s), exactly: the runs its regex finds among all code points. */
function rangesOf(atom: Atom, flags: string): Ranges {
  const ignoreCase = flags.includes('i');
  if (atom.kind === 'char' && !ignoreCase) return [atom.cp, atom.cp];
  const source = atom.kind === 'char' ? escapeCodePoint(atom.cp) : atom.source;
  const key = `${flags}\u0000${source}`;
  const cached = rangeCache.get(key);
  if (cached) return cached;
  const out: Ranges = [];
  if (atom.kind === 'char') {
    // A character's case variants (simple case folding, as /iu compares).
    const c = String.fromCodePoint(atom.cp);
    const re = new RegExp(source, flags.replace(/[gy]/g, ''));
    const variants = new Set([c, c.toLowerCase(), c.toUpperCase(), c.toLowerCase().toUpperCase(), c.toUpperCase().toLowerCase(), ...(FOLD_EXTRAS[c.toLowerCase()] ?? [])]);
    const cps = [...variants].filter((v) => [...v].length === 1 && re.test(v)).map((v) => v.codePointAt(0)!).sort((a, b) => a - b);
    for (const cp of cps) out.push(cp, cp);
  } else {
    const { bmp } = allCodePoints();
    const re = new RegExp(`(?:${source})+`, `${flags.replace(/[gy]/g, '')}g`);
    for (const m of bmp.matchAll(re)) {
      const lo = m.index;
      const hi = m.index + m[0].length - 1;
      out.push(lo < 0xd800 ? lo : lo + 0x800, hi < 0xd800 ? hi : hi + 0x800);
    }
    if (flags.includes('u') && mayMatchAstral(source)) {
      for (const m of astralPlanes().matchAll(re)) out.push(0x10000 + m.index / 2, 0x10000 + (m.index + m[0].length) / 2 - 1);
    }
  }
  rangeCache.set(key, out);
  return out;
}

/** Characters that fold to an ASCII letter's case from outside ASCII (Kelvin sign, long s, Ångström sign). */
const FOLD_EXTRAS: Record<string, string[]> = { k: ['\u212a'], s: ['\u017f'], 'å': ['\u212b'] };

function escapeCodePoint(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function intersects(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1]! < b[j]!) i += 2;
    else if (b[j + 1]! < a[i]!) j += 2;
    else return true;
  }
  return false;
}

// ------------------------------------------------------------------ the position automaton

/** Counts of distinct paths, saturated at 2: only "one" or "more than one" matters. */
type Paths = Map<number, number>;

interface Part {
  first: Paths;
  last: Paths;
  nullable: number;
}

const sat = (n: number): number => Math.min(2, n);

class Automaton {
  /** Each position's atom. */
  readonly atoms: Atom[] = [];
  /** The repetitions (source spans) around each position, outermost first. */
  readonly loopsOf: Array<Array<[number, number]>> = [];
  /** follow[p]: the positions that can come after p, with the number of distinct ways. */
  readonly follow: Paths[] = [];
  private loops: Array<[number, number]> = [];

  build(n: Node): Part {
    switch (n.t) {
      case 'atom': {
        const p = this.atoms.push(n.atom) - 1;
        this.loopsOf.push([...this.loops]);
        this.follow.push(new Map());
        return { first: new Map([[p, 1]]), last: new Map([[p, 1]]), nullable: 0 };
      }
      case 'empty':
        return { first: new Map(), last: new Map(), nullable: 1 };
      case 'seq':
        return n.items.map((x) => this.build(x)).reduce((a, b) => this.concat(a, b), { first: new Map(), last: new Map(), nullable: 1 });
      case 'alt': {
        const parts = n.items.map((x) => this.build(x));
        return { first: merge(parts.map((p) => p.first)), last: merge(parts.map((p) => p.last)), nullable: sat(parts.reduce((s, p) => s + p.nullable, 0)) };
      }
      case 'rep':
        return this.repeat(n);
    }
  }

  private concat(a: Part, b: Part): Part {
    for (const [p, x] of a.last) for (const [q, y] of b.first) this.link(p, q, x * y);
    return {
      first: merge([a.first, scaled(b.first, a.nullable)]),
      last: merge([b.last, scaled(a.last, b.nullable)]),
      nullable: sat(a.nullable * b.nullable),
    };
  }

  private link(p: number, q: number, ways: number): void {
    if (ways === 0) return;
    const f = this.follow[p]!;
    f.set(q, sat((f.get(q) ?? 0) + ways));
  }

  private repeat(n: Extract<Node, { t: 'rep' }>): Part {
    if (n.max === 0) return { first: new Map(), last: new Map(), nullable: 1 };
    if (n.max === 1) {
      const body = this.build(n.body);
      return n.min === 0 ? { ...body, nullable: sat(body.nullable + 1) } : body;
    }
    // A fixed count of a fixed-length part: written out.
    if (n.min === n.max && n.max <= 16 && fixedLength(n.body)) {
      return this.build({ t: 'seq', items: Array.from({ length: n.max }, () => n.body) });
    }
    this.loops.push([n.start, n.end]);
    const body = this.build(n.body);
    this.loops.pop();
    for (const [p, x] of body.last) for (const [q, y] of body.first) this.link(p, q, x * y);
    return { first: body.first, last: body.last, nullable: n.min === 0 ? 1 : body.nullable };
  }
}

function merge(maps: Paths[]): Paths {
  const out: Paths = new Map();
  for (const m of maps) for (const [k, v] of m) out.set(k, sat((out.get(k) ?? 0) + v));
  return out;
}

function scaled(m: Paths, by: number): Paths {
  if (by === 0) return new Map();
  return new Map([...m].map(([k, v]) => [k, sat(v * by)]));
}

function fixedLength(n: Node): boolean {
  if (n.t === 'atom' || n.t === 'empty') return n !== ANY_TEXT;
  if (n.t === 'seq') return n.items.every(fixedLength);
  if (n.t === 'alt') return false;
  return n.min === n.max && fixedLength(n.body);
}

/** Whether some repetition holds more than one character set (only then can it be ambiguous). */
function hasComplexLoop(n: Node): boolean {
  if (n.t === 'seq' || n.t === 'alt') return n.items.some(hasComplexLoop);
  if (n.t !== 'rep') return false;
  if (n.max > 1 && n.body.t !== 'atom') return true;
  return hasComplexLoop(n.body);
}

/** Product states explored at most; a pattern whose check needs more is refused as too complex to check. */
const MAX_PAIRS = 200_000;

/**
 * The span (in `source`) of a repetition that can match one text in more than one way, or
 * undefined when there is none. Throws a RangeError when the check is too large to run.
 */
function ambiguousLoop(root: Node, source: string, flags: string): string | undefined {
  if (!hasComplexLoop(root)) return undefined;
  const a = new Automaton();
  a.build(root);
  const n = a.atoms.length;
  const sets: Array<Ranges | undefined> = [];
  const setOf = (p: number): Ranges => (sets[p] ??= rangesOf(a.atoms[p]!, flags));
  const meet = new Map<number, boolean>();
  const overlap = (p: number, q: number): boolean => {
    if (p === q) return true;
    const key = p < q ? p * n + q : q * n + p;
    let v = meet.get(key);
    if (v === undefined) meet.set(key, (v = intersects(setOf(p), setOf(q))));
    return v;
  };

  // Unordered pairs of positions reachable from a pair where both copies agree.
  const id = new Map<number, number>();
  const pairs: Array<[number, number]> = [];
  const edges: Array<Array<{ to: number; split: boolean }>> = [];
  const node = (p: number, q: number): number => {
    const key = p <= q ? p * n + q : q * n + p;
    let v = id.get(key);
    if (v === undefined) {
      if (pairs.length >= MAX_PAIRS) throw new RangeError('too complex to check');
      v = pairs.push(p <= q ? [p, q] : [q, p]) - 1;
      id.set(key, v);
      edges.push([]);
    }
    return v;
  };
  for (let p = 0; p < n; p++) node(p, p);
  for (let v = 0; v < pairs.length; v++) {
    const [p, q] = pairs[v]!;
    for (const [p2, x] of a.follow[p]!) {
      for (const [q2, y] of a.follow[q]!) {
        if (!overlap(p2, q2)) continue;
        // The two copies take different steps: different positions, or two distinct ways to the same one.
        const split = p !== q || p2 !== q2 || (x > 1 && y > 1);
        edges[v]!.push({ to: node(p2, q2), split });
      }
    }
  }

  // A loop through an agreeing pair and along a split step: one text, two ways around.
  const component = strongComponents(edges);
  const agreeing = new Set(pairs.flatMap(([p, q], v) => (p === q ? [component[v]!] : [])));
  for (let v = 0; v < pairs.length; v++) {
    for (const e of edges[v]!) {
      if (e.split && component[e.to] === component[v] && agreeing.has(component[v]!)) return spanOf(a, pairs, component, component[v]!, source);
    }
  }
  return undefined;
}

/** The innermost repetition around every position of a component's pairs, as source text. */
function spanOf(a: Automaton, pairs: Array<[number, number]>, component: number[], c: number, source: string): string {
  let common: Array<[number, number]> | undefined;
  pairs.forEach(([p, q], v) => {
    if (component[v] !== c) return;
    for (const x of [p, q]) {
      const loops = a.loopsOf[x]!;
      common = common ? common.filter((l) => loops.some((m) => m[0] === l[0] && m[1] === l[1])) : loops;
    }
  });
  const loops = common ?? [];
  const cut = (span: [number, number] | undefined): string => {
    const text = span ? source.slice(span[0], span[1]) : source;
    return `"${text.length > 60 ? `${text.slice(0, 57)}…` : text}"`;
  };
  return loops.length > 1 ? `${cut(loops[loops.length - 1])} inside ${cut(loops[loops.length - 2])}` : cut(loops[0]);
}

/** Tarjan's strongly connected components, without recursion: each node's component number. */
function strongComponents(edges: Array<Array<{ to: number }>>): number[] {
  const n = edges.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const component = new Array<number>(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      const out = edges[v]!;
      if (i < out.length) {
        top[1]++;
        const w = out[i]!.to;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  return component;
}

/**
 * Why a regex (JavaScript syntax, with its flags) could backtrack catastrophically, or
 * undefined when it cannot. The reason names the repetition at fault.
 */
export function catastrophicBacktracking(source: string, flags: string): string | undefined {
  let parser: Parser;
  let root: Node;
  try {
    parser = new Parser(source);
    root = parser.parse();
  } catch {
    // What this parser does not follow, the RegExp constructor reports (or accepts): not ours to judge.
    return undefined;
  }
  for (const part of [root, ...parser.lookarounds]) {
    let loop: string | undefined;
    try {
      loop = ambiguousLoop(part, source, flags);
    } catch (err) {
      if (err instanceof RangeError) return 'the pattern is too complex to check for catastrophic backtracking; split it into simpler rules';
      throw err;
    }
    if (loop !== undefined) {
      return `the repetition ${loop} can match the same text in more than one way, so a failing match can take exponential time (catastrophic backtracking). Nested quantifiers such as "(a+)+" and overlapping alternatives inside a repetition such as "(a|ab|b)*" are refused: write it so that a text splits into repetitions only one way (e.g. each one starts with a character the one before cannot end with)`;
    }
  }
  return undefined;
}
