/** `normkit map`: maps every concept of a source vocabulary to a target vocabulary, into a crosswalk TSV. */
import { join } from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { terminalProgress } from '../../core/progress.js';
import { mapVocabulary } from '../../modes/map.js';
import { Linker } from '../../pipeline/linker.js';
import { resolveVocabulary } from '../../vocab/resolve.js';
import { dataDirOf, jsonOption, kOption, pipelineFrom, pipelineOption, presetOption, probability, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderMap } from '../render/map.js';

export function addMapCommand(program: Program): void {
  program
    .command('map')
    .description('map every concept of a source vocabulary to a target vocabulary: a crosswalk TSV (top-k, scores, confidence, match type, ancestor fallback)')
    .requiredOption('--from <vocabulary>', 'the source vocabulary (imported)')
    .requiredOption('--to <vocabulary>', 'the target vocabulary (imported)')
    .requiredOption('--output <file>', 'the crosswalk TSV, written source concept by source concept')
    .addOption(presetOption('named pipeline', 'map'))
    .addOption(pipelineOption('pipeline configuration instead of a preset (a calibrated one gives confidences and NIL fallbacks)'))
    .addOption(kOption('target concepts per source concept', 3))
    .addOption(new Option('--context <context>', "append the source concept's parent labels to its label").choices(['none', 'parents']).default('none'))
    .option('--min-similarity <s>', 'fall back to the closest covering ancestor below this similarity of the best candidate (0–1)', probability)
    .option('--resume', 'keep the rows already in --output and map only the source concepts after them')
    .addOption(jsonOption('print the summary as JSON'))
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      const pipeline = await pipelineFrom(opts);
      await withStore(cmd, async (store) => {
        const from = (await resolveVocabulary(store, opts.from)).name;
        const to = (await resolveVocabulary(store, opts.to)).name;
        const linker = await Linker.build(store, to, pipeline, { cacheDir: join(dataDir, 'indexes'), dataDir, ...(opts.json ? {} : { progress: terminalProgress() }) });
        try {
          const r = await mapVocabulary(store, from, to, linker, opts.output, {
            k: opts.k,
            context: opts.context,
            ...(opts.minSimilarity !== undefined ? { minSimilarity: opts.minSimilarity } : {}),
            ...(opts.resume ? { resume: true } : {}),
            ...(opts.json ? {} : { progress: terminalProgress() }),
          });
          print(opts.json, r, () => renderMap(r, from, to, opts.output));
        } finally {
          await linker.close();
        }
      }, { read: true });
    });
}
