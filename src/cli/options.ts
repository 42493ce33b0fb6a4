/**
 * The options several commands share, declared once: value parsers, --preset/--pipeline
 * (and --hubness over them), --k, --json, --lang, the global --data-dir, and the helpers
 * that turn them into what the library takes (a pipeline configuration, an open store).
 * Options are `Option` objects, their factories' return types left to inference, so that
 * @commander-js/extra-typings types each command's `opts` from the options it adds.
 */
import { Option, InvalidArgumentError, type Command } from '@commander-js/extra-typings';
import { resolveDataDir, storePath } from '../core/data-dir.js';
import { MAX_K } from '../core/limits.js';
import { HUBNESS_METHODS, type HubnessMethod } from '../hubness/dbnorm.js';
import { LANG_RE } from '../io/validate.js';
import { loadPipeline, type PipelineConfig } from '../pipeline/config.js';
import { DEFAULT_PRESET, preset, presetNames } from '../pipeline/presets.js';
import { VocabStore } from '../store/store.js';
import { withMethod } from '../tuning/hubness.js';

/**
 * The options of the program itself, seen by every command through optsWithGlobals().
 * A type, not an interface: commander's option records need an index signature.
 */
export type GlobalOptions = {
  dataDir?: string | undefined;
};

/** `--data-dir`, an option of the program: every command reads it (dataDirOf). */
export function dataDirOption() {
  return new Option('--data-dir <dir>', 'where the store and downloads live (default: $NORMKIT_HOME or ~/.normkit)');
}

/** The program the command groups add their commands to. */
export type Program = Command<[], GlobalOptions>;

/** A command just created by `.command(name)`, before its own arguments and options. */
export type NewCommand = Command<[], {}, GlobalOptions>;

/** A whole number written in digits, or undefined ("1e20" or twenty 9s are integers to Number() but no count). */
function wholeNumber(value: string): number | undefined {
  const n = Number(value);
  return /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(n) ? n : undefined;
}

export function positiveInt(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** `--k`'s value: a whole number from 1 to MAX_K. */
export function kValue(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined || n < 1 || n > MAX_K) throw new InvalidArgumentError(`--k must be a whole number from 1 to ${MAX_K}`);
  return n;
}

export function probability(value: string): number {
  const n = Number(value);
  if (!(value.trim() !== '' && n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

export function langList(value: string): string[] {
  const langs = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (langs.length === 0 || langs.some((l) => !LANG_RE.test(l))) {
    throw new InvalidArgumentError('expected language codes separated by commas, e.g. en,fr');
  }
  return langs;
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return n;
}

export function jsonOption(description = 'print as JSON') {
  return new Option('--json', description);
}

/** `--k <n>`: how many candidates (1 to MAX_K); each command says what they are and how many by default. */
export function kOption(description: string, defaultK: number) {
  return new Option('--k <n>', `${description} (1–${MAX_K})`).argParser(kValue).default(defaultK);
}

/** `--lang <codes>`: a list of language codes (the first is the primary one). */
export function langsOption(description: string) {
  return new Option('--lang <codes>', description).argParser(langList);
}

/** One language code (LANG_RE, the pattern every --lang and the HTTP API's `lang` use). */
export function langCode(value: string): string {
  if (!LANG_RE.test(value)) throw new InvalidArgumentError('expected one language code, e.g. en, deu or pt-BR');
  return value;
}

/** `--lang <code>`: the language of the text being linked. */
export function textLangOption() {
  return new Option('--lang <code>', "the text's language (picks the stemmer; the cross-lingual presets translate from it)").argParser(langCode);
}

/**
 * `--preset <name>`, which conflicts with `--pipeline`. The name is checked where the
 * pipeline is resolved (pipelineFrom), not by a parser: that way commander's own checks
 * (a missing required option, a conflict, --help) and a command's own usage checks come
 * first, and an unknown name gets presets.ts's message, not commander's.
 */
export function presetOption(description = 'named pipeline', defaultPreset: string = DEFAULT_PRESET) {
  return new Option('--preset <name>', `${description} (${presetNames().join(', ')})`).default(defaultPreset).conflicts('pipeline');
}

export function pipelineOption(description = 'pipeline configuration JSON instead of a preset') {
  return new Option('--pipeline <file>', description);
}

export function hubnessOption() {
  return new Option('--hubness <method>', "hubness correction, overriding the pipeline's: none, is, dis, dualis, dualdis").choices(HUBNESS_METHODS);
}

/**
 * The options of the commands that fit something on dev queries and write a pipeline
 * file (index tune-hubness, train-reranker, calibrate).
 */
export function tuningOptions(cmd: NewCommand, queries: string) {
  return cmd
    .requiredOption('--vocab <name>', 'an imported vocabulary')
    .requiredOption('--queries <file>', queries)
    .addOption(presetOption('named pipeline to start from'))
    .addOption(pipelineOption('pipeline configuration to start from'))
    .option('--out <file>', 'write the resulting pipeline configuration here (JSON)')
    .addOption(jsonOption());
}

/** What pipelineFrom reads: the values of presetOption, pipelineOption and hubnessOption. */
export interface PipelineChoice {
  preset?: string | undefined;
  pipeline?: string | undefined;
  hubness?: HubnessMethod | undefined;
}

/**
 * --preset or --pipeline, then --hubness over it. The one place the CLI turns a preset
 * name into a pipeline: an unknown name fails here with presets.ts's message (exit 2).
 */
export async function pipelineFrom(opts: PipelineChoice): Promise<PipelineConfig> {
  const base = opts.pipeline ? await loadPipeline(opts.pipeline) : preset(opts.preset ?? DEFAULT_PRESET);
  return opts.hubness ? withMethod(base, opts.hubness) : base;
}

/** Any command: its options merged with the program's. */
interface WithGlobals {
  optsWithGlobals(): GlobalOptions;
}

/** The data dir: --data-dir, else $NORMKIT_HOME, else ~/.normkit. */
export function dataDirOf(cmd: WithGlobals): string {
  return resolveDataDir(cmd.optsWithGlobals().dataDir);
}

/**
 * Opens the store of the data dir, runs `fn` on it and closes it, whatever happens. A
 * command that only reads says `{ read: true }`: it then works on a read-only data dir
 * (the store opened read-only); otherwise a store that cannot be written fails at once.
 */
export function withStore<T>(cmd: WithGlobals, fn: (store: VocabStore) => Promise<T> | T, options: { read?: boolean } = {}): Promise<T> {
  const store = VocabStore.open(storePath(dataDirOf(cmd)), { readonly: options.read ? 'auto' : false });
  return Promise.resolve()
    .then(() => fn(store))
    .finally(() => store.close());
}
