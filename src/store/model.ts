/**
 * The in-memory shape of a vocabulary between an importer and the store.
 * Importers feed a `VocabularyBuilder`; it validates and produces a `ParsedVocabulary`.
 */
import type { InputProblem } from '../core/errors.js';

/** preferred: the concept's label in a language; alt: a synonym; hidden: a search-only form (e.g. misspelling); code: an identifier such as "E11.9". */
export type TermKind = 'preferred' | 'alt' | 'hidden' | 'code';
export const TERM_KINDS: readonly TermKind[] = ['preferred', 'alt', 'hidden', 'code'];

/** OBO synonym scope; absent for vocabularies that do not state one. */
export type SynonymScope = 'exact' | 'related' | 'broad' | 'narrow';

export interface ParsedTerm {
  /** The text as the source wrote it (trimmed). */
  text: string;
  /** Match key: `foldText(text)` for names, `foldCode(text)` for codes. */
  norm: string;
  lang: string;
  kind: TermKind;
  scope?: SynonymScope;
  /** Which source field the term came from, e.g. "altLabels", "layperson", "translation:OFFICIAL". */
  origin?: string;
}

export interface ParsedConcept {
  id: string;
  name: string;
  lang: string;
  description?: string;
  obsolete: boolean;
  types: string[];
  parents: string[];
  xrefs: string[];
  terms: ParsedTerm[];
}

export interface SourceFileReport {
  file: string;
  /** Data rows read (lines, records or stanzas; headers excluded). */
  rows: number;
}

export interface ImportReport {
  format: string;
  files: SourceFileReport[];
  concepts: number;
  /** Name terms (preferred + alt + hidden). */
  terms: number;
  codes: number;
  edges: number;
  xrefs: number;
  /** Exact duplicate terms of one concept that were stored once. */
  duplicatesMerged: number;
  /** Problems skipped under --skip-invalid, by reason. */
  skipped: Record<string, number>;
  /** The first problems found (all of them when fewer than 100). */
  problems: InputProblem[];
  /** Facts about the input worth knowing that are not errors. */
  notes: string[];
}

export interface ParsedVocabulary {
  concepts: ParsedConcept[];
  report: ImportReport;
}
