/**
 * Starts a worker thread from a module beside the caller: the compiled .js, or, when running
 * from the TypeScript sources (tests, `tsx`), the .ts source after registering tsx's loader
 * in the worker.
 */
import { Worker } from 'node:worker_threads';

/** `name` is the module's file name without extension, resolved against `from` (the caller's import.meta.url). */
export function startWorker(from: string, name: string, workerData: unknown): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), { workerData });
  const src = new URL(`./${name}.ts`, from).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(src)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
