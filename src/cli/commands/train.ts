/**
 * The commands that learn something from a vocabulary or labeled queries: `train-encoder`
 * (the compact encoder, written to an ONNX model folder), `train-reranker` and `calibrate`
 * (each writes a pipeline file). Three functions: the top-level help lists them apart.
 */
import { join } from 'node:path';
import { terminalProgress } from '../../core/progress.js';
import { trainVocabularyEncoder } from '../../encoders/trained/vocabulary.js';
import { calibrateCommand } from '../../tuning/calibrate.js';
import { trainRerankerCommand } from '../../tuning/pairwise-train.js';
import { resolveVocabulary } from '../../vocab/resolve.js';
import { dataDirOf, jsonOption, langList, pipelineFrom, positiveInt, probability, tuningOptions, withStore, type Program } from '../options.js';
import { print, writePipelineFile } from '../output.js';
import { renderTraining } from '../render/training.js';
import { renderCalibration, renderReranker } from '../render/tuning.js';

export function addTrainEncoderCommand(program: Program): void {
  program
    .command('train-encoder')
    .description("train normkit's compact encoder on a vocabulary's own synonyms (CPU, minutes; no download) and write it as an ONNX model folder")
    .requiredOption('--vocab <name>', 'an imported vocabulary')
    .option('--out <dir>', 'model folder to write (default: <data dir>/models/normkit--<vocabulary>)')
    .option('--pairs <file>', 'labeled pairs as query JSONL ({"text", "gold": [ids]}), e.g. a training split')
    .option('--types <types>', 'only concepts with one of these types (comma-separated, e.g. C for MeSH diseases)')
    .option('--langs <langs>', 'only terms in these languages (comma-separated)', langList)
    .option('--dim <n>', 'vector width', positiveInt, 256)
    .option('--buckets <n>', 'hashed feature rows (more: fewer collisions, a larger model)', positiveInt, 1 << 16)
    .option('--epochs <n>', 'passes over the terms (early stopping on held-out synonyms may end sooner)', positiveInt, 6)
    .option('--batch-size <n>', 'anchors per step (in-batch negatives)', positiveInt, 128)
    .option('--lr <x>', 'Adagrad learning rate', Number, 0.5)
    .option('--hard-negatives <n>', 'hard negatives per anchor from the lexical index (0 or 1)', Number, 1)
    .option('--seed <n>', 'random seed', Number, 1)
    .addOption(jsonOption('print the result as JSON'))
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      await withStore(cmd, async (store) => {
        store.vocabulary(opts.vocab); // not found → exit 4
        const out = opts.out ?? join(dataDir, 'models', `normkit--${opts.vocab}`);
        const r = await trainVocabularyEncoder(store, opts.vocab, out, {
          dim: opts.dim,
          featurizer: { buckets: opts.buckets },
          epochs: opts.epochs,
          batchSize: opts.batchSize,
          learningRate: opts.lr,
          hardNegatives: opts.hardNegatives,
          seed: opts.seed,
          ...(opts.types ? { types: opts.types.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
          ...(opts.langs ? { langs: opts.langs } : {}),
          ...(opts.pairs ? { pairsFile: opts.pairs } : {}),
          ...(opts.json ? {} : { progress: terminalProgress() }),
        });
        print(opts.json, r, () => renderTraining(r));
      }, { read: true });
    });
}

export function addTrainRerankerCommand(program: Program): void {
  tuningOptions(
    program.command('train-reranker').description('learn the pairwise reranker (no model download) on labeled queries; write it into a pipeline file'),
    'labeled query JSONL: a training or dev split (never the test split)',
  )
    .option('--top <n>', 'candidates per query the reranker re-scores', positiveInt, 20)
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      const base = await pipelineFrom(opts);
      await withStore(cmd, async (store) => {
        const { name } = await resolveVocabulary(store, opts.vocab);
        const { training, pipeline } = await trainRerankerCommand(store, name, base, {
          dataDir,
          queriesFile: opts.queries,
          top: opts.top,
          ...(opts.json ? {} : { progress: terminalProgress() }),
        });
        if (opts.out) writePipelineFile(opts.out, pipeline);
        print(opts.json, { queries: training.queries, trainSuccessAt1: training.trainSuccessAt1, model: training.model, pipeline }, () => renderReranker(training, opts.top, opts.out));
      }, { read: true });
    });
}

export function addCalibrateCommand(program: Program): void {
  tuningOptions(
    program.command('calibrate').description('fit the confidence of every candidate and the NIL threshold on dev queries; write them into a pipeline file'),
    'dev query JSONL with gold concepts, NIL queries with an empty gold list (never the test split)',
  )
    .option('--min-precision <p>', 'without NIL queries: the lowest NIL threshold whose answers reach this precision (0–1)', probability)
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      const base = await pipelineFrom(opts);
      await withStore(cmd, async (store) => {
        const { name } = await resolveVocabulary(store, opts.vocab);
        const { calibration, pipeline } = await calibrateCommand(store, name, base, {
          dataDir,
          queriesFile: opts.queries,
          ...(opts.minPrecision !== undefined ? { minPrecision: opts.minPrecision } : {}),
          ...(opts.json ? {} : { progress: terminalProgress() }),
        });
        if (opts.out) writePipelineFile(opts.out, pipeline);
        print(opts.json, { ...calibration, pipeline }, () => renderCalibration(calibration, opts.out));
      }, { read: true });
    });
}
