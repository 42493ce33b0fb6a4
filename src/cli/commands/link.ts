/**
 * `normkit link`: links a text, every line of a file or stdin (--input), or every mention
 * of a document (--document) to the concepts of a vocabulary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { Option } from '@commander-js/extra-typings';
import { UsageError } from '../../core/errors.js';
import { terminalProgress } from '../../core/progress.js';
import { linkDocument } from '../../modes/document.js';
import { linkFile } from '../../modes/link-file.js';
import { Linker } from '../../pipeline/linker.js';
import { resolveVocabulary } from '../../vocab/resolve.js';
import { dataDirOf, hubnessOption, jsonOption, kOption, pipelineFrom, pipelineOption, presetOption, probability, textLangOption, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderDocument } from '../render/document.js';
import { renderLink, renderLinkFile } from '../render/link.js';

export function addLinkCommand(program: Program): void {
  program
    .command('link')
    .description('link a text, or every line of a file or stdin, to the concepts of a vocabulary: ranked concepts with the matched term')
    .argument('<vocabulary>', 'an imported vocabulary name (or a vocabulary file, imported once)')
    .argument('[text]', 'the text to link (or use --input)')
    .option('--input <file>', 'link every line: JSONL (*.jsonl, or --format jsonl) or plain text; "-" reads stdin')
    .option('--document <file>', 'link every mention of a document (found by the dictionary matcher; "-" reads stdin)')
    .option('--threshold <s>', "with --document: the matcher's lowest window similarity (0–1)", probability, 0.95)
    .option('--output <file>', 'write one JSON result per line here (default: stdout), batch by batch')
    .option('--resume', 'keep the results already in --output and link only the inputs after them')
    .addOption(new Option('--format <format>', 'input format (default: jsonl for *.jsonl, else text)').choices(['jsonl', 'text']))
    .option('--field <name>', 'JSONL field holding the text', 'text')
    .option('--skip-invalid', 'skip bad input lines (reported) instead of stopping')
    .addOption(presetOption())
    .addOption(pipelineOption())
    .addOption(hubnessOption())
    .addOption(kOption('how many concepts', 5))
    .addOption(textLangOption())
    .addOption(jsonOption('print the result as JSON'))
    .action(async (vocabularyArg, textArg, opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      if ([textArg, opts.input, opts.document].filter((x) => x !== undefined).length !== 1) throw new UsageError('give one of: a text, --input FILE, --document FILE');
      const pipeline = await pipelineFrom(opts);
      const lang = opts.lang ? { lang: opts.lang } : {};
      await withStore(cmd, async (store) => {
        const { name } = await resolveVocabulary(store, vocabularyArg);
        const linker = await Linker.build(store, name, pipeline, { cacheDir: join(dataDir, 'indexes'), dataDir, ...(opts.json ? {} : { progress: terminalProgress() }) });
        try {
          if (opts.document !== undefined) {
            const doc = opts.document === '-' ? await text(process.stdin) : readFileSync(opts.document, 'utf8');
            const r = await linkDocument(linker, doc, { k: opts.k, threshold: opts.threshold, ...lang });
            print(opts.json, r, () => renderDocument(r));
          } else if (opts.input !== undefined) {
            const r = await linkFile(linker, opts.input, opts.output, {
              k: opts.k,
              field: opts.field,
              ...(opts.format ? { format: opts.format } : {}),
              ...lang,
              ...(opts.resume ? { resume: true } : {}),
              ...(opts.skipInvalid ? { skipInvalid: true } : {}),
              progress: terminalProgress(),
            });
            // stderr: without --output the results are on stdout.
            process.stderr.write(`${renderLinkFile(r)}\n`);
          } else if (textArg !== undefined) {
            const r = await linker.link(textArg, opts.k, lang);
            print(opts.json, r, () => renderLink(r));
          }
        } finally {
          await linker.close();
        }
      }, { read: true });
    });
}
