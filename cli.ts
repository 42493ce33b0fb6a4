#!/usr/bin/env node
/**
 * normkit CLI: a thin layer over src/. Each command parses its options, calls the
 * library and prints a table, or exactly one JSON document with --json.
 * Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 not found, 5 network.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { renderEval } from './src/cli/eval.js';
import { renderModelFetch, renderModelInfo, renderModelList } from './src/cli/model.js';
import { renderConcept, renderFetch, renderImport, renderList, renderStats } from './src/cli/vocab.js';
import { resolveDataDir, storePath } from './src/core/data-dir.js';
import { runDemo } from './src/modes/demo.js';
import { ExitCode, NormkitError, NotFoundError, UsageError } from './src/core/errors.js';
import { createApiKey } from './src/server/api-keys.js';
import { ServerState } from './src/server/state.js';
import { loadServeConfig } from './src/server/settings.js';
import { startServer } from './src/server/serve.js';
import { renderTable } from './src/cli/table.js';
import { normalizeFile, resultRecord } from './src/normalize/batch.js';
import { normalize } from './src/normalize/engine.js';
import { loadPack } from './src/normalize/pack.js';
import { renderNormalize } from './src/cli/normalize.js';
import { runEval } from './src/metrics/run-eval.js';
import { buildCommand, renderBuild, renderCalibration, renderDocument, renderTraining, renderIndexBuild, renderIndexStats, renderLink, renderTuning } from './src/cli/index-cmd.js';
import { encoderFor, NGRAM_HASH_MODEL } from './src/encoders/open.js';
import { HUBNESS_METHODS, type HubnessMethod } from './src/hubness/dbnorm.js';
import { Linker } from './src/pipeline/linker.js';
import { linkFile } from './src/modes/link-file.js';
import { linkDocument } from './src/modes/document.js';
import { mapVocabulary } from './src/modes/map.js';
import type { PipelineConfig } from './src/pipeline/config.js';
import { DEFAULT_HNSW } from './src/vector/hnsw.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICES } from './src/encoders/onnx/runtime.js';
import { listModels, modelInfo } from './src/encoders/models/catalog.js';
import { fetchModel } from './src/encoders/models/hub.js';
import { POOLINGS, PRECISIONS, type Pooling, type Precision } from './src/encoders/onnx/layout.js';
import { modelsDir } from './src/encoders/models/resolve.js';
import { loadPipeline } from './src/pipeline/config.js';
import { DEFAULT_PRESET, preset, presetNames } from './src/pipeline/presets.js';
import { terminalProgress } from './src/core/progress.js';
import { VocabStore } from './src/store/store.js';
import { fetchVocabulary } from './src/vocab/fetch.js';
import { importVocabulary } from './src/vocab/import.js';
import { FORMATS } from './src/vocab/importers/index.js';
import { writeAtomic } from './src/io/atomic.js';
import { VERSION } from './src/core/version.js';
import { resolveVocabulary } from './src/vocab/resolve.js';
import { buildVectorIndex } from './src/vector/build-index.js';
import { calibrateCommand } from './src/tuning/calibrate.js';
import { trainRerankerCommand } from './src/tuning/pairwise-train.js';
import { trainVocabularyEncoder } from './src/encoders/trained/vocabulary.js';
import { indexStats, tuneHubnessCommand, withMethod } from './src/tuning/hubness.js';


function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Writes a pipeline configuration atomically (a temporary file, then a rename). */
function writePipelineFile(out: string, pipeline: PipelineConfig): void {
  writeAtomic(out, `${JSON.stringify(pipeline, null, 2)}\n`);
}

/** Options of the commands that fit something on dev queries and write a pipeline file. */
function tuningCommand(parent: Command, name: string, description: string, queries: string): Command {
  return parent
    .command(name)
    .description(description)
    .requiredOption('--vocab <name>', 'an imported vocabulary')
    .requiredOption('--queries <file>', queries)
    .addOption(new Option('--preset <name>', `named pipeline to start from (${presetNames().join(', ')})`).default(DEFAULT_PRESET).conflicts('pipeline'))
    .option('--pipeline <file>', 'pipeline configuration to start from')
    .option('--out <file>', 'write the resulting pipeline configuration here (JSON)')
    .option('--json', 'print as JSON');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function probability(value: string): number {
  const n = Number(value);
  if (!(value.trim() !== '' && n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

function langList(value: string): string[] {
  const langs = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (langs.length === 0 || langs.some((l) => !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l))) {
    throw new InvalidArgumentError('expected language codes separated by commas, e.g. en,fr');
  }
  return langs;
}

interface GlobalOptions {
  dataDir?: string;
}

function openStore(cmd: Command): VocabStore {
  const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
  return VocabStore.open(storePath(resolveDataDir(dataDir)));
}

function print(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

function withStore<T>(cmd: Command, fn: (store: VocabStore) => Promise<T> | T): Promise<T> {
  const store = openStore(cmd);
  return Promise.resolve()
    .then(() => fn(store))
    .finally(() => store.close());
}

const program = new Command('normkit')
  .description('Normalize job titles and medical terms to the concepts of a vocabulary')
  .version(VERSION)
  .option('--data-dir <dir>', 'where the store and downloads live (default: $NORMKIT_HOME or ~/.normkit)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const vocab = program.command('vocab').description('import, fetch and inspect vocabularies').exitOverride();

vocab
  .command('import')
  .description('import vocabulary files into the store (replaces a vocabulary of the same name atomically)')
  .argument('<paths...>', 'files or directories to read')
  .addOption(new Option('-f, --format <format>', 'input format (detected when omitted)').choices(FORMATS.map((f) => f.name)))
  .option('-n, --name <name>', 'vocabulary name in the store (default: per format, e.g. "mesh")')
  .option('--release <version>', 'release version to record (default: read from the files when they tell it)')
  .option('--lang <codes>', 'keep only terms in these languages (comma-separated); the first is the primary language', langList)
  .option('--skip-invalid', 'skip bad rows and report their counts instead of failing')
  .option('--max-line-bytes <n>', 'longest line or record accepted', positiveInt, 1 << 20)
  .option('--json', 'print the import report as JSON')
  .addHelpText('after', `\nFormats:\n${FORMATS.map((f) => `  ${f.name.padEnd(8)} ${f.description}`).join('\n')}`)
  .action(async (paths: string[], opts, cmd: Command) => {
    await withStore(cmd, async (store) => {
      const result = await importVocabulary(store, paths, {
        ...(opts.format ? { format: opts.format as string } : {}),
        ...(opts.name ? { name: opts.name as string } : {}),
        ...(opts.release ? { version: opts.release as string } : {}),
        ...(opts.lang ? { langs: opts.lang as string[] } : {}),
        skipInvalid: Boolean(opts.skipInvalid),
        maxLineBytes: opts.maxLineBytes as number,
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
  .option('--json', 'print the result as JSON')
  .action(async (name: string, opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    await withStore(cmd, async (store) => {
      const result = await fetchVocabulary(name, {
        dataDir: resolveDataDir(dataDir),
        store,
        ...(opts.manifest ? { manifestPath: opts.manifest as string } : {}),
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
  .option('--json', 'print as JSON')
  .action(async (opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      const list = store.listVocabularies();
      print(opts.json, list.map((v) => ({ ...v, report: undefined })), () => renderList(list));
    });
  });

vocab
  .command('stats')
  .description('counts of concepts, terms (by kind, language, source field), codes, links and types')
  .argument('<name>', 'vocabulary name')
  .option('--json', 'print as JSON')
  .action(async (name: string, opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      const stats = store.stats(name);
      print(opts.json, stats, () => renderStats(stats));
    });
  });

vocab
  .command('show')
  .description('show one concept: terms, parents, children, cross-references')
  .argument('<name>', 'vocabulary name')
  .argument('<id>', 'concept id')
  .option('--json', 'print as JSON')
  .action(async (name: string, id: string, opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      const concept = store.concept(name, id);
      print(opts.json, concept, () => renderConcept(concept));
    });
  });

vocab
  .command('remove')
  .description('remove a vocabulary and everything in it')
  .argument('<name>', 'vocabulary name')
  .option('--json', 'print as JSON')
  .action(async (name: string, opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      store.vocabulary(name); // not found → exit 4
      store.removeVocabulary(name);
      print(opts.json, { removed: name }, () => `removed ${name}`);
    });
  });

const model = program.command('model').description('fetch, list and inspect transformer models (ONNX)').exitOverride();

model
  .command('fetch')
  .description('download a Hugging Face model (ONNX layout) into the model cache, verifying every file')
  .argument('<id>', 'hub id, e.g. Xenova/all-MiniLM-L6-v2')
  .addOption(new Option('--precision <p>', 'which ONNX file: fp32 (onnx/model.onnx) or int8 (onnx/model_quantized.onnx)').choices(PRECISIONS).default('fp32'))
  .option('--revision <rev>', 'branch, tag or commit', 'main')
  .option('--json', 'print the result as JSON')
  .action(async (id: string, opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    const result = await fetchModel(id, modelsDir(resolveDataDir(dataDir)), opts.precision as Precision, {
      revision: opts.revision as string,
      ...(opts.json ? {} : { progress: terminalProgress() }),
    });
    print(opts.json, result, () => renderModelFetch(result));
  });

model
  .command('list')
  .description('recommended models and what the model cache holds')
  .option('--json', 'print as JSON')
  .action(async (opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    const entries = await listModels(resolveDataDir(dataDir));
    print(opts.json, entries, () => renderModelList(entries));
  });

model
  .command('info')
  .description('load a model and show how normkit runs it: ONNX file, pooling, max length, prefixes, device, fingerprint')
  .argument('<model>', 'a model folder or a hub id (fetched into the cache unless --offline)')
  .addOption(new Option('--precision <p>', 'fp32 or int8 ONNX file').choices(PRECISIONS))
  .addOption(new Option('--pooling <mode>', "override the model's pooling").choices(POOLINGS))
  .option('--max-length <n>', 'truncate inputs to this many tokens', positiveInt)
  .addOption(new Option('--device <device>', 'cpu, cuda, or auto (CUDA when available, else CPU)').choices(DEVICES).default('cpu'))
  .option('--offline', 'never download; fail with the list of missing files instead')
  .option('--json', 'print as JSON')
  .action(async (ref: string, opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    const info = await modelInfo(ref, {
      dataDir: resolveDataDir(dataDir),
      device: opts.device as 'cpu' | 'cuda' | 'auto',
      ...(opts.offline ? { offline: true } : {}),
      ...(opts.precision ? { precision: opts.precision as Precision } : {}),
      ...(opts.pooling ? { pooling: opts.pooling as Pooling } : {}),
      ...(opts.maxLength ? { maxLength: opts.maxLength as number } : {}),
      ...(opts.json ? {} : { progress: terminalProgress() }),
    });
    print(opts.json, info, () => renderModelInfo(info));
  });

function hubnessOption(): Option {
  return new Option('--hubness <method>', "hubness correction, overriding the pipeline's: none, is, dis, dualis, dualdis").choices(HUBNESS_METHODS);
}

/** --preset / --pipeline, then --hubness over it. */
async function pipelineFrom(opts: Record<string, unknown>): Promise<PipelineConfig> {
  const base = opts['pipeline'] ? await loadPipeline(opts['pipeline'] as string) : preset((opts['preset'] as string | undefined) ?? DEFAULT_PRESET);
  return opts['hubness'] ? withMethod(base, opts['hubness'] as HubnessMethod) : base;
}

program
  .command('build')
  .description("build everything a pipeline needs for a vocabulary: lexical index, trained encoder, HNSW graph, hubness banks (unchanged parts are reused)")
  .requiredOption('--vocab <name>', 'an imported vocabulary')
  .addOption(new Option('--preset <name>', `named pipeline (${presetNames().join(', ')})`).default(DEFAULT_PRESET).conflicts('pipeline'))
  .option('--pipeline <file>', 'pipeline configuration JSON instead of a preset')
  .option('--json', 'print the result as JSON')
  .action(async (opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    const pipeline = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      const { name } = await resolveVocabulary(store, opts.vocab as string);
      const r = await buildCommand(store, name, pipeline, { dataDir: resolveDataDir(dataDir), ...(opts.json ? {} : { progress: terminalProgress() }) });
      print(opts.json, r, () => renderBuild(r));
    });
  });

program
  .command('link')
  .description('link a text, or every line of a file or stdin, to the concepts of a vocabulary: ranked concepts with the matched term')
  .argument('<vocabulary>', 'an imported vocabulary name (or a vocabulary file, imported once)')
  .argument('[text]', 'the text to link (or use --input)')
  .option('--input <file>', 'link every line: JSONL (*.jsonl, or --format jsonl) or plain text; "-" reads stdin')
  .option('--document <file>', 'link every mention of a document (found by the dictionary matcher; "-" reads stdin)')
  .option('--threshold <s>', 'with --document: the matcher\'s lowest window similarity (0–1)', probability, 0.95)
  .option('--output <file>', 'write one JSON result per line here (default: stdout), batch by batch')
  .option('--resume', 'keep the results already in --output and link only the inputs after them')
  .addOption(new Option('--format <format>', 'input format (default: jsonl for *.jsonl, else text)').choices(['jsonl', 'text']))
  .option('--field <name>', 'JSONL field holding the text', 'text')
  .option('--skip-invalid', 'skip bad input lines (reported) instead of stopping')
  .addOption(new Option('--preset <name>', `named pipeline (${presetNames().join(', ')})`).default(DEFAULT_PRESET).conflicts('pipeline'))
  .option('--pipeline <file>', 'pipeline configuration JSON instead of a preset')
  .addOption(hubnessOption())
  .option('--k <n>', 'how many concepts', positiveInt, 5)
  .option('--lang <code>', 'the text\'s language (picks the stemmer)')
  .option('--json', 'print the result as JSON')
  .action(async (vocabularyArg: string, text: string | undefined, opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    if ([text, opts.input, opts.document].filter((x) => x !== undefined).length !== 1) throw new UsageError('give one of: a text, --input FILE, --document FILE');
    const pipeline = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      const { name } = await resolveVocabulary(store, vocabularyArg);
      const linker = await Linker.build(store, name, pipeline, { cacheDir: join(resolveDataDir(dataDir), 'indexes'), dataDir: resolveDataDir(dataDir), ...(opts.json ? {} : { progress: terminalProgress() }) });
      try {
        if (opts.document !== undefined) {
          const doc = opts.document === '-' ? await readStdin() : readFileSync(opts.document as string, 'utf8');
          const r = await linkDocument(linker, doc, { k: opts.k as number, threshold: opts.threshold as number, ...(opts.lang ? { lang: opts.lang as string } : {}) });
          print(opts.json, r, () => renderDocument(r));
          return;
        }
        if (opts.input !== undefined) {
          const r = await linkFile(linker, opts.input as string, opts.output as string | undefined, {
            k: opts.k as number,
            field: opts.field as string,
            ...(opts.format ? { format: opts.format as 'jsonl' | 'text' } : {}),
            ...(opts.lang ? { lang: opts.lang as string } : {}),
            ...(opts.resume ? { resume: true } : {}),
            ...(opts.skipInvalid ? { skipInvalid: true } : {}),
            progress: terminalProgress(),
          });
          process.stderr.write(`linked ${r.written.toLocaleString('en-US')} texts in ${r.seconds.toFixed(1)} s${r.resumed ? ` (${r.resumed.toLocaleString('en-US')} already done)` : ''}${r.problems.length ? `; skipped ${r.problems.length} bad lines` : ''}\n`);
          for (const p of r.problems.slice(0, 10)) process.stderr.write(`  ${p.file}:${p.line}: ${p.message}\n`);
          return;
        }
        const r = await linker.link(text!, opts.k as number, opts.lang ? { lang: opts.lang as string } : {});
        print(opts.json, r, () => renderLink(r));
      } finally {
        await linker.close();
      }
    });
  });

program
  .command('eval')
  .description('evaluate a pipeline on a query set: Success@k, Recall@10, MRR, nDCG@10, MAP')
  .argument('<vocabulary>', 'a vocabulary file (imported once, cached by checksum) or an imported vocabulary name')
  .argument('<queries>', 'query JSONL: {"qid", "text", "gold": [ids]} per line')
  .addOption(new Option('--preset <name>', `named pipeline (${presetNames().join(', ')})`).default(DEFAULT_PRESET).conflicts('pipeline'))
  .option('--pipeline <file>', 'pipeline configuration JSON instead of a preset')
  .option('--k <n>', 'candidates retrieved per query (MRR and MAP are computed on them)', positiveInt, 10)
  .option('--errors <file>', 'write per-query analysis (JSONL): query, normalized form, gold, top 5, gold rank, rules fired')
  .addOption(hubnessOption())
  .option('--json', 'print one JSON object with the headline metrics')
  .action(async (vocabularyArg: string, queriesFile: string, opts, cmd: Command) => {
    const { dataDir } = cmd.optsWithGlobals<GlobalOptions>();
    const pipeline = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      const result = await runEval(store, vocabularyArg, queriesFile, {
        dataDir: resolveDataDir(dataDir),
        pipeline,
        k: opts.k as number,
        ...(opts.errors ? { errorsFile: opts.errors as string } : {}),
      });
      print(opts.json, result.summary, () => renderEval(result, pipeline.name));
    });
  });

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
  .option('--json', 'print the result as JSON')
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    await withStore(cmd, async (store) => {
      store.vocabulary(opts.vocab as string);
      const out = (opts.out as string | undefined) ?? join(dataDir, 'models', `normkit--${opts.vocab as string}`);
      const r = await trainVocabularyEncoder(store, opts.vocab as string, out, {
        dim: opts.dim as number,
        featurizer: { buckets: opts.buckets as number },
        epochs: opts.epochs as number,
        batchSize: opts.batchSize as number,
        learningRate: opts.lr as number,
        hardNegatives: opts.hardNegatives as number,
        seed: opts.seed as number,
        ...(opts.types ? { types: (opts.types as string).split(',').map((t) => t.trim()).filter(Boolean) } : {}),
        ...(opts.langs ? { langs: opts.langs as string[] } : {}),
        ...(opts.pairs ? { pairsFile: opts.pairs as string } : {}),
        ...(opts.json ? {} : { progress: terminalProgress() }),
      });
      print(opts.json, r, () => renderTraining(r));
    });
  });

const index = program.command('index').description('vector indexes (HNSW) over a vocabulary\'s terms, and hubness diagnostics and tuning').exitOverride();

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
  .option('--json', 'print the result as JSON')
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    await withStore(cmd, async (store) => {
      store.vocabulary(opts.vocab as string);
      const encoder = await encoderFor(store, opts.model as string, { dataDir, device: opts.device as 'cpu' | 'cuda' | 'auto', ...(opts.offline ? { offline: true } : {}) });
      try {
        const r = await buildVectorIndex(store, opts.vocab as string, encoder, {
          dataDir,
          params: { space: opts.space as 'cosine' | 'ip', m: opts.m as number, efConstruction: opts.efConstruction as number, ef: opts.ef as number },
          batchSize: opts.batchSize as number,
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
  .addOption(new Option('--preset <name>', `named pipeline (${presetNames().join(', ')})`).default(DEFAULT_PRESET).conflicts('pipeline'))
  .option('--pipeline <file>', 'pipeline configuration JSON instead of a preset')
  .addOption(hubnessOption())
  .option('--queries <file>', 'query JSONL to measure on (default: a seeded sample of vocabulary terms)')
  .option('--sample <n>', 'terms sampled as queries when no --queries is given', positiveInt, 2000)
  .option('--k <n>', 'the k of N_k', positiveInt, 10)
  .option('--top <n>', 'hubs listed', positiveInt, 10)
  .option('--json', 'print as JSON')
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    const pipeline = withMethod(await pipelineFrom(opts), undefined, 'dualdis');
    await withStore(cmd, async (store) => {
      store.vocabulary(opts.vocab as string);
      const d = await indexStats(store, opts.vocab as string, pipeline, {
        dataDir,
        k: opts.k as number,
        sample: opts.sample as number,
        top: opts.top as number,
        ...(opts.queries ? { queriesFile: opts.queries as string } : {}),
      });
      print(opts.json, d, () => renderIndexStats(d));
    });
  });

tuningCommand(index, 'tune-hubness', 'pick the hubness method, β values and bank size by Success@1 on dev queries; write them into a pipeline file', 'dev query JSONL with gold concepts (never the test split)')
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    const base = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      store.vocabulary(opts.vocab as string);
      const { result, pipeline } = await tuneHubnessCommand(store, opts.vocab as string, base, { dataDir, queriesFile: opts.queries as string });
      if (opts.out) writePipelineFile(opts.out as string, pipeline);
      print(opts.json, { chosen: result.chosen, perMethod: result.perMethod, trials: result.trials, pipeline }, () => renderTuning(result, opts.out as string | undefined));
    });
  });

program
  .command('map')
  .description('map every concept of a source vocabulary to a target vocabulary: a crosswalk TSV (top-k, scores, confidence, match type, ancestor fallback)')
  .requiredOption('--from <vocabulary>', 'the source vocabulary (imported)')
  .requiredOption('--to <vocabulary>', 'the target vocabulary (imported)')
  .requiredOption('--output <file>', 'the crosswalk TSV, written source concept by source concept')
  .addOption(new Option('--preset <name>', `named pipeline (${presetNames().join(', ')})`).default('map').conflicts('pipeline'))
  .option('--pipeline <file>', 'pipeline configuration instead of a preset (a calibrated one gives confidences and NIL fallbacks)')
  .option('--k <n>', 'target concepts per source concept', positiveInt, 3)
  .addOption(new Option('--context <context>', "append the source concept's parent labels to its label").choices(['none', 'parents']).default('none'))
  .option('--min-similarity <s>', 'fall back to the closest covering ancestor below this similarity of the best candidate (0–1)', probability)
  .option('--resume', 'keep the rows already in --output and map only the source concepts after them')
  .option('--json', 'print the summary as JSON')
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    const pipeline = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      const from = (await resolveVocabulary(store, opts.from as string)).name;
      const to = (await resolveVocabulary(store, opts.to as string)).name;
      const linker = await Linker.build(store, to, pipeline, { cacheDir: join(dataDir, 'indexes'), dataDir, ...(opts.json ? {} : { progress: terminalProgress() }) });
      try {
        const r = await mapVocabulary(store, from, to, linker, opts.output as string, {
          k: opts.k as number,
          context: opts.context as 'none' | 'parents',
          ...(opts.minSimilarity !== undefined ? { minSimilarity: opts.minSimilarity as number } : {}),
          ...(opts.resume ? { resume: true } : {}),
          ...(opts.json ? {} : { progress: terminalProgress() }),
        });
        print(opts.json, r, () =>
          [
            `${from} → ${to}: ${r.mapped.toLocaleString('en-US')} source concepts mapped in ${r.seconds.toFixed(1)} s${r.resumed ? ` (${r.resumed.toLocaleString('en-US')} already done)` : ''} → ${opts.output as string}`,
            `  best match: ${Object.entries(r.byMatch).map(([m, n]) => `${m} ${n}`).join(', ')}`,
          ].join('\n'),
        );
      } finally {
        await linker.close();
      }
    });
  });

tuningCommand(program, 'train-reranker', 'learn the pairwise reranker (no model download) on labeled queries; write it into a pipeline file', 'labeled query JSONL: a training or dev split (never the test split)')
  .option('--top <n>', 'candidates per query the reranker re-scores', positiveInt, 20)
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    const base = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      const { name } = await resolveVocabulary(store, opts.vocab as string);
      const { training, pipeline } = await trainRerankerCommand(store, name, base, {
        dataDir,
        queriesFile: opts.queries as string,
        top: opts.top as number,
        ...(opts.json ? {} : { progress: terminalProgress() }),
      });
      if (opts.out) writePipelineFile(opts.out as string, pipeline);
      print(opts.json, { queries: training.queries, trainSuccessAt1: training.trainSuccessAt1, model: training.model, pipeline }, () =>
        [
          `trained on ${training.queries} queries whose gold is in the top ${opts.top as number}: Success@1 on them ${training.trainSuccessAt1.before.toFixed(4)} → ${training.trainSuccessAt1.after.toFixed(4)}`,
          ...training.model.features.map((f, j) => `  ${f.padEnd(12)} ${training.model.weights[j]!.toFixed(3)}`),
          opts.out ? `pipeline written to ${opts.out as string} (run normkit calibrate on it for confidences)` : 'add --out FILE to write the pipeline',
        ].join('\n'),
      );
    });
  });

tuningCommand(program, 'calibrate', 'fit the confidence of every candidate and the NIL threshold on dev queries; write them into a pipeline file', 'dev query JSONL with gold concepts, NIL queries with an empty gold list (never the test split)')
  .option('--min-precision <p>', 'without NIL queries: the lowest NIL threshold whose answers reach this precision (0–1)', probability)
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    const base = await pipelineFrom(opts);
    await withStore(cmd, async (store) => {
      const { name } = await resolveVocabulary(store, opts.vocab as string);
      const { calibration, pipeline } = await calibrateCommand(store, name, base, {
        dataDir,
        queriesFile: opts.queries as string,
        ...(opts.minPrecision !== undefined ? { minPrecision: opts.minPrecision as number } : {}),
        ...(opts.json ? {} : { progress: terminalProgress() }),
      });
      if (opts.out) writePipelineFile(opts.out as string, pipeline);
      print(opts.json, { ...calibration, pipeline }, () => renderCalibration(calibration, opts.out as string | undefined));
    });
  });

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
  .option('--json', 'print the result as JSON')
  .action(async (text: string | undefined, opts) => {
    const pack = loadPack(opts.pack as string);
    if (opts.input) {
      if (text !== undefined) throw new UsageError('give either a text or --input, not both');
      const r = await normalizeFile(opts.input as string, opts.output as string | undefined, {
        pack,
        field: opts.field as string,
        explain: Boolean(opts.explain),
        skipInvalid: Boolean(opts.skipInvalid),
        ...(opts.output ? { progress: terminalProgress() } : {}),
      });
      if (opts.output) {
        const summary = { lines: r.lines, written: r.written, skipped: r.problems.length, seconds: r.seconds, output: opts.output as string };
        print(opts.json, summary, () => `normalized ${r.written} of ${r.lines} lines in ${r.seconds.toFixed(1)} s → ${opts.output as string}${r.problems.length ? ` (${r.problems.length} bad lines skipped)` : ''}`);
      }
      return;
    }
    if (text === undefined) throw new UsageError('give a text to normalize, or --input FILE');
    const r = normalize(text, pack);
    print(opts.json, resultRecord(r, Boolean(opts.explain)), () => renderNormalize(r, Boolean(opts.explain)));
  });

program
  .command('demo')
  .description('import the built-in demo vocabularies and normalize a few raw job titles and medical terms')
  .option('--json', 'print the results as JSON')
  .action(async (opts, cmd: Command) => {
    await withStore(cmd, async (store) => {
      const result = await runDemo(store, { cacheDir: join(resolveDataDir(program.opts().dataDir as string | undefined), 'indexes'), ...(opts.json ? {} : { progress: terminalProgress() }) });
      print(opts.json, result.rows, () => result.render());
    });
  });

program
  .command('serve')
  .description('run the HTTP API (docs at /docs, OpenAPI at /openapi.json); with no settings it serves the demo vocabularies, building what is missing first')
  .option('--config <file>', 'settings file (YAML or JSON; docs/api.md lists the settings)')
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .option('--port <n>', 'port (default 8080; 0 picks a free one)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
    return n;
  })
  .option('--workers <n>', 'search worker threads (default: the number of cores)', positiveInt)
  .option('--vocab <name=preset...>', 'serve these vocabularies with these presets (e.g. esco=jobs mesh=medical)')
  .option('--require-api-key', 'require an API key on every /v1 route (admin routes always need an admin key)')
  .option('--read-only', 'a replica on a shared data dir built by another instance: load its indexes, never build, refuse admin changes')
  .action(async (opts, cmd: Command) => {
    const dataDir = resolveDataDir(cmd.optsWithGlobals<GlobalOptions>().dataDir);
    const vocabularies = (opts.vocab as string[] | undefined)?.map((v) => {
      const [name, p] = v.split('=');
      if (!name || !p) throw new UsageError(`--vocab ${v}: give name=preset (presets: ${presetNames().join(', ')})`);
      return { name, preset: p };
    });
    const config = loadServeConfig({
      file: opts.config as string | undefined,
      env: process.env,
      flags: {
        ...(opts.host ? { host: opts.host as string } : {}),
        ...(opts.port !== undefined ? { port: opts.port as number } : {}),
        ...(opts.workers ? { workers: opts.workers as number } : {}),
        ...(vocabularies ? { vocabularies } : {}),
        ...(opts.requireApiKey ? { auth: { required: true } } : {}),
        ...(opts.readOnly ? { readOnly: true } : {}),
      },
    });
    const server = await startServer(config, dataDir);
    process.stderr.write(`normkit: serving on ${server.url} (docs: ${server.url}/docs); data dir ${dataDir}\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        server.app.log.info({ signal }, 'shutting down: draining requests');
        void server.stop().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  });

const apikey = program.command('apikey').description('API keys for normkit serve (stored hashed in the store)').exitOverride();

apikey
  .command('create')
  .description('create a key and print it (it is shown once)')
  .requiredOption('--name <name>', 'who or what uses it')
  .option('--admin', 'allow the admin routes (import, rebuild, synonyms, rules, jobs)')
  .option('--json', 'print as JSON')
  .action(async (opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      const { key, info } = createApiKey(new ServerState(store), opts.name as string, opts.admin ? 'admin' : 'read');
      print(opts.json, { key, ...info }, () => `${key}\n(${info.scope} key "${info.name}", id ${info.id}: store it now, it is not shown again)`);
    });
  });

apikey
  .command('list')
  .description('list keys (prefix, scope, created, revoked)')
  .option('--json', 'print as JSON')
  .action(async (opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      const keys = new ServerState(store).listApiKeys();
      print(opts.json, keys, () => (keys.length ? renderTable(['id', 'name', 'prefix', 'scope', 'created', 'revoked'], keys.map((k) => [String(k.id), k.name, `${k.prefix}…`, k.scope, k.createdAt, k.revokedAt ?? ''])) : 'no API keys (normkit apikey create --name NAME)'));
    });
  });

apikey
  .command('revoke')
  .description('revoke a key by id or name (takes effect at once, also on a running server)')
  .argument('<key>', 'the key\'s id or name')
  .action(async (idOrName: string, _opts, cmd: Command) => {
    await withStore(cmd, (store) => {
      const n = new ServerState(store).revokeApiKey(idOrName);
      if (n === 0) throw new NotFoundError(`no live API key with id or name "${idOrName}"`);
      process.stdout.write(`revoked ${n} key${n === 1 ? '' : 's'}\n`);
    });
  });

for (const c of [...program.commands, ...vocab.commands, ...model.commands, ...index.commands, ...apikey.commands]) c.exitOverride();

// `normkit … | head` closes stdout early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.ok);
  throw err;
});

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
      if (err.code === 'commander.help' && err.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage; // commander already printed the message (or the help, for a missing subcommand)
    }
    if (err instanceof NormkitError) {
      process.stderr.write(`normkit: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`normkit: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.internal;
  }
}

process.exitCode = await main();
