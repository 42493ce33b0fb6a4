/** How commands write their results: one JSON document with --json, else the human rendering. */
import { writeAtomic } from '../io/atomic.js';
import type { PipelineConfig } from '../pipeline/config.js';

/** Prints `value` in JSON when `json` is set, else `human()` (rendered only when needed). */
export function print(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Writes a pipeline configuration atomically (a temporary file, then a rename). */
export function writePipelineFile(out: string, pipeline: PipelineConfig): void {
  writeAtomic(out, `${JSON.stringify(pipeline, null, 2)}\n`);
}
