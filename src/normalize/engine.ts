/**
 * normalize(text, pack): cleanup, then each stage of the pack in order, then tidying.
 *
 * Within a stage the text is scanned left to right with the stage's combined matchers; at
 * each position the first rule (in pack order) that matches is applied, and scanning goes
 * on after its match, so one rule never rewrites another's output within a stage. A rule
 * with children first runs them on its own match (the parent gates them), then applies its
 * own action to their output (`$0` is that output; `$1`… are the parent's groups).
 * `repeat` stages run again until the text stops changing (at most 8 passes).
 */
import { foldText } from '../core/fold.js';
import { cleanup, splitIdentifier } from './cleanup.js';
import { lowerSameLength } from './literals.js';
import type { CompiledPack, CompiledRule, CompiledStage, TemplatePart, TransformName } from './pack.js';
import { singular } from './singular.js';

export interface Span {
  start: number;
  end: number;
  text: string;
}

/** One change: which rule, where in the stage's input (before) and output (after). */
export interface TraceStep {
  stage: string;
  rule: string;
  before: Span;
  after: Span;
  note?: string;
}

export interface FoundCode {
  system: string;
  code: string;
  rule: string;
}

export interface NormalizeResult {
  original: string;
  /** After cleanup (entities, Unicode, quotes, dashes, spaces), before any rule. */
  cleaned: string;
  /** After every stage and tidying: what linking reads. */
  text: string;
  /** `foldText(text)`: the match key. */
  key: string;
  /** What the rules removed or recognised (seniority, contract, location, laterality, negated…). */
  attributes: Record<string, string[]>;
  codes: FoundCode[];
  trace: TraceStep[];
}

export interface NormalizeOptions {
  /** Record the trace (default true). */
  trace?: boolean;
  /** query (default): every stage. term: only the stages marked `apply: both`, for vocabulary terms. */
  target?: 'query' | 'term';
}

const MAX_REPEAT_PASSES = 8;

const TRANSFORM_FNS: Record<TransformName, (s: string) => string> = {
  singular,
  lower: (s) => s.toLowerCase(),
  'split-identifier': splitIdentifier,
};

interface RunState {
  attributes: Map<string, string[]>;
  codes: FoundCode[];
  trace: TraceStep[] | undefined;
}

function render(parts: TemplatePart[], whole: string, m: RegExpExecArray): string {
  let out = '';
  for (const p of parts) {
    if (p.text !== undefined) out += p.text;
    else if (p.group === 0) out += whole;
    else if (typeof p.group === 'number') out += m[p.group] ?? '';
    else if (p.group !== undefined) out += m.groups?.[p.group] ?? '';
  }
  return out;
}

function addAttribute(state: RunState, key: string, value: string): void {
  const v = value.trim();
  if (!v) return;
  const list = state.attributes.get(key);
  if (!list) state.attributes.set(key, [v]);
  else if (!list.includes(v)) list.push(v);
}

/** Index of the rule whose alternative matched: the first defined group that belongs to a rule. */
function ruleOf(m: RegExpExecArray, ruleOfGroup: Array<number | undefined>): number {
  for (let g = 1; g < ruleOfGroup.length; g++) {
    const r = ruleOfGroup[g];
    if (r !== undefined && m[g] !== undefined) return r;
  }
  return -1;
}

function applyRule(rule: CompiledRule, m: RegExpExecArray, state: RunState): string {
  const matched = m[0];
  const inner = rule.children ? runStage(rule.children, matched, state) : matched;
  for (const [key, value] of rule.tag ?? []) addAttribute(state, key, render(value, matched, m));
  if (rule.code) state.codes.push({ system: rule.code.system, code: render(rule.code.value, matched, m).trim(), rule: rule.id });
  if (rule.drop) return ' ';
  if (rule.replace) return render(rule.replace, inner, m);
  if (rule.transform) return TRANSFORM_FNS[rule.transform](inner);
  return inner;
}

interface Candidate {
  start: number;
  rule: number;
  /** The regex match, for regex rules; literal hits are rebuilt from the span. */
  m?: RegExpExecArray;
  end?: number;
}

function literalMatch(input: string, start: number, end: number): RegExpExecArray {
  const m = [input.slice(start, end)] as unknown as RegExpExecArray;
  m.index = start;
  m.input = input;
  return m;
}

function runStage(stage: CompiledStage, input: string, state: RunState): string {
  const lowered = stage.literals.size > 0 ? lowerSameLength(input) : input;
  const filtered = stage.filtered.filter((f) => f.requires.test(input));
  const regexes = [...stage.matchers.map((m) => ({ re: m.re, ruleOfGroup: m.ruleOfGroup as Array<number | undefined> | undefined, rule: -1 })), ...filtered.map((f) => ({ re: f.re, ruleOfGroup: undefined, rule: f.rule }))];
  const pending: Array<Candidate | null | undefined> = regexes.map(() => undefined);
  let pendingLiteral: Candidate | null | undefined;
  let out = '';
  let pos = 0;
  for (;;) {
    let best: Candidate | null = null;
    if (stage.literals.size > 0) {
      if (pendingLiteral === undefined || (pendingLiteral !== null && pendingLiteral.start < pos)) {
        const hit = stage.literals.next(input, lowered, pos);
        pendingLiteral = hit ? { start: hit.start, end: hit.end, rule: hit.rule } : null;
      }
      best = pendingLiteral;
    }
    for (let k = 0; k < regexes.length; k++) {
      let c = pending[k];
      if (c === undefined || (c !== null && c.start < pos)) {
        const r = regexes[k]!;
        r.re.lastIndex = pos;
        const m = r.re.exec(input);
        c = m ? { start: m.index, rule: r.ruleOfGroup ? ruleOf(m, r.ruleOfGroup) : r.rule, m } : null;
        pending[k] = c;
      }
      if (c && (!best || c.start < best.start || (c.start === best.start && c.rule < best.rule))) best = c;
    }
    if (!best || best.rule < 0) break;
    const rule = stage.rules[best.rule]!;
    let own: RegExpExecArray;
    if (best.m) {
      rule.own.lastIndex = best.start;
      own = rule.own.exec(input) ?? best.m;
    } else own = literalMatch(input, best.start, best.end!);
    if (own[0].length === 0) {
      // Cannot happen for compiled rules; guards against looping all the same.
      out += input.slice(pos, best.start + 1);
      pos = best.start + 1;
      continue;
    }
    const replacement = applyRule(rule, own, state);
    const outStart = out.length + (best.start - pos);
    out += input.slice(pos, best.start) + replacement;
    if (state.trace && (replacement !== own[0] || rule.tag || rule.code)) {
      state.trace.push({
        stage: stage.name,
        rule: rule.id,
        before: { start: best.start, end: best.start + own[0].length, text: own[0] },
        after: { start: outStart, end: outStart + replacement.length, text: replacement },
        ...(rule.note ? { note: rule.note } : {}),
      });
    }
    pos = best.start + own[0].length;
  }
  return out + input.slice(pos);
}

/** Removes what the rules left behind: empty brackets, stray separators, repeated spaces. */
export function tidy(s: string): string {
  let t = s;
  for (let i = 0; i < 3; i++) {
    const before = t;
    t = t
      .replace(/\(\s*[-/,;:|]*\s*\)|\[\s*[-/,;:|]*\s*\]|\{\s*\}/g, ' ')
      .replace(/\s+([,;:])/g, '$1')
      .replace(/([-/,;:|])(?:\s+[-/,;:|])+/g, '$1')
      .replace(/\s+/g, ' ')
      .replace(/^[\s\-/,;:|!*+&@#~]+|[\s\-/,;:|!*+&@#~(]+$/g, '');
    if (t === before) break;
  }
  return t.trim();
}

export function normalize(text: string, pack?: CompiledPack, options: NormalizeOptions = {}): NormalizeResult {
  const cleaned = cleanup(text);
  const state: RunState = { attributes: new Map(), codes: [], trace: options.trace === false ? undefined : [] };
  let current = cleaned;
  const termOnly = options.target === 'term';
  for (const stage of pack?.stages ?? []) {
    if (termOnly && !stage.appliesToTerms) continue;
    if (!stage.repeat) {
      current = runStage(stage, current, state);
      continue;
    }
    for (let pass = 0; pass < MAX_REPEAT_PASSES; pass++) {
      const next = runStage(stage, current, state);
      if (next === current) break;
      current = next;
    }
  }
  const result = tidy(current);
  return {
    original: text,
    cleaned,
    text: result,
    key: foldText(result),
    attributes: Object.fromEntries(state.attributes),
    codes: state.codes,
    trace: state.trace ?? [],
  };
}

/** Ids of the rules that changed or recognised something, in order, once each. */
export function rulesFired(r: NormalizeResult): string[] {
  return [...new Set(r.trace.map((t) => t.rule))];
}
