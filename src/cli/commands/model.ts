/** `normkit model …`: fetch, list and inspect the transformer models (ONNX) of the model cache. */
import { Option } from '@commander-js/extra-typings';
import { terminalProgress } from '../../core/progress.js';
import { listModels, modelInfo } from '../../encoders/models/catalog.js';
import { fetchModel } from '../../encoders/models/hub.js';
import { modelsDir } from '../../encoders/models/resolve.js';
import { POOLINGS, PRECISIONS } from '../../encoders/onnx/layout.js';
import { DEVICES } from '../../encoders/onnx/runtime.js';
import { dataDirOf, jsonOption, positiveInt, type Program } from '../options.js';
import { print } from '../output.js';
import { renderModelFetch, renderModelInfo, renderModelList } from '../render/model.js';

export function addModelCommands(program: Program): void {
  const model = program.command('model').description('fetch, list and inspect transformer models (ONNX)').exitOverride();

  model
    .command('fetch')
    .description('download a Hugging Face model (ONNX layout) into the model cache, verifying every file')
    .argument('<id>', 'hub id, e.g. Xenova/all-MiniLM-L6-v2')
    .addOption(new Option('--precision <p>', 'which ONNX file: fp32 (onnx/model.onnx) or int8 (onnx/model_quantized.onnx)').choices(PRECISIONS).default('fp32'))
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .addOption(jsonOption('print the result as JSON'))
    .action(async (id, opts, cmd) => {
      const result = await fetchModel(id, modelsDir(dataDirOf(cmd)), opts.precision, {
        revision: opts.revision,
        ...(opts.json ? {} : { progress: terminalProgress() }),
      });
      print(opts.json, result, () => renderModelFetch(result));
    });

  model
    .command('list')
    .description('recommended models and what the model cache holds')
    .addOption(jsonOption())
    .action(async (opts, cmd) => {
      const entries = await listModels(dataDirOf(cmd));
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
    .addOption(jsonOption())
    .action(async (ref, opts, cmd) => {
      const info = await modelInfo(ref, {
        dataDir: dataDirOf(cmd),
        device: opts.device,
        ...(opts.offline ? { offline: true } : {}),
        ...(opts.precision ? { precision: opts.precision } : {}),
        ...(opts.pooling ? { pooling: opts.pooling } : {}),
        ...(opts.maxLength ? { maxLength: opts.maxLength } : {}),
        ...(opts.json ? {} : { progress: terminalProgress() }),
      });
      print(opts.json, info, () => renderModelInfo(info));
    });
}
