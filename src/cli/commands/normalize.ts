/** `normkit normalize`: cleans a text, or every line of a file (--input), with a rule pack. */
import { UsageError } from '../../core/errors.js';
import { terminalProgress } from '../../core/progress.js';
import { normalizeFile, resultRecord } from '../../normalize/batch.js';
import { normalize } from '../../normalize/engine.js';
import { loadPack } from '../../normalize/pack.js';
import { jsonOption, type Program } from '../options.js';
import { print } from '../output.js';
import { renderNormalize, renderNormalizeFile } from '../render/normalize.js';

export function addNormalizeCommand(program: Program): void {
  program
    .command('normalize')
    .description('clean a job title or clinical mention with a rule pack: normalized text, attributes, codes, trace')
    .argument('[text]', 'the text to normalize (or use --input for a file)')
    .option('--pack <pack>', 'rule pack: jobs, medical, codes, or a YAML/JSON file', 'jobs')
    .option('--explain', 'show every rule that fired, with its spans before and after')
    .option('--input <file>', 'normalize every line of a file (.jsonl: the "text" field of each object; else each line)')
    .option('--output <file>', 'with --input: write JSONL here instead of standard output')
    .option('--field <name>', 'with --input: the JSONL field holding the text', 'text')
    .option('--skip-invalid', 'with --input: skip bad lines and report their counts')
    .addOption(jsonOption('print the result as JSON'))
    .action(async (text, opts) => {
      const pack = loadPack(opts.pack);
      if (opts.input) {
        if (text !== undefined) throw new UsageError('give either a text or --input, not both');
        const r = await normalizeFile(opts.input, opts.output, {
          pack,
          field: opts.field,
          explain: Boolean(opts.explain),
          skipInvalid: Boolean(opts.skipInvalid),
          ...(opts.output ? { progress: terminalProgress() } : {}),
        });
        // Without --output the records went to stdout: nothing more to print.
        if (opts.output) {
          const summary = { lines: r.lines, written: r.written, skipped: r.problems.length, seconds: r.seconds, output: opts.output };
          print(opts.json, summary, () => renderNormalizeFile(summary));
        }
        return;
      }
      if (text === undefined) throw new UsageError('give a text to normalize, or --input FILE');
      const r = normalize(text, pack);
      print(opts.json, resultRecord(r, Boolean(opts.explain)), () => renderNormalize(r, Boolean(opts.explain)));
    });
}
