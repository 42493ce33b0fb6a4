/**
 * Service: what `normkit serve` runs behind its routes. It keeps the served vocabularies
 * (preset, index generation, state), the linker pool that answers searches, and the
 * background jobs that import vocabularies and rebuild indexes, then swap them in.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { insideRoots } from '../io/roots.js';
import { storePath } from '../core/data-dir.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { DEMO_VOCABULARIES, ensureDemoVocabularies } from '../modes/demo.js';
import { loadPack } from '../normalize/pack.js';
import { preset, unknownPreset } from '../pipeline/presets.js';
import { VocabStore } from '../store/store.js';
import type { BuildTask } from './build-worker.js';
import { HttpError } from './http-error.js';
import { Jobs } from './jobs.js';
import type { Operation, OperationName, ResultOf } from './operations.js';
import { LinkerPool, type LinkerSpec, type PoolWorkerData } from './pool.js';
import type { Job, ServedState } from './schemas.js';
import { ServerState } from './state.js';
import { writeAtomic } from '../io/atomic.js';

export interface ServedVocabulary {
  name: string;
  preset: string;
}

export interface ServiceOptions {
  /** The data dir: the store (normkit.db), the index cache (indexes/), custom rule packs (rules/). */
  dataDir: string;
  /** Vocabularies to serve, each with its preset. Default: the built-in demo vocabularies. */
  vocabularies?: readonly ServedVocabulary[];
  /** Pool workers. Default: the machine's cores. */
  workers?: number;
  /** Longest an operation may run on a worker before the worker is replaced (LinkerPool). */
  deadlineMs?: number;
  /**
   * A replica on a shared, read-only data dir: the store is opened read-only, indexes are
   * loaded from the cache and never built, and the admin routes are refused.
   */
  readOnly?: boolean;
  /** Folders an admin import's `path` and a rule pack's `extends` may name files in; empty or absent: the data dir only. */
  importRoots?: readonly string[];
  log?: (level: 'info' | 'error', message: string, fields: Record<string, unknown>) => void;
}

interface Served extends ServedVocabulary {
  generation: number;
  key: string | undefined;
  state: ServedState['state'];
  loadedAt: string | null;
  error?: string;
  concepts: number;
  terms: number;
}

export class Service {
  readonly store: VocabStore;
  /** API keys, custom synonyms and rules, in the store's file. */
  readonly state: ServerState;
  readonly jobs: Jobs;
  private readonly served = new Map<string, Served>();
  private closing = false;

  private constructor(
    readonly dataDir: string,
    private readonly pool: LinkerPool,
    private readonly log: NonNullable<ServiceOptions['log']>,
    readonly readOnly: boolean,
    readonly importRoots: readonly string[],
  ) {
    this.store = VocabStore.open(storePath(dataDir), { readonly: readOnly });
    this.state = new ServerState(this.store);
    this.jobs = new Jobs(workerDataFor(dataDir), log);
  }

  /**
   * Opens the store, imports the demo vocabularies when they are served and missing, starts
   * the pool, and starts loading every served vocabulary (building what is missing) in the
   * background: `ready` tells when all are in service.
   */
  static async start(options: ServiceOptions): Promise<Service> {
    const log = options.log ?? (() => {});
    mkdirSync(options.dataDir, { recursive: true });
    // The store is created and migrated before the workers open it read-only.
    const readOnly = options.readOnly ?? false;
    const bootstrap = VocabStore.open(storePath(options.dataDir), { readonly: readOnly });
    const vocabularies = options.vocabularies ?? DEMO_SERVED;
    try {
      for (const v of vocabularies) {
        const unknown = unknownPreset(v.preset);
        if (unknown) throw new UsageError(`vocabulary "${v.name}": ${unknown}`);
      }
      if (!readOnly && vocabularies.some((v) => DEMO_SERVED.some((d) => d.name === v.name))) {
        const imported = await ensureDemoVocabularies(bootstrap);
        if (imported.length) log('info', 'imported the demo vocabularies', { imported });
      }
      for (const v of vocabularies) if (!bootstrap.hasVocabulary(v.name)) throw new NotFoundError(`vocabulary "${v.name}" is not imported into ${bootstrap.path} (normkit vocab import)`);
    } finally {
      bootstrap.close();
    }
    const pool = await LinkerPool.start(workerDataFor(options.dataDir), { ...(options.workers ? { size: options.workers } : {}), ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}), onError: (detail) => log('error', 'worker error', { detail }) });
    const roots = options.importRoots?.length ? options.importRoots.map((r) => resolve(r)) : [resolve(options.dataDir)];
    const service = new Service(options.dataDir, pool, log, readOnly, roots);
    for (const v of vocabularies) {
      service.served.set(v.name, { ...v, generation: 0, key: undefined, state: 'loading', loadedAt: null, concepts: 0, terms: 0 });
      if (readOnly) service.jobs.start('rebuild', v.name, 'startup (read-only: load the built indexes)', (job) => service.swapIn(job, v.name, false));
      else service.rebuild(v.name, 'startup');
    }
    return service;
  }

  /** True once every served vocabulary has an index in service. */
  get ready(): boolean {
    return this.served.size > 0 && [...this.served.values()].every((s) => s.key !== undefined);
  }

  /** Resolves when every served vocabulary is in service; rejects when one failed to load. */
  async whenReady(): Promise<void> {
    for (;;) {
      if (this.ready) return;
      const failed = [...this.served.values()].find((s) => s.state === 'failed');
      if (failed) throw new Error(`vocabulary "${failed.name}" failed to load: ${failed.error ?? ''}`);
      const pending = [...this.served.keys()].map((name) => this.jobs.activeFor(name)).filter((j) => j !== undefined);
      if (!pending.length) throw new Error('no job is loading the vocabularies that are not in service');
      await Promise.race(pending.map((j) => this.jobs.wait(j.id, 60_000)));
    }
  }

  /** False while a worker that missed its deadline is being replaced. */
  get workersHealthy(): boolean {
    return this.pool.healthy;
  }

  get poolQueued(): number {
    return this.pool.queued;
  }

  servedState(name: string): ServedState | null {
    const s = this.served.get(name);
    if (!s) return null;
    return {
      preset: s.preset,
      state: s.state,
      generation: s.generation,
      loadedAt: s.loadedAt,
      customSynonyms: this.state.customTerms(name).length,
      customRules: this.state.customRules(name) !== undefined,
      ...(s.error ? { error: s.error } : {}),
    };
  }

  servedSizes(): Array<{ vocabulary: string; concepts: number; terms: number; generation: number }> {
    return [...this.served.values()].filter((s) => s.key).map((s) => ({ vocabulary: s.name, concepts: s.concepts, terms: s.terms, generation: s.generation }));
  }

  /** The served vocabulary a request names, or the first served with `preferred` preset (then any). */
  resolve(name: string | undefined, preferred: string): string {
    if (name !== undefined) {
      if (!this.served.has(name)) throw new HttpError(404, 'not_found', `vocabulary "${name}" is not served (GET /v1/vocabularies lists them)`, 'vocabulary');
      return name;
    }
    const all = [...this.served.values()];
    const pick = all.find((s) => s.preset === preferred) ?? all[0];
    if (!pick) throw new HttpError(400, 'bad_request', 'no vocabulary is served', 'vocabulary');
    return pick.name;
  }

  /** Runs an operation on a vocabulary's linker in the pool; its result is typed by the operation. */
  run<N extends OperationName>(vocabulary: string, operation: Operation<N>): Promise<ResultOf<N>> {
    const s = this.served.get(vocabulary)!;
    if (this.closing) throw new HttpError(503, 'unavailable', 'the server is shutting down');
    if (!s.key) throw new HttpError(503, 'not_ready', `vocabulary "${vocabulary}" is still ${s.state === 'failed' ? `failing to load: ${s.error ?? ''}` : 'loading'}; GET /readyz tells when it is in service`);
    return this.pool.run(s.key, operation);
  }

  /** What a pool worker needs to build a vocabulary's linker at a generation. */
  private specFor(s: Served, generation: number): LinkerSpec {
    let pipeline = preset(s.preset);
    const rules = this.state.customRules(s.name);
    if (rules !== undefined) pipeline = { ...pipeline, normalize: { ...pipeline.normalize, pack: this.rulesFile(s.name, rules) } };
    const extraTerms = this.state.customTerms(s.name);
    return { key: `${s.name}#${generation}`, vocabulary: s.name, pipeline, extraTerms };
  }

  /** A custom rule pack's file (content-addressed under rules/), written once. */
  private rulesFile(vocabulary: string, pack: string): string {
    const dir = join(this.dataDir, 'rules');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${vocabulary}-${createHash('sha256').update(pack).digest('hex').slice(0, 16)}.yaml`);
    if (!existsSync(file)) writeAtomic(file, pack);
    return file;
  }

  /** Builds a vocabulary's indexes on a job thread (unless `build` is false), loads them on every pool worker, then swaps them in. */
  private async swapIn(job: Job, name: string, build = true): Promise<number> {
    const s = this.served.get(name)!;
    const generation = s.generation + 1;
    const spec = this.specFor(s, generation);
    try {
      if (build) await this.jobs.runTask(job, { type: 'build', spec });
      job.progress = { phase: 'loading the indexes on the pool workers', done: 0, total: this.pool.size };
      const size = await this.pool.load(spec);
      if (this.closing) throw new Error('the server is shutting down');
      const old = s.key;
      Object.assign(s, { key: spec.key, generation, state: 'ready', loadedAt: new Date().toISOString(), concepts: size.concepts, terms: size.terms });
      delete s.error;
      if (old) this.pool.drop(old);
      this.log('info', 'index in service', { vocabulary: name, generation, concepts: size.concepts, terms: size.terms });
      return generation;
    } catch (err) {
      this.pool.drop(spec.key);
      if (!s.key) {
        s.state = 'failed';
        s.error = err instanceof Error ? err.message : String(err);
      }
      throw err;
    }
  }

  /** Refuses admin changes on a read-only replica. */
  private writable(): void {
    if (this.readOnly) throw new HttpError(403, 'forbidden', 'this server is a read-only replica (--read-only): send admin requests to the instance that owns the data dir');
  }

  /** Rebuilds a served vocabulary's indexes in the background (409 while another job of it runs). */
  rebuild(name: string, reason = 'requested'): Job {
    this.writable();
    if (!this.served.has(name)) throw new HttpError(404, 'not_found', `vocabulary "${name}" is not served`, 'vocabulary');
    return this.jobs.start('rebuild', name, reason, (job) => this.swapIn(job, name));
  }

  /** Imports (or refreshes) a vocabulary, then serves it with its preset (new: `preset`, default lexical). */
  importVocabulary(name: string, source: Omit<Extract<BuildTask, { type: 'import' }>, 'type' | 'vocabulary'>, presetName?: string): Job {
    this.writable();
    const unknown = presetName === undefined ? undefined : unknownPreset(presetName);
    if (unknown) throw new HttpError(400, 'bad_request', unknown, 'preset');
    if (source.path !== undefined && !insideRoots(source.path, this.importRoots)) {
      throw new HttpError(403, 'forbidden', `path: the server imports only files under its import roots (importRoots: ${this.importRoots.join(', ')})`, 'path');
    }
    return this.jobs.start('import', name, 'import', async (job) => {
      await this.jobs.runTask(job, { type: 'import', vocabulary: name, ...source });
      const s = this.served.get(name);
      if (!s) this.served.set(name, { name, preset: presetName ?? 'lexical', generation: 0, key: undefined, state: 'loading', loadedAt: null, concepts: 0, terms: 0 });
      else if (presetName) s.preset = presetName;
      return this.swapIn(job, name);
    });
  }

  /** Adds custom synonyms (concepts must exist), then rebuilds in the background. */
  addSynonyms(name: string, synonyms: ReadonlyArray<{ conceptId: string; text: string; lang: string }>): { added: number; job: Job } {
    this.writable();
    if (!this.served.has(name)) throw new HttpError(404, 'not_found', `vocabulary "${name}" is not served`, 'vocabulary');
    const busy = this.jobs.activeFor(name);
    if (busy) throw new HttpError(409, 'conflict', `job ${busy.id} (${busy.type}) is running for "${name}"; add the synonyms when it has finished`);
    synonyms.forEach((syn, i) => {
      try {
        this.store.concept(name, syn.conceptId);
      } catch {
        throw new HttpError(400, 'bad_request', `synonyms.${i}.conceptId: no concept "${syn.conceptId}" in "${name}"`, `synonyms.${i}.conceptId`);
      }
    });
    const added = this.state.addCustomTerms(name, synonyms);
    return { added, job: this.rebuild(name, `${added} custom synonym(s) added`) };
  }

  /** Sets (or with null removes) a vocabulary's custom rule pack after validating it, then rebuilds. */
  setRules(name: string, pack: string | null): Job {
    this.writable();
    if (!this.served.has(name)) throw new HttpError(404, 'not_found', `vocabulary "${name}" is not served`, 'vocabulary');
    const busy = this.jobs.activeFor(name);
    if (busy) throw new HttpError(409, 'conflict', `job ${busy.id} (${busy.type}) is running for "${name}"; change the rules when it has finished`);
    if (pack !== null) {
      const file = this.rulesFile(name, pack);
      try {
        loadPack(file, { roots: this.importRoots });
      } catch (err) {
        rmSync(file, { force: true });
        const message = err instanceof Error ? err.message.replaceAll(file, 'pack') : String(err);
        throw new HttpError(400, 'bad_request', `the rule pack is not valid: ${message}`, 'pack');
      }
    }
    this.state.setCustomRules(name, pack);
    return this.rebuild(name, pack === null ? 'custom rules removed' : 'custom rules set');
  }

  /** Stops the jobs and the pool (the HTTP server has drained its requests first). */
  async close(): Promise<void> {
    this.closing = true;
    await this.pool.drain();
    await this.jobs.close();
    await this.pool.close();
    this.store.close();
  }
}

/** Where the workers find the store, the index cache and the data dir. */
function workerDataFor(dataDir: string): PoolWorkerData {
  return { storePath: storePath(dataDir), cacheDir: join(dataDir, 'indexes'), dataDir };
}

/** What `normkit serve` serves by default: the demo vocabularies with their presets. */
export const DEMO_SERVED: readonly ServedVocabulary[] = DEMO_VOCABULARIES.map((v) => ({ name: v.name, preset: v.preset }));
