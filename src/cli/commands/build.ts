/** `normkit build`: builds (or reuses from the cache) everything a pipeline needs for a vocabulary, and reports it. */
import { join } from 'node:path';
import { IoError } from '../../core/errors.js';
import { terminalProgress } from '../../core/progress.js';
import { isWritable } from '../../io/atomic.js';
import { gcCache } from '../../pipeline/cache.js';
import { Linker } from '../../pipeline/linker.js';
import { resolveVocabulary } from '../../vocab/resolve.js';
import { dataDirOf, jsonOption, pipelineFrom, pipelineOption, presetOption, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderBuild, type BuildSummary } from '../render/build.js';

/** The linker's summary; the linker is closed either way. */
async function summaryOf(linker: Linker): Promise<BuildSummary> {
  try {
    return linker.summary();
  } finally {
    await linker.close();
  }
}

export function addBuildCommand(program: Program): void {
  program
    .command('build')
    .description('build everything a pipeline needs for a vocabulary: lexical index, trained encoder, HNSW graph, hubness banks (unchanged parts are reused)')
    .requiredOption('--vocab <name>', 'an imported vocabulary')
    .addOption(presetOption())
    .addOption(pipelineOption())
    .addOption(jsonOption('print the result as JSON'))
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      const pipeline = await pipelineFrom(opts);
      const cacheDir = join(dataDir, 'indexes');
      // A read-only cache is only read (link, eval, serve --read-only): building into it cannot be.
      if (!isWritable(cacheDir)) throw new IoError(`cannot write the build cache ${cacheDir}: it is read-only (link, eval and serve --read-only use what is built there)`, cacheDir);
      await withStore(cmd, async (store) => {
        const { name } = await resolveVocabulary(store, opts.vocab);
        // Building the linker is the work; its summary is the report.
        const linker = await Linker.build(store, name, pipeline, { cacheDir, dataDir, ...(opts.json ? {} : { progress: terminalProgress() }) });
        const summary = await summaryOf(linker);
        print(opts.json, summary, () => renderBuild(summary));
      }, { read: true });
    });
}

export function addGcCommand(program: Program): void {
  program
    .command('gc')
    .description('remove from the build cache what no current build uses: earlier index generations, indexes of removed or re-imported vocabularies (each build records what it uses)')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .addOption(jsonOption('print the result as JSON'))
    .action(async (opts, cmd) => {
      const cacheDir = join(dataDirOf(cmd), 'indexes');
      if (!opts.dryRun && !isWritable(cacheDir)) throw new IoError(`cannot write the build cache ${cacheDir}: it is read-only`, cacheDir);
      await withStore(cmd, (store) => {
        const result = gcCache(cacheDir, store, { dryRun: opts.dryRun ?? false });
        print(opts.json, result, () => {
          const verb = opts.dryRun ? 'would remove' : 'removed';
          const lines = result.removed.map((p) => `  ${p}`);
          const kept = result.kept.map((k) => `${k.vocabulary} (${k.pipeline})`).join(', ') || 'none';
          return [`${verb} ${result.removed.length} cache entries (${(result.bytes / 1048576).toFixed(1)} MiB)`, ...lines, `kept the builds of: ${kept}`].join('\n');
        });
      }, { read: true });
    });
}
