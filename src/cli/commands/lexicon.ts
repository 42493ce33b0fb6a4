/** `normkit lexicon …`: import, list, inspect and remove the store's bilingual lexicons. */
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { UsageError } from '../../core/errors.js';
import { terminalProgress } from '../../core/progress.js';
import { fetchLexicon, FREEDICT_DATABASE } from '../../lexicon/fetch.js';
import { lexiconFromVocabulary } from '../../lexicon/from-vocab.js';
import { importLexicons } from '../../lexicon/import.js';
import { learnLexicon } from '../../lexicon/learn.js';
import { readQueries } from '../../io/queries.js';
import { LexiconStore } from '../../lexicon/store.js';
import { dataDirOf, jsonOption, langCode, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderLexiconImport, renderLexiconList, renderLexiconStats } from '../render/lexicon.js';

export function addLexiconCommands(program: Program): void {
  const lexicon = program.command('lexicon').description('bilingual lexicons for cross-lingual linking (FreeDict, your own TSV, a vocabulary\'s translations)').exitOverride();

  lexicon
    .command('import')
    .description('import a dictionary file or a folder of them (e.g. /usr/share/dictd); all are read and checked, then written in one transaction')
    .argument('[path]', 'a dictd .index (with .dict.dz beside it), a FreeDict .tei, a .tsv of source<TAB>target[<TAB>rank], or a folder')
    .option('--from <lang>', 'source language (default: from the FreeDict file name; a folder: only dictionaries with this language)', langCode)
    .option('--to <lang>', 'target language (likewise)', langCode)
    .option('-n, --name <name>', 'lexicon name (default: the file name)')
    .option('--licence <text>', 'licence to record when the file does not state one (a TSV)')
    .option('--from-vocab <vocabulary>', 'make the lexicon from an imported vocabulary\'s terms in --from and --to (same concept, two languages) instead of a file')
    .addOption(jsonOption('print the imported lexicons as JSON'))
    .action(async (path, opts, cmd) => {
      await withStore(cmd, (store) => {
        const lexicons = new LexiconStore(store);
        const t0 = performance.now();
        let imported;
        if (opts.fromVocab) {
          if (path) throw new UsageError('give a path or --from-vocab, not both');
          if (!opts.from || !opts.to) throw new UsageError('--from-vocab needs --from and --to');
          const read = lexiconFromVocabulary(store, opts.fromVocab, opts.from, opts.to, opts.name);
          imported = lexicons.replaceMany([read]);
        } else {
          if (!path) throw new UsageError('give a dictionary file or folder to import (or --from-vocab <vocabulary>)');
          imported = importLexicons(lexicons, path, { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}), ...(opts.name ? { name: opts.name } : {}), ...(opts.licence ? { licence: opts.licence } : {}) });
        }
        const seconds = (performance.now() - t0) / 1000;
        print(opts.json, { lexicons: imported, seconds }, () => renderLexiconImport(imported, seconds));
      });
    });

  lexicon
    .command('learn')
    .description('learn word translations from a vocabulary\'s own translations and/or labeled examples (IBM Model 1, both directions) and store them as a lexicon')
    .requiredOption('--vocab <vocabulary>', 'the vocabulary whose terms in --to the translations are learned toward')
    .requiredOption('--from <lang>', 'the language translated from', langCode)
    .option('--to <lang>', 'the language translated to (default: the vocabulary\'s most common language)', langCode)
    .option('--pairs <file>', 'labeled examples in --from: query JSONL ({"qid","text","gold":[concept ids]}, the format normkit eval reads)')
    .option('--no-translations', 'learn from the examples only, not from the vocabulary\'s terms in --from')
    .option('--min-score <x>', 'the lowest alignment score kept, √(p(t|s)·p(s|t)), in (0, 1]', (v) => {
      const x = Number(v);
      if (!(x > 0 && x <= 1)) throw new InvalidArgumentError('expected a number in (0, 1]');
      return x;
    })
    .option('-n, --name <name>', 'lexicon name (default <vocabulary>-learned-<from>-<to>)')
    .addOption(jsonOption('print the learned lexicon\'s summary as JSON'))
    .action(async (opts, cmd) => {
      const examples = opts.pairs ? (await readQueries(opts.pairs)).queries : undefined;
      await withStore(cmd, (store) => {
        const t0 = performance.now();
        const to = opts.to ?? Object.keys(store.stats(opts.vocab).byLang)[0]?.split('-')[0] ?? 'en';
        const learned = learnLexicon(store, opts.vocab, { from: opts.from, to, translations: opts.translations, ...(examples ? { examples } : {}), ...(opts.minScore !== undefined ? { minScore: opts.minScore } : {}), ...(opts.name ? { name: opts.name } : {}) });
        const [info] = new LexiconStore(store).replaceMany([learned]);
        const seconds = (performance.now() - t0) / 1000;
        print(opts.json, { lexicon: info, texts: learned.texts, seconds }, () =>
          `${renderLexiconImport([info!], seconds)}\nlearned from ${learned.texts.translations} vocabulary translations and ${learned.texts.examples} examples${learned.texts.unusedExamples ? ` (${learned.texts.unusedExamples} examples left out: no gold concept with a term in ${to})` : ''}`,
        );
      });
    });

  lexicon
    .command('fetch')
    .description('download a FreeDict dictionary release (dictd), verify its checksum, unpack and import it')
    .argument('<pair>', 'language pair, FreeDict\'s names or ISO 639-1: deu-eng, de-en')
    .option('--database <url|file>', 'the FreeDict database listing the releases', FREEDICT_DATABASE)
    .option('--download-only', 'download, verify and unpack, but do not import')
    .addOption(jsonOption('print the result as JSON'))
    .action(async (pair, opts, cmd) => {
      await withStore(cmd, async (store) => {
        const r = await fetchLexicon(pair, { dataDir: dataDirOf(cmd), store: new LexiconStore(store), database: opts.database, importAfter: !opts.downloadOnly, ...(opts.json ? {} : { progress: terminalProgress() }) });
        print(opts.json, r, () => `${r.downloaded ? 'downloaded' : 'already had'} FreeDict ${r.pair} ${r.version} (${r.url}) in ${r.directory}${r.lexicons.length ? `\n${renderLexiconImport(r.lexicons, 0).split('\n').slice(1).join('\n')}` : ''}`);
      });
    });

  lexicon
    .command('list')
    .description('list the imported lexicons')
    .addOption(jsonOption())
    .action(async (opts, cmd) => {
      await withStore(cmd, (store) => {
        const list = new LexiconStore(store).list();
        print(opts.json, list, () => renderLexiconList(list));
      }, { read: true });
    });

  lexicon
    .command('stats')
    .description('a lexicon\'s languages, source, licence and counts')
    .argument('<name>', 'lexicon name')
    .addOption(jsonOption())
    .action(async (name, opts, cmd) => {
      await withStore(cmd, (store) => {
        const s = new LexiconStore(store).stats(name);
        print(opts.json, s, () => renderLexiconStats(s));
      }, { read: true });
    });

  lexicon
    .command('remove')
    .description('remove a lexicon from the store')
    .argument('<name>', 'lexicon name')
    .action(async (name, _opts, cmd) => {
      await withStore(cmd, (store) => {
        const lexicons = new LexiconStore(store);
        lexicons.info(name); // a located "no lexicon named …" (exit 4) when there is none
        lexicons.remove(name);
        process.stdout.write(`removed lexicon ${name}\n`);
      });
    });
}
