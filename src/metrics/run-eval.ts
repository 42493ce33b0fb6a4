/**
 * `normkit eval <vocabulary> <queries.jsonl>`: the evaluation of one pipeline on one query set.
 *
 * `<vocabulary>` is a file (imported once into the store under a name derived from its
 * checksum, and reused while the file is unchanged) or the name of an imported vocabulary.
 * Built indexes are cached under `<data dir>/indexes`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineConfig } from '../pipeline/config.js';
import { Linker } from '../pipeline/linker.js';
import { readQueries } from '../io/queries.js';
import type { VocabStore } from '../store/store.js';
import { resolveVocabulary } from '../vocab/resolve.js';
import { errorRecord, evaluateLinker, type EvaluationReport } from './evaluate.js';

export interface EvalCommandOptions {
  dataDir: string;
  pipeline: PipelineConfig;
  /** Candidates per query. Default 10. */
  k?: number;
  /** Write the per-query analysis (JSONL) here. */
  errorsFile?: string;
}

export interface EvalCommandResult {
  vocabulary: string;
  importedNow: boolean;
  report: EvaluationReport;
  /** The JSON `--json` prints: exactly these keys. */
  summary: {
    n: number;
    'success@1': number;
    'success@5': number;
    'success@10': number;
    'recall@10': number;
    mrr: number;
    'ndcg@10': number;
    map: number;
    /** Skewness of the N_10 distribution of the results (hubness; lower is more balanced). */
    n10_skewness: number;
    queries_per_second: number;
    index_build_seconds: number;
    /** Expected calibration error of the top-1 confidence (pipelines with a decision stage only). */
    ece?: number;
  };
}

export async function runEval(store: VocabStore, vocabularyArg: string, queriesFile: string, options: EvalCommandOptions): Promise<EvalCommandResult> {
  const { name, importedNow } = await resolveVocabulary(store, vocabularyArg);
  const { queries } = await readQueries(queriesFile);
  const linker = await Linker.build(store, name, options.pipeline, { cacheDir: join(options.dataDir, 'indexes') });
  const report = await evaluateLinker(linker, queries, { depth: options.k ?? 10 });
  if (options.errorsFile) {
    const names = new Map<string, string | undefined>();
    const nameOf = (id: string): string | undefined => {
      if (!names.has(id)) {
        try {
          names.set(id, store.concept(name, id).name);
        } catch {
          names.set(id, undefined);
        }
      }
      return names.get(id);
    };
    await writeFile(options.errorsFile, report.outcomes.map((o) => JSON.stringify(errorRecord(o, nameOf))).join('\n') + '\n');
  }
  const m = report.metrics;
  return {
    vocabulary: name,
    importedNow,
    report,
    summary: {
      n: report.n,
      'success@1': m['success@1']!,
      'success@5': m['success@5']!,
      'success@10': m['success@10']!,
      'recall@10': m['recall@10']!,
      mrr: m['mrr']!,
      'ndcg@10': m['ndcg@10']!,
      map: m['map']!,
      n10_skewness: report.hubness.skewness,
      queries_per_second: report.queriesPerSecond,
      index_build_seconds: report.indexBuildSeconds,
      ...(report.calibration ? { ece: report.calibration.ece } : {}),
    },
  };
}
