/**
 * Rule packs: declarative files (YAML or JSON) of rules organised as a forest, compiled once.
 *
 *   name: jobs
 *   classes: { SENIORITY: [senior, sr, junior, jr] }
 *   stages:                      # run in order; each stage rewrites the previous one's output
 *     - name: noise
 *       rules:                   # roots of the stage's trees, in priority order
 *         - id: noise.parenthetical
 *           regex: '\(([^()]*)\)'
 *           children:            # tried only inside the parent's match (the parent gates them)
 *             - { id: noise.gender, regex: '^\(?m/w/d\)?$', drop: true, tag: { gender_marker: '$0' } }
 *
 * A rule has one pattern — `literal` (a string or list, matched as whole words), `regex`
 * (JavaScript syntax; `\b` is Unicode-aware here) or `tokens` (words and `@CLASS` names
 * joined by spaces; `?word` is optional) — and its effects: at most one of `replace`
 * (a template with `$0`, `$1`, `$<name>`), `drop` or `transform`, plus any of `tag`
 * (attributes, values are templates), `code` (a code to resolve), `children`.
 * Matching is case-insensitive unless `caseSensitive: true`. At each position the first
 * rule in file order that matches wins, so specific rules go before general ones; among
 * literals, the longest. A costly regex can name a cheap prefilter, `requires: '\d'`, that
 * the whole text must match before the rule is tried at all.
 *
 * Compilation makes one combined matcher per stage (two: case-insensitive and
 * case-sensitive rules), refuses patterns that can match nothing or backtrack
 * catastrophically (regex-safety.ts), and, in `repeat` stages
 * (run until nothing changes), refuses rewrites whose output the stage would match again.
 * Every error names the file, line and rule id.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { insideRoots } from '../io/roots.js';
import { parseLocated, type Located } from '../io/validate.js';
import { LiteralMatcher, lowerSameLength } from './literals.js';
import { catastrophicBacktracking } from './regex-safety.js';

export const TRANSFORMS = ['singular', 'lower', 'split-identifier'] as const;
export type TransformName = (typeof TRANSFORMS)[number];

export interface RuleInput {
  id: string;
  description?: string;
  note?: string;
  literal?: string | string[];
  regex?: string;
  /** For regex and token rules: a cheap regex (plain JavaScript, no Unicode flag) the whole text must match before the rule is tried. */
  requires?: string;
  tokens?: string[];
  caseSensitive?: boolean;
  replace?: string;
  drop?: boolean;
  transform?: TransformName;
  tag?: Record<string, string>;
  code?: { system: string; value?: string };
  children?: RuleInput[];
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

const ruleSchema: z.ZodType<RuleInput> = z.lazy(() =>
  z.strictObject({
    id: z.string().regex(ID_RE, 'must be letters, digits, ".", "_", ":" or "-"'),
    description: z.string().optional(),
    note: z.string().optional(),
    literal: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]).optional(),
    regex: z.string().min(1).optional(),
    requires: z.string().min(1).optional(),
    tokens: z.array(z.string().min(1)).min(1).optional(),
    caseSensitive: z.boolean().optional(),
    replace: z.string().optional(),
    drop: z.literal(true).optional(),
    transform: z.enum(TRANSFORMS).optional(),
    tag: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'attribute names are lower_snake_case'), z.string()).optional(),
    code: z.strictObject({ system: z.string().min(1), value: z.string().optional() }).optional(),
    children: z.array(ruleSchema).min(1).optional(),
  }),
);

const stageSchema = z.strictObject({
  name: z.string().regex(ID_RE),
  description: z.string().optional(),
  repeat: z.boolean().optional(),
  /** query: only raw input (the default); both: vocabulary terms too, when an index is built. */
  apply: z.enum(['query', 'both']).optional(),
  rules: z.array(ruleSchema),
});

export const packSchema = z.strictObject({
  name: z.string().regex(ID_RE),
  description: z.string().optional(),
  /** A built-in pack name or a path (relative to this file): its stages come first, with this pack's rules merged in. */
  extends: z.string().optional(),
  /** Rule ids of the base pack to switch off. */
  disable: z.array(z.string()).optional(),
  classes: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'class names are UPPER_CASE'), z.array(z.string().min(1)).min(1)).optional(),
  stages: z.array(stageSchema),
});

export type PackInput = z.infer<typeof packSchema>;

// ------------------------------------------------------------------ compiled form

export interface TemplatePart {
  text?: string;
  group?: number | string;
}

export interface CompiledRule {
  id: string;
  note?: string;
  /** Where the rule is defined. */
  where: { file: string; line?: number };
  /** The rule's own pattern, sticky, to re-match at a position for its groups. */
  own: RegExp;
  caseSensitive: boolean;
  /** Set for literal rules (matched by the stage's trie). */
  literals?: string[];
  requires?: RegExp;
  replace?: TemplatePart[];
  drop: boolean;
  transform?: TransformName;
  tag?: Array<[string, TemplatePart[]]>;
  code?: { system: string; value: TemplatePart[] };
  children?: CompiledStage;
}

export interface CompiledStage {
  name: string;
  repeat: boolean;
  /** Whether vocabulary terms go through this stage too. */
  appliesToTerms: boolean;
  rules: CompiledRule[];
  /** Every literal rule of the stage in one trie. */
  literals: LiteralMatcher;
  /** Regex and token rules without a prefilter: one combined regex per case mode; `ruleOfGroup[g]` is the rule whose alternative is capture group g. */
  matchers: Array<{ re: RegExp; ruleOfGroup: Array<number | undefined> }>;
  /** Rules with a prefilter, scanned on their own when the text passes it. */
  filtered: Array<{ rule: number; requires: RegExp; re: RegExp }>;
}

export interface CompiledPack {
  name: string;
  description?: string;
  file: string;
  /** sha256 of the pack's source (and its bases'): indexes built with it are keyed on this. */
  fingerprint: string;
  stages: CompiledStage[];
  ruleCount: number;
}

// ------------------------------------------------------------------ loading

const BUILTIN_DIR = (): string => join(packageRoot(), 'src', 'normalize', 'packs');
export const BUILTIN_PACKS = ['jobs', 'medical', 'codes'] as const;

function problem(at: Located, path: ReadonlyArray<string | number>, message: string, ruleId?: string, reason = 'invalid-rule'): InputError {
  const line = at.lineOf(path);
  return new InputError([
    {
      file: at.file,
      ...(line !== undefined ? { line } : {}),
      ...(path.length ? { field: path.join('.') } : {}),
      reason,
      message: ruleId ? `rule "${ruleId}": ${message}` : message,
    },
  ]);
}

export interface LoadPackOptions {
  /** When set, a file that `extends` names must lie in one of these folders (a server's packs); built-in packs are always allowed. */
  roots?: readonly string[];
}

/** Resolves `jobs`, `medical` or a file path to a compiled pack. */
export function loadPack(nameOrFile: string, options: LoadPackOptions = {}): CompiledPack {
  return compilePack(readPack(nameOrFile, [], options.roots));
}

interface ReadPack {
  input: PackInput;
  at: Located;
  text: string;
  base?: ReadPack;
}

function readPack(nameOrFile: string, seen: string[] = [], roots?: readonly string[]): ReadPack {
  const file = (BUILTIN_PACKS as readonly string[]).includes(nameOrFile) ? join(BUILTIN_DIR(), `${nameOrFile}.yaml`) : nameOrFile;
  if (seen.includes(file)) {
    throw new InputError([{ file, reason: 'invalid-rule', message: `"extends" forms a cycle: ${[...seen, file].map((f) => basename(f)).join(' → ')}` }]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError([{ file, reason: 'missing-file', message: `no rule pack here (built-in packs: ${BUILTIN_PACKS.join(', ')})` }]);
  }
  return readPackText(text, file, [...seen, file], roots);
}

function readPackText(text: string, file: string, seen: string[], roots?: readonly string[]): ReadPack {
  const { value, at } = parseLocated(text, file);
  const parsed = packSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    throw problem(at, path, message, ruleIdAt(value, path));
  }
  const ext = parsed.data.extends;
  const pathLike = ext !== undefined && /[/\\]|\.(ya?ml|json)$/.test(ext);
  const extFile = ext === undefined || (!pathLike && (BUILTIN_PACKS as readonly string[]).includes(ext)) ? undefined : pathLike ? resolve(dirname(file), ext) : ext;
  if (extFile !== undefined && roots !== undefined && !insideRoots(extFile, roots)) {
    throw problem(at, ['extends'], `"extends" names a file outside the folders this server reads packs from (importRoots); use a built-in pack (${BUILTIN_PACKS.join(', ')})`);
  }
  const base = ext ? readPack(extFile ?? ext, seen, roots) : undefined;
  return { input: parsed.data, at, text, ...(base ? { base } : {}) };
}

/** The id of the innermost rule on a schema path, for error messages. */
function ruleIdAt(value: unknown, path: ReadonlyArray<string | number>): string | undefined {
  let node: unknown = value;
  let id: string | undefined;
  for (const key of path) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[key];
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof (node as { id?: unknown }).id === 'string') id = (node as { id: string }).id;
  }
  return id;
}

// ------------------------------------------------------------------ compiling

const WORD_CHAR = /[\p{L}\p{N}]/u;
const UNICODE_B = String.raw`(?:(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_]))`;
const BUILTIN_CLASSES: Record<string, string> = {
  NUM: String.raw`\d+(?:[.,]\d+)?`,
  ROMAN: '(?:i{1,3}|iv|vi{0,3}|ix|x)',
  WORD: String.raw`[\p{L}\p{N}][\p{L}\p{N}'’-]*`,
  ANY: String.raw`\S+`,
};

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Boundaries added around a literal or token pattern where it starts or ends with a word character. */
function bounded(fragment: string, first: string, last: string): string {
  const pre = WORD_CHAR.test(first) ? '(?<![\\p{L}\\p{N}])' : '';
  const post = WORD_CHAR.test(last) ? '(?![\\p{L}\\p{N}])' : '';
  return `${pre}${fragment}${post}`;
}

/** `\b` made Unicode-aware (JavaScript's is ASCII-only even with the u flag). */
function unicodeBoundaries(source: string): string {
  return source.replace(/(?<!\\)((?:\\\\)*)\\b/g, `$1${UNICODE_B}`);
}

function literalFragment(literals: string[]): string {
  return [...new Set(literals)]
    .sort((a, b) => b.length - a.length)
    .map((l) => bounded(escapeRegex(l).replace(/ +/g, '\\s+'), l[0]!, l[l.length - 1]!))
    .join('|');
}

interface RuleContext {
  at: Located;
  /** Path of the current rule (or, for a stage, of its rules array) in the file. */
  path: Array<string | number>;
  classes: Record<string, string[]>;
}

/** `{{NAME}}` in a regex stands for the alternation of class NAME's members (escaped, longest first). */
function expandClasses(source: string, ctx: RuleContext, id: string): string {
  return source.replace(/\{\{([A-Z][A-Z0-9_]*)\}\}/g, (_, name: string) => {
    const members = ctx.classes[name];
    if (!members) throw problem(ctx.at, [...ctx.path, 'regex'], `unknown class "{{${name}}}" (define it under "classes")`, id);
    return classAlternation(members);
  });
}

function classAlternation(members: string[]): string {
  return `(?:${[...members].sort((a, b) => b.length - a.length).map((m) => escapeRegex(m).replace(/ +/g, '\\s+')).join('|')})`;
}

function tokensFragment(tokens: string[], ctx: RuleContext, id: string): string {
  const parts = tokens.map((t, i) => {
    const optional = t.startsWith('?');
    const word = optional ? t.slice(1) : t;
    let frag: string;
    if (word.startsWith('@')) {
      const name = word.slice(1);
      const members = ctx.classes[name];
      if (members) frag = classAlternation(members);
      else if (BUILTIN_CLASSES[name]) frag = BUILTIN_CLASSES[name]!;
      else throw problem(ctx.at, [...ctx.path, 'tokens', i], `unknown class "@${name}" (define it under "classes", or use ${Object.keys(BUILTIN_CLASSES).map((c) => `@${c}`).join(', ')})`, id);
    } else frag = escapeRegex(word);
    return { frag, optional };
  });
  // Words are separated by spaces; punctuation tokens ("(", ",", "-") may touch their neighbours.
  const wordy = tokens.map((t) => {
    const w = t.replace(/^\?/, '');
    return w.startsWith('@') || WORD_CHAR.test(w[0]!) || WORD_CHAR.test(w[w.length - 1]!);
  });
  let out = '';
  parts.forEach((p, i) => {
    const sep = i === 0 ? '' : wordy[i] && wordy[i - 1] ? '\\s+' : '\\s*';
    out += p.optional ? `(?:${sep}${p.frag})?` : `${sep}${p.frag}`;
  });
  if (parts[0]!.optional) throw problem(ctx.at, [...ctx.path, 'tokens', 0], 'the first token cannot be optional', id);
  return `(?<![\\p{L}\\p{N}])(?:${out})(?![\\p{L}\\p{N}])`;
}

/** Whether the pattern matches the empty string somewhere in a few probe texts. */
function canMatchEmpty(fragment: string, flags: string, literal?: string | string[]): boolean {
  const probes = ['', 'a', ' a ', 'A1 b', '1.5', '(x)', 'é z', ...(Array.isArray(literal) ? literal : literal ? [literal] : [])];
  const re = new RegExp(fragment, `${flags}g`);
  for (const p of probes) {
    re.lastIndex = 0;
    for (let m = re.exec(p); m; m = re.exec(p)) {
      if (m[0].length === 0) return true;
      re.lastIndex = m.index + m[0].length;
    }
  }
  return false;
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

function parseTemplate(t: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const re = /\$(?:(\d)|<([A-Za-z_][A-Za-z0-9_]*)>|(\$))/g;
  let last = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m.index > last) parts.push({ text: t.slice(last, m.index) });
    if (m[3]) parts.push({ text: '$' });
    else parts.push({ group: m[1] !== undefined ? Number(m[1]) : m[2]! });
    last = m.index + m[0].length;
  }
  if (last < t.length) parts.push({ text: t.slice(last) });
  return parts;
}

function groupCount(source: string): number {
  return new RegExp(`${source}|`, 'u').exec('')!.length - 1;
}

function compileRule(rule: RuleInput, ctx: RuleContext, stageRepeat: boolean): { rule: CompiledRule; fragment: string } {
  const { id } = rule;
  const patterns = [rule.literal, rule.regex, rule.tokens].filter((p) => p !== undefined).length;
  if (patterns !== 1) throw problem(ctx.at, ctx.path, 'needs exactly one of "literal", "regex" or "tokens"', id);
  const actions = [rule.replace !== undefined, rule.drop === true, rule.transform !== undefined].filter(Boolean).length;
  if (actions > 1) throw problem(ctx.at, ctx.path, 'has more than one of "replace", "drop" and "transform"', id);
  if (actions === 0 && !rule.tag && !rule.code && !rule.children) throw problem(ctx.at, ctx.path, 'does nothing: give it "replace", "drop", "transform", "tag", "code" or "children"', id);

  let fragment: string;
  /** What the backtracking check reads: the pattern as written, classes expanded (`\b` is empty to it either way). */
  let checked: string | undefined;
  if (rule.literal !== undefined) fragment = literalFragment(Array.isArray(rule.literal) ? rule.literal : [rule.literal]);
  else if (rule.tokens !== undefined) checked = fragment = tokensFragment(rule.tokens, ctx, id);
  else {
    const src = rule.regex!;
    if (/(?<!\\)\\(?:[1-9]|k<)/.test(src)) throw problem(ctx.at, [...ctx.path, 'regex'], 'backreferences are not supported', id);
    checked = expandClasses(src, ctx, id);
    fragment = unicodeBoundaries(checked);
  }
  const flags = rule.caseSensitive ? 'uy' : 'iuy';
  let own: RegExp;
  try {
    own = new RegExp(fragment, flags);
  } catch (err) {
    throw problem(ctx.at, [...ctx.path, rule.regex !== undefined ? 'regex' : 'literal'], `invalid pattern: ${(err as Error).message}`, id);
  }
  const unsafe = checked === undefined ? undefined : catastrophicBacktracking(checked, flags.replace('y', ''));
  if (unsafe) throw problem(ctx.at, [...ctx.path, rule.regex !== undefined ? 'regex' : 'tokens'], unsafe, id, 'unsafe-regex');
  if (canMatchEmpty(fragment, flags.replace('y', ''), rule.literal)) {
    throw problem(ctx.at, ctx.path, 'the pattern can match the empty string, which would loop forever; make it match at least one character', id, 'looping-rule');
  }
  // Named groups would clash inside the combined matcher: it only needs to know which alternative matched.
  const combinedFragment = fragment.replace(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?:');

  let requires: RegExp | undefined;
  if (rule.requires !== undefined) {
    if (rule.literal !== undefined) throw problem(ctx.at, [...ctx.path, 'requires'], '"requires" is for regex and token rules (literals are already fast)', id);
    try {
      requires = new RegExp(rule.requires, rule.caseSensitive ? '' : 'i');
    } catch (err) {
      throw problem(ctx.at, [...ctx.path, 'requires'], `invalid pattern: ${(err as Error).message}`, id);
    }
    const slow = catastrophicBacktracking(rule.requires, requires.flags);
    if (slow) throw problem(ctx.at, [...ctx.path, 'requires'], slow, id, 'unsafe-regex');
  }
  const compiled: CompiledRule = {
    id,
    ...(rule.note ? { note: rule.note } : {}),
    ...(rule.literal !== undefined ? { literals: Array.isArray(rule.literal) ? rule.literal : [rule.literal] } : {}),
    ...(requires ? { requires } : {}),
    where: { file: ctx.at.file, ...lineField(ctx.at.lineOf(ctx.path)) },
    own,
    caseSensitive: rule.caseSensitive ?? false,
    drop: rule.drop === true,
    ...(rule.replace !== undefined ? { replace: parseTemplate(rule.replace) } : {}),
    ...(rule.transform ? { transform: rule.transform } : {}),
    ...(rule.tag ? { tag: Object.entries(rule.tag).map(([k, v]): [string, TemplatePart[]] => [k, parseTemplate(v)]) } : {}),
    ...(rule.code ? { code: { system: rule.code.system, value: parseTemplate(rule.code.value ?? '$0') } } : {}),
  };
  if (rule.children) {
    compiled.children = compileStage(
      `${id}>children`,
      false,
      rule.children.map((child, i) => ({ rule: child, at: ctx.at, path: [...ctx.path, 'children', i] })),
      ctx.classes,
    );
  }
  if (stageRepeat) {
    if (rule.transform) throw problem(ctx.at, ctx.path, 'a "repeat" stage cannot use "transform" (its output cannot be checked for loops)', id, 'looping-rule');
    if (compiled.replace?.some((p) => p.group !== undefined)) {
      throw problem(ctx.at, [...ctx.path, 'replace'], 'a "repeat" stage cannot copy matched text into the replacement (it could match again forever)', id, 'looping-rule');
    }
  }
  return { rule: compiled, fragment: combinedFragment };
}

interface RuleEntry {
  rule: RuleInput;
  at: Located;
  /** The rule's path in its file. */
  path: Array<string | number>;
}

function compileStage(name: string, repeat: boolean, entries: RuleEntry[], classes: Record<string, string[]>, appliesToTerms = false): CompiledStage {
  const rules: CompiledRule[] = [];
  const literals = new LiteralMatcher();
  const combined: Array<{ index: number; fragment: string; caseSensitive: boolean }> = [];
  const filtered: CompiledStage['filtered'] = [];
  entries.forEach((e, index) => {
    const { rule, fragment } = compileRule(e.rule, { at: e.at, path: e.path, classes }, repeat);
    rules.push(rule);
    if (rule.literals) for (const l of rule.literals) literals.add(l, index, rule.caseSensitive);
    else if (rule.requires) filtered.push({ rule: index, requires: rule.requires, re: new RegExp(fragment, rule.caseSensitive ? 'gu' : 'giu') });
    else combined.push({ index, fragment, caseSensitive: rule.caseSensitive });
  });
  const matchers: CompiledStage['matchers'] = [];
  for (const cs of [false, true]) {
    const ruleOfGroup: Array<number | undefined> = [undefined];
    const alternatives: string[] = [];
    for (const f of combined) {
      if (f.caseSensitive !== cs) continue;
      alternatives.push(`(${f.fragment})`);
      ruleOfGroup.push(f.index);
      for (let g = groupCount(f.fragment); g > 0; g--) ruleOfGroup.push(undefined);
    }
    if (alternatives.length) matchers.push({ re: new RegExp(alternatives.join('|'), cs ? 'gu' : 'giu'), ruleOfGroup });
  }
  const compiled: CompiledStage = { name, repeat, appliesToTerms, rules, literals, matchers, filtered };
  if (repeat) checkRepeatStage(compiled, entries);
  return compiled;
}

/** In a repeat stage, no replacement may contain text that the stage matches again. */
function checkRepeatStage(stage: CompiledStage, entries: RuleEntry[]): void {
  stage.rules.forEach((r, i) => {
    const out = r.replace?.map((p) => p.text ?? '').join('') ?? '';
    if (!out) return;
    const hit = firstMatch(stage, out);
    if (hit === undefined) return;
    const e = entries[i]!;
    throw problem(
      e.at,
      [...e.path, 'replace'],
      `in the repeat stage "${stage.name}", its output "${out}" is matched again by rule "${stage.rules[hit]!.id}": this could loop forever`,
      e.rule.id,
      'looping-rule',
    );
  });
}

/** Index of a rule of the stage that matches somewhere in `text`, if any. */
function firstMatch(stage: CompiledStage, text: string): number | undefined {
  const lit = stage.literals.next(text, lowerSameLength(text), 0);
  if (lit) return lit.rule;
  for (const m of stage.matchers) {
    m.re.lastIndex = 0;
    const hit = m.re.exec(text);
    if (hit) return m.ruleOfGroup.find((rule, group) => rule !== undefined && hit[group] !== undefined);
  }
  for (const f of stage.filtered) {
    f.re.lastIndex = 0;
    if (f.requires.test(text) && f.re.test(text)) return f.rule;
  }
  return undefined;
}

interface MergedStage {
  name: string;
  repeat: boolean;
  both: boolean;
  entries: RuleEntry[];
}

/** Merges a pack over its base: same-named stages get this pack's rules first; a rule with a base rule's id replaces it. */
function mergeStages(pack: ReadPack): MergedStage[] {
  const own: MergedStage[] = pack.input.stages.map((stage, s) => ({
    name: stage.name,
    repeat: stage.repeat ?? false,
    both: stage.apply === 'both',
    entries: stage.rules.map((rule, i) => ({ rule, at: pack.at, path: ['stages', s, 'rules', i] })),
  }));
  if (!pack.base) return own;
  const disabled = new Set(pack.input.disable ?? []);
  const merged = mergeStages(pack.base).map((b) => {
    const mine = own.find((o) => o.name === b.name);
    const overriding = new Set(mine?.entries.map((e) => e.rule.id) ?? []);
    const kept = b.entries.filter((e) => !disabled.has(e.rule.id) && !overriding.has(e.rule.id));
    return { ...b, repeat: mine?.repeat ?? b.repeat, both: mine ? mine.both : b.both, entries: [...(mine?.entries ?? []), ...kept] };
  });
  for (const o of own) if (!merged.some((m) => m.name === o.name)) merged.push(o);
  return merged;
}

export function compilePack(read: ReadPack): CompiledPack {
  const classes: Record<string, string[]> = {};
  for (let p: ReadPack | undefined = read; p; p = p.base) {
    for (const [k, v] of Object.entries(p.input.classes ?? {})) if (!classes[k]) classes[k] = v;
  }
  const stages = mergeStages(read).map((m) => compileStage(m.name, m.repeat, m.entries, classes, m.both));
  const ids = new Map<string, CompiledRule['where']>();
  let count = 0;
  const visit = (rules: CompiledRule[]): void => {
    for (const r of rules) {
      count++;
      const prev = ids.get(r.id);
      if (prev) {
        throw new InputError([
          { ...r.where, reason: 'duplicate-id', message: `rule "${r.id}": duplicate rule id (first at ${prev.file}${prev.line ? `:${prev.line}` : ''})` },
        ]);
      }
      ids.set(r.id, r.where);
      if (r.children) visit(r.children.rules);
    }
  };
  for (const s of stages) visit(s.rules);
  const hash = createHash('sha256');
  for (let p: ReadPack | undefined = read; p; p = p.base) hash.update(p.text).update('\0');
  return {
    name: read.input.name,
    ...(read.input.description ? { description: read.input.description } : {}),
    file: read.at.file,
    fingerprint: hash.digest('hex').slice(0, 16),
    stages,
    ruleCount: count,
  };
}

/** Parses and compiles a pack from text (tests, or packs that do not live in a file). */
export function compilePackText(text: string, file = '(rules)'): CompiledPack {
  return compilePack(readPackText(text, file, [file]));
}
