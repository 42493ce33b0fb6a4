/**
 * Starts a worker thread from a module beside the caller: the compiled .js, or, when running
 * from the TypeScript sources (tests, `tsx`), the .ts source after registering tsx's loader
 * in the worker.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** `name` is the module's file name without extension, resolved against `from` (the caller's import.meta.url). */
export function startWorker(from: string, name: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const options = { workerData, ...(resourceLimits ? { resourceLimits } : {}) };
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const src = new URL(`./${name}.ts`, from).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(src)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
