/**
 * `normkit index …`: the vector indexes (HNSW) over a vocabulary's terms: build one,
 * measure its hubness (stats), and tune the hubness correction on dev queries.
 */
import { Option } from '@commander-js/extra-typings';
import { terminalProgress } from '../../core/progress.js';
import { DEVICES } from '../../encoders/onnx/runtime.js';
import { encoderFor, NGRAM_HASH_MODEL } from '../../encoders/open.js';
import { indexStats, tuneHubnessCommand, withMethod } from '../../tuning/hubness.js';
import { buildVectorIndex } from '../../vector/build-index.js';
import { DEFAULT_HNSW } from '../../vector/hnsw.js';
import { dataDirOf, hubnessOption, jsonOption, kOption, pipelineFrom, pipelineOption, positiveInt, presetOption, tuningOptions, withStore, type Program } from '../options.js';
import { print, writePipelineFile } from '../output.js';
import { renderTuning } from '../render/tuning.js';
import { renderIndexBuild, renderIndexStats } from '../render/vectors.js';

export function addIndexCommands(program: Program): void {
  const index = program.command('index').description("vector indexes (HNSW) over a vocabulary's terms, and hubness diagnostics and tuning").exitOverride();

  index
    .command('build')
    .description('embed every term of a vocabulary and build its HNSW index (one per encoder)')
    .requiredOption('--vocab <name>', 'an imported vocabulary')
    .option('--model <model>', `encoder: "${NGRAM_HASH_MODEL}" (built in, no download), a folder from train-encoder, a model folder or a hub id`, NGRAM_HASH_MODEL)
    .addOption(new Option('--space <space>', 'cosine, or ip (inner product; the same for normalized vectors)').choices(['cosine', 'ip']).default(DEFAULT_HNSW.space))
    .option('--m <n>', 'HNSW links per node: more = better recall, more memory, slower build', positiveInt, DEFAULT_HNSW.m)
    .option('--ef-construction <n>', 'HNSW build candidate list: higher = better graph, slower build', positiveInt, DEFAULT_HNSW.efConstruction)
    .option('--ef <n>', 'HNSW search candidate list: higher = better recall, slower queries (set on every load)', positiveInt, DEFAULT_HNSW.ef)
    .option('--batch-size <n>', 'texts per encoder call', positiveInt, 256)
    .addOption(new Option('--device <device>', 'cpu, cuda, or auto').choices(DEVICES).default('cpu'))
    .option('--offline', 'never download a model')
    .addOption(jsonOption('print the result as JSON'))
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      await withStore(cmd, async (store) => {
        store.vocabulary(opts.vocab); // not found → exit 4
        const encoder = await encoderFor(store, opts.model, { dataDir, device: opts.device, ...(opts.offline ? { offline: true } : {}) });
        try {
          const r = await buildVectorIndex(store, opts.vocab, encoder, {
            dataDir,
            params: { space: opts.space, m: opts.m, efConstruction: opts.efConstruction, ef: opts.ef },
            batchSize: opts.batchSize,
            ...(opts.json ? {} : { progress: terminalProgress() }),
          });
          print(opts.json, r, () => renderIndexBuild(r));
        } finally {
          await encoder.close();
        }
      });
    });

  index
    .command('stats')
    .description('hubness diagnostics: N_k distribution and skewness, top-1% share, top hubs, before and after the correction')
    .requiredOption('--vocab <name>', 'an imported vocabulary')
    .addOption(presetOption())
    .addOption(pipelineOption())
    .addOption(hubnessOption())
    .option('--queries <file>', 'query JSONL to measure on (default: a seeded sample of vocabulary terms)')
    .option('--sample <n>', 'terms sampled as queries when no --queries is given', positiveInt, 2000)
    .addOption(kOption('the k of N_k', 10))
    .option('--top <n>', 'hubs listed', positiveInt, 10)
    .addOption(jsonOption())
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      // A pipeline without a correction is measured against dualdis.
      const pipeline = withMethod(await pipelineFrom(opts), undefined, 'dualdis');
      await withStore(cmd, async (store) => {
        store.vocabulary(opts.vocab);
        const d = await indexStats(store, opts.vocab, pipeline, {
          dataDir,
          k: opts.k,
          sample: opts.sample,
          top: opts.top,
          ...(opts.queries ? { queriesFile: opts.queries } : {}),
        });
        print(opts.json, d, () => renderIndexStats(d));
      }, { read: true });
    });

  tuningOptions(
    index.command('tune-hubness').description('pick the hubness method, β values and bank size by Success@1 on dev queries; write them into a pipeline file'),
    'dev query JSONL with gold concepts (never the test split)',
  ).action(async (opts, cmd) => {
    const dataDir = dataDirOf(cmd);
    const base = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      store.vocabulary(opts.vocab);
      const { result, pipeline } = await tuneHubnessCommand(store, opts.vocab, base, { dataDir, queriesFile: opts.queries });
      if (opts.out) writePipelineFile(opts.out, pipeline);
      print(opts.json, { chosen: result.chosen, perMethod: result.perMethod, trials: result.trials, pipeline }, () => renderTuning(result, opts.out));
    }, { read: true });
  });
}
