/**
 * VocabularyBuilder: the one place where imported concepts are checked.
 *
 * Importers only parse their format and call `addConcept`, `addTerm`, `addParent`…
 * with the file and line each fact came from. The builder finds duplicate ids, empty
 * names, unknown parents, parent cycles and references to unknown concepts. In strict
 * mode (the default) any problem fails the import with every location listed; with
 * `skipInvalid` the offending row or edge is dropped and counted.
 */
import { InputError, type InputLocation, type InputProblem } from '../core/errors.js';
import { foldCode, foldText } from '../core/fold.js';
import type { ImportReport, ParsedConcept, ParsedTerm, ParsedVocabulary, SourceFileReport, SynonymScope, TermKind } from '../store/model.js';

export interface TermInput {
  text: string;
  lang?: string;
  kind?: TermKind;
  scope?: SynonymScope;
  origin?: string;
}

export interface ConceptInput {
  id: string;
  name: string;
  lang?: string;
  description?: string;
  obsolete?: boolean;
  /** Extra terms; the name itself becomes the preferred term in `lang`. */
  terms?: TermInput[];
  parents?: string[];
  types?: string[];
  xrefs?: string[];
}

export interface BuilderOptions {
  format: string;
  skipInvalid?: boolean;
  /** Language of names and terms that do not state one. */
  defaultLang?: string;
  /** Strict mode stops reading after this many problems. Default 20. */
  maxProblems?: number;
  /** Keep only terms in these languages (codes and each concept's name are always kept). Empty: all. */
  keepLangs?: string[];
}

interface PendingEdge {
  parent: string;
  where: InputLocation;
  /** Computed from codes or tree numbers rather than stated by the source. */
  derived: boolean;
}

interface DraftConcept {
  concept: ParsedConcept;
  where: InputLocation;
  edges: PendingEdge[];
  termKeys: Map<string, number>;
}

const KIND_RANK: Record<TermKind, number> = { preferred: 0, alt: 1, hidden: 2, code: 3 };
const KEPT_PROBLEMS = 100;
/** Origin of the preferred term the builder makes from a concept's name. */
const NAME_ORIGIN = 'name';
/** A run of control characters (NUL included), tabs and line breaks, with the spaces around it. */
const CONTROL_RE = / *(?:[\u0000-\u001f\u007f] *)+/g;
/** Bidirectional embeddings, overrides and isolates: they reorder how text is shown, so an id or a name could display as another. */
export const BIDI_CONTROL_RE = /[\u202a-\u202e\u2066-\u2069]/;

/** The problem with a bidi control character in `text`, naming it and where it is. */
function bidiProblem(what: string, text: string): string | undefined {
  const m = BIDI_CONTROL_RE.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!.toString(16).toUpperCase();
  return `${what} contains the bidirectional control character U+${code} at character ${m.index + 1}: remove it (it changes how the text is displayed)`;
}

/** Trims, and turns each run of control characters, tabs and line breaks into one space (they separate words, as in queries). */
export function cleanText(text: string): string {
  return text.replace(CONTROL_RE, ' ').trim();
}

export class VocabularyBuilder {
  readonly format: string;
  readonly skipInvalid: boolean;
  readonly defaultLang: string;
  private readonly maxProblems: number;
  private readonly concepts = new Map<string, DraftConcept>();
  private readonly problems: InputProblem[] = [];
  private problemCount = 0;
  private readonly skipped: Record<string, number> = {};
  private readonly files = new Map<string, SourceFileReport>();
  private readonly notes: string[] = [];
  private duplicatesMerged = 0;
  private readonly keepLangs: Set<string> | undefined;
  private droppedByLang = 0;

  constructor(options: BuilderOptions) {
    this.format = options.format;
    this.skipInvalid = options.skipInvalid ?? false;
    this.defaultLang = options.defaultLang ?? 'en';
    this.maxProblems = options.maxProblems ?? 20;
    this.keepLangs = options.keepLangs?.length ? new Set(options.keepLangs) : undefined;
  }

  /** Records a problem. Strict mode throws once `maxProblems` are collected. */
  problem(where: InputLocation, reason: string, message: string): void {
    const p: InputProblem = { ...where, reason, message };
    this.problemCount++;
    if (this.problems.length < KEPT_PROBLEMS) this.problems.push(p);
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
    if (!this.skipInvalid && this.problemCount >= this.maxProblems) this.fail('stopped reading after this many problems');
  }

  /** Counts one data row read from `file`. */
  countRow(file: string): void {
    const f = this.files.get(file);
    if (f) f.rows++;
    else this.files.set(file, { file, rows: 1 });
  }

  /** Declares a file as read even when it had no rows. */
  touchFile(file: string): void {
    if (!this.files.has(file)) this.files.set(file, { file, rows: 0 });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  has(id: string): boolean {
    return this.concepts.has(id);
  }

  /** The name of a concept added earlier. */
  nameOf(id: string): string | undefined {
    return this.concepts.get(id)?.concept.name;
  }

  get size(): number {
    return this.concepts.size;
  }

  /** Adds a concept. Returns false when it was rejected (problem recorded). */
  addConcept(input: ConceptInput, where: InputLocation): boolean {
    const id = cleanText(input.id ?? '');
    if (!id) {
      this.problem({ ...where, field: where.field ?? 'id' }, 'empty-id', 'concept id is empty');
      return false;
    }
    const name = cleanText(input.name ?? '');
    if (!name) {
      this.problem({ ...where, field: where.field ?? 'name' }, 'empty-name', `concept "${id}" has an empty name`);
      return false;
    }
    const bidi = bidiProblem(`concept id "${id.replace(new RegExp(BIDI_CONTROL_RE.source, 'g'), '')}"`, id) ?? bidiProblem(`the name of concept "${id}"`, name);
    if (bidi) {
      this.problem({ ...where, field: where.field ?? (BIDI_CONTROL_RE.test(id) ? 'id' : 'name') }, 'bidi-control', bidi);
      return false;
    }
    const existing = this.concepts.get(id);
    if (existing) {
      this.problem(
        { ...where, field: 'id' },
        'duplicate-id',
        `duplicate concept id "${id}" (first defined at ${existing.where.file}${existing.where.line ? `:${existing.where.line}` : ''})`,
      );
      return false;
    }
    const lang = input.lang ?? this.defaultLang;
    const draft: DraftConcept = {
      concept: {
        id,
        name,
        lang,
        obsolete: input.obsolete ?? false,
        types: [],
        parents: [],
        xrefs: [],
        terms: [],
        ...(input.description && cleanText(input.description) ? { description: input.description.trim() } : {}),
      },
      where,
      edges: [],
      termKeys: new Map(),
    };
    this.concepts.set(id, draft);
    this.pushTerm(draft, { text: name, lang, kind: 'preferred', origin: NAME_ORIGIN });
    for (const t of input.terms ?? []) this.pushTerm(draft, t);
    for (const p of input.parents ?? []) draft.edges.push({ parent: p, where: { ...where, field: 'parents' }, derived: false });
    for (const t of input.types ?? []) this.addTypeTo(draft, t);
    for (const x of input.xrefs ?? []) this.addXrefTo(draft, x);
    return true;
  }

  /** Adds a term to a concept defined earlier (e.g. from a translations file). */
  addTerm(conceptId: string, term: TermInput, where: InputLocation): boolean {
    const draft = this.lookup(conceptId, where, 'term');
    if (!draft) return false;
    this.pushTerm(draft, term);
    return true;
  }

  /**
   * Adds a parent link. `derived` links are computed by the importer (from codes or
   * tree positions), so a cycle among them is a property of the projection, not an
   * input error: the closing link is dropped and noted instead of reported.
   */
  addParent(childId: string, parentId: string, where: InputLocation, options: { derived?: boolean } = {}): boolean {
    const draft = this.lookup(childId, where, 'parent link');
    if (!draft) return false;
    draft.edges.push({ parent: parentId, where, derived: options.derived ?? false });
    return true;
  }

  addXref(conceptId: string, xref: string, where: InputLocation): boolean {
    const draft = this.lookup(conceptId, where, 'cross-reference');
    if (!draft) return false;
    this.addXrefTo(draft, xref);
    return true;
  }

  addType(conceptId: string, type: string, where: InputLocation): boolean {
    const draft = this.lookup(conceptId, where, 'type');
    if (!draft) return false;
    this.addTypeTo(draft, type);
    return true;
  }

  /** Sets the description of a known concept when it has none yet. */
  describe(conceptId: string, description: string): void {
    const c = this.concepts.get(conceptId)?.concept;
    if (c && !c.description && cleanText(description)) c.description = description.trim();
  }

  /** Marks a known concept obsolete. */
  markObsolete(conceptId: string): void {
    const c = this.concepts.get(conceptId)?.concept;
    if (c) c.obsolete = true;
  }

  /** Resolves parents, rejects cycles and returns the vocabulary, or throws in strict mode. */
  finish(): ParsedVocabulary {
    for (const draft of this.concepts.values()) {
      const seen = new Set<string>();
      for (const e of draft.edges) {
        const parent = cleanText(e.parent);
        if (seen.has(parent)) continue;
        if (parent === draft.concept.id) {
          this.problem(e.where, 'parent-cycle', `concept "${parent}" is its own parent`);
          continue;
        }
        if (!this.concepts.has(parent)) {
          this.problem(e.where, 'unknown-parent', `concept "${draft.concept.id}" names unknown parent "${parent}"`);
          continue;
        }
        seen.add(parent);
        draft.concept.parents.push(parent);
      }
    }
    this.breakCycles();
    if (!this.skipInvalid && this.problemCount > 0) this.fail();
    if (this.droppedByLang > 0) {
      this.note(`${this.droppedByLang} terms in languages other than ${[...this.keepLangs!].join(', ')} were left out (--lang)`);
    }

    const concepts: ParsedConcept[] = [];
    let terms = 0;
    let codes = 0;
    let edges = 0;
    let xrefs = 0;
    for (const d of this.concepts.values()) {
      concepts.push(d.concept);
      for (const t of d.concept.terms) t.kind === 'code' ? codes++ : terms++;
      edges += d.concept.parents.length;
      xrefs += d.concept.xrefs.length;
    }
    const report: ImportReport = {
      format: this.format,
      files: [...this.files.values()],
      concepts: concepts.length,
      terms,
      codes,
      edges,
      xrefs,
      duplicatesMerged: this.duplicatesMerged,
      skipped: { ...this.skipped },
      problems: [...this.problems],
      notes: [...this.notes],
    };
    return { concepts, report };
  }

  private fail(extra?: string): never {
    const hint = this.skipInvalid
      ? undefined
      : `Fix the input, or re-run with --skip-invalid to import without the rows listed${extra ? ` (${extra})` : ''}.`;
    throw new InputError(this.problems.slice(0, this.maxProblems), this.problemCount, hint);
  }

  private lookup(conceptId: string, where: InputLocation, what: string): DraftConcept | undefined {
    const draft = this.concepts.get(conceptId);
    if (!draft) this.problem(where, 'unknown-concept', `${what} for unknown concept "${conceptId}"`);
    return draft;
  }

  private pushTerm(draft: DraftConcept, input: TermInput): void {
    const text = cleanText(input.text ?? '');
    if (!text) return;
    const kind = input.kind ?? 'alt';
    const lang = input.lang ?? draft.concept.lang;
    if (this.keepLangs && kind !== 'code' && input.origin !== NAME_ORIGIN && !this.keepLangs.has(lang)) {
      this.droppedByLang++;
      return;
    }
    const key = kind === 'code' ? `code\u0000${text}` : `${lang}\u0000${text}`;
    const at = draft.termKeys.get(key);
    if (at !== undefined) {
      const prev = draft.concept.terms[at]!;
      if (at === 0 && prev.origin === NAME_ORIGIN && kind === 'preferred' && input.origin) {
        // The source lists the name among its terms too: keep one term, with the source's field.
        prev.origin = input.origin;
        return;
      }
      this.duplicatesMerged++;
      if (KIND_RANK[kind] < KIND_RANK[prev.kind]) prev.kind = kind;
      return;
    }
    const term: ParsedTerm = {
      text,
      norm: kind === 'code' ? foldCode(text) : foldText(text),
      lang,
      kind,
      ...(input.scope ? { scope: input.scope } : {}),
      ...(input.origin ? { origin: input.origin } : {}),
    };
    draft.termKeys.set(key, draft.concept.terms.length);
    draft.concept.terms.push(term);
  }

  private addTypeTo(draft: DraftConcept, type: string): void {
    const t = cleanText(type);
    if (t && !draft.concept.types.includes(t)) draft.concept.types.push(t);
  }

  private addXrefTo(draft: DraftConcept, xref: string): void {
    const x = cleanText(xref);
    if (x && !draft.concept.xrefs.includes(x)) draft.concept.xrefs.push(x);
  }

  /** Iterative DFS over parent links; each edge that closes a cycle is a problem and is dropped. */
  private breakCycles(): void {
    const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
    const derivedDropped: string[] = [];
    for (const root of this.concepts.keys()) {
      if (state.has(root)) continue;
      const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
      state.set(root, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const draft = this.concepts.get(top.id)!;
        const parents = draft.concept.parents;
        if (top.next >= parents.length) {
          state.set(top.id, 2);
          stack.pop();
          continue;
        }
        const parent = parents[top.next]!;
        const s = state.get(parent);
        if (s === 1) {
          const from = stack.findIndex((f) => f.id === parent);
          const path = [...stack.slice(from).map((f) => f.id), parent].join(' → ');
          const edge = draft.edges.find((e) => cleanText(e.parent) === parent);
          if (edge?.derived) derivedDropped.push(path);
          else this.problem(edge?.where ?? draft.where, 'parent-cycle', `parent cycle: ${path}`);
          parents.splice(top.next, 1);
          continue;
        }
        top.next++;
        if (s === undefined) {
          state.set(parent, 1);
          stack.push({ id: parent, next: 0 });
        }
      }
    }
    if (derivedDropped.length > 0) {
      this.note(
        `${derivedDropped.length} derived parent link(s) dropped because they closed a cycle (e.g. ${derivedDropped.slice(0, 3).join('; ')})`,
      );
    }
  }
}
