/**
 * The contract every importer fulfils, and the context it reads with.
 */
import type { FileHead } from '../../io/sniff.js';
import type { VocabularyBuilder } from '../builder.js';

export interface ReadContext {
  builder: VocabularyBuilder;
  /** Lines longer than this are bad input. */
  maxLineBytes: number;
  /** Languages asked for (`--lang`); empty means all. The builder drops other terms; readers may skip whole files. The first is the primary language. */
  langs: string[];
  /** Adds bytes read to the progress bar. */
  onBytes: (delta: number) => void;
}

export interface VocabularyFormat {
  /** The value of `--format`. */
  name: string;
  /** One line for `--help`: what files it reads. */
  description: string;
  /** Whether a file's first bytes look like one of this format's files. */
  detect(head: FileHead): boolean;
  /** The files to read, given the paths the user named (directories are expanded). */
  resolveFiles(paths: string[]): Promise<string[]>;
  /** The vocabulary's name when the user gives none. */
  defaultName(files: string[], heads: FileHead[]): string;
  /** The release version when the files tell it. */
  detectVersion?(files: string[], heads: FileHead[]): string | undefined;
  /** Reads `files` into `ctx.builder`. */
  read(files: string[], ctx: ReadContext): Promise<void>;
}
