/** `normkit vocab …`: import, fetch, list, inspect and remove the vocabularies of the store. */
import { Option } from '@commander-js/extra-typings';
import { terminalProgress } from '../../core/progress.js';
import { fetchVocabulary } from '../../vocab/fetch.js';
import { DEFAULT_MAX_LOSS, importVocabulary } from '../../vocab/import.js';
import { FORMATS } from '../../vocab/importers/index.js';
import { dataDirOf, jsonOption, langsOption, positiveInt, probability, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderConcept, renderFetch, renderImport, renderList, renderStats } from '../render/vocab.js';

export function addVocabCommands(program: Program): void {
  const vocab = program.command('vocab').description('import, fetch and inspect vocabularies').exitOverride();

  vocab
    .command('import')
    .description('import vocabulary files into the store (replaces a vocabulary of the same name atomically)')
    .argument('<paths...>', 'files or directories to read')
    .addOption(new Option('-f, --format <format>', 'input format (detected when omitted)').choices(FORMATS.map((f) => f.name)))
    .option('-n, --name <name>', 'vocabulary name in the store (default: per format, e.g. "mesh")')
    .option('--release <version>', 'release version to record (default: read from the files when they tell it)')
    .addOption(langsOption('keep only terms in these languages (comma-separated); the first is the primary language'))
    .option('--skip-invalid', 'skip bad rows and report their counts instead of failing')
    .option('--max-line-bytes <n>', 'longest line or record accepted', positiveInt, 1 << 20)
    .option('--allow-empty', 'accept an import that leaves the vocabulary with no concepts')
    .option('--max-loss <share>', "the largest share of a vocabulary's concepts a re-import may drop", probability, DEFAULT_MAX_LOSS)
    .option('--force', 'accept any loss of concepts, an empty result included')
    .addOption(jsonOption('print the import report as JSON'))
    .addHelpText('after', `\nFormats:\n${FORMATS.map((f) => `  ${f.name.padEnd(8)} ${f.description}`).join('\n')}`)
    .action(async (paths, opts, cmd) => {
      await withStore(cmd, async (store) => {
        const result = await importVocabulary(store, paths, {
          ...(opts.format ? { format: opts.format } : {}),
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.release ? { version: opts.release } : {}),
          ...(opts.lang ? { langs: opts.lang } : {}),
          skipInvalid: Boolean(opts.skipInvalid),
          maxLineBytes: opts.maxLineBytes,
          allowEmpty: Boolean(opts.allowEmpty),
          force: Boolean(opts.force),
          maxLoss: opts.maxLoss,
          progress: opts.json ? undefined : terminalProgress(),
        });
        print(opts.json, { vocabulary: { ...result.vocabulary, report: undefined }, report: result.report, seconds: result.seconds }, () => renderImport(result));
      });
    });

  vocab
    .command('fetch')
    .description('download the official release of a vocabulary, verify it, and import it')
    .argument('<name>', 'vocabulary to fetch (see --list)')
    .option('--manifest <file>', 'a manifest JSON to use instead of the built-in one')
    .option('--download-only', 'download and verify, but do not import')
    .option('--skip-invalid', 'skip bad rows at import and report their counts')
    .addOption(jsonOption('print the result as JSON'))
    .action(async (name, opts, cmd) => {
      await withStore(cmd, async (store) => {
        const result = await fetchVocabulary(name, {
          dataDir: dataDirOf(cmd),
          store,
          ...(opts.manifest ? { manifestPath: opts.manifest } : {}),
          importAfter: !opts.downloadOnly,
          skipInvalid: Boolean(opts.skipInvalid),
          progress: opts.json ? undefined : terminalProgress(),
        });
        print(opts.json, result, () => renderFetch(result));
      });
    });

  vocab
    .command('list')
    .description('list imported vocabularies')
    .addOption(jsonOption())
    .action(async (opts, cmd) => {
      await withStore(cmd, (store) => {
        const list = store.listVocabularies();
        print(opts.json, list.map((v) => ({ ...v, report: undefined })), () => renderList(list));
      }, { read: true });
    });

  vocab
    .command('stats')
    .description('counts of concepts, terms (by kind, language, source field), codes, links and types')
    .argument('<name>', 'vocabulary name')
    .addOption(jsonOption())
    .action(async (name, opts, cmd) => {
      await withStore(cmd, (store) => {
        const stats = store.stats(name);
        print(opts.json, stats, () => renderStats(stats));
      }, { read: true });
    });

  vocab
    .command('show')
    .description('show one concept: terms, parents, children, cross-references')
    .argument('<name>', 'vocabulary name')
    .argument('<id>', 'concept id')
    .addOption(jsonOption())
    .action(async (name, id, opts, cmd) => {
      await withStore(cmd, (store) => {
        const concept = store.concept(name, id);
        print(opts.json, concept, () => renderConcept(concept));
      }, { read: true });
    });

  vocab
    .command('remove')
    .description('remove a vocabulary and everything in it')
    .argument('<name>', 'vocabulary name')
    .addOption(jsonOption())
    .action(async (name, opts, cmd) => {
      await withStore(cmd, (store) => {
        store.vocabulary(name); // not found → exit 4
        store.removeVocabulary(name);
        print(opts.json, { removed: name }, () => `removed ${name}`);
      });
    });
}
