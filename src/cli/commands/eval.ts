/** `normkit eval`: scores a pipeline on a query set (Success@k, Recall@10, MRR, nDCG@10, MAP). */
import { runEval } from '../../metrics/run-eval.js';
import { dataDirOf, hubnessOption, jsonOption, kOption, pipelineFrom, pipelineOption, presetOption, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderEval } from '../render/eval.js';

export function addEvalCommand(program: Program): void {
  program
    .command('eval')
    .description('evaluate a pipeline on a query set: Success@k, Recall@10, MRR, nDCG@10, MAP')
    .argument('<vocabulary>', 'a vocabulary file (imported once, cached by checksum) or an imported vocabulary name')
    .argument('<queries>', 'query JSONL: {"qid", "text", "gold": [ids]} per line')
    .addOption(presetOption())
    .addOption(pipelineOption())
    .addOption(kOption('candidates retrieved per query (MRR and MAP are computed on them)', 10))
    .option('--errors <file>', 'write per-query analysis (JSONL): query, normalized form, gold, top 5, gold rank, rules fired')
    .addOption(hubnessOption())
    .addOption(jsonOption('print one JSON object with the headline metrics'))
    .action(async (vocabularyArg, queriesFile, opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      const pipeline = await pipelineFrom(opts);
      await withStore(cmd, async (store) => {
        const result = await runEval(store, vocabularyArg, queriesFile, {
          dataDir,
          pipeline,
          k: opts.k,
          ...(opts.errors ? { errorsFile: opts.errors } : {}),
        });
        print(opts.json, result.summary, () => renderEval(result, pipeline.name));
      }, { read: true });
    });
}
