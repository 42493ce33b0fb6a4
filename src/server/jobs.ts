/**
 * Background jobs (imports and index rebuilds): at most one per vocabulary at a time, each
 * run on its own worker thread. Jobs live in memory: a restarted server starts with none
 * (an interrupted import left nothing behind; the store commits it in one transaction).
 */
import { randomUUID } from 'node:crypto';
import { startWorker } from '../core/worker-start.js';
import type { BuildMessage, BuildTask } from './build-worker.js';
import { fromWire, HttpError } from './http-error.js';
import type { PoolWorkerData } from './pool.js';
import type { Job } from './schemas.js';

export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly active = new Map<string, string>();
  private readonly threads = new Set<{ terminate(): Promise<number> }>();
  private readonly waiting = new Map<string, Array<(job: Job) => void>>();

  constructor(
    private readonly data: PoolWorkerData,
    private readonly log: (level: 'info' | 'error', message: string, fields: Record<string, unknown>) => void,
  ) {}

  get(id: string): Job {
    const j = this.jobs.get(id);
    if (!j) throw new HttpError(404, 'not_found', `no job "${id}"`);
    return j;
  }

  list(): Job[] {
    return [...this.jobs.values()].reverse();
  }

  /** The running or queued job of a vocabulary. */
  activeFor(vocabulary: string): Job | undefined {
    const id = this.active.get(vocabulary);
    return id ? this.jobs.get(id) : undefined;
  }

  /**
   * Starts a job, or refuses (409) while another job of the same vocabulary runs. `run`
   * gets the job to report into; its returned generation is recorded.
   */
  start(type: Job['type'], vocabulary: string, reason: string, run: (job: Job) => Promise<number | undefined>): Job {
    const busy = this.activeFor(vocabulary);
    if (busy) throw new HttpError(409, 'conflict', `job ${busy.id} (${busy.type}, ${busy.state}) is already running for "${vocabulary}"; poll GET /v1/admin/jobs/${busy.id}`);
    const job: Job = { id: randomUUID(), type, vocabulary, state: 'running', reason, createdAt: new Date().toISOString(), startedAt: new Date().toISOString(), finishedAt: null };
    this.jobs.set(job.id, job);
    this.active.set(vocabulary, job.id);
    this.log('info', 'job started', { job: job.id, type, vocabulary, reason });
    void run(job).then(
      (generation) => {
        job.state = 'succeeded';
        if (generation !== undefined) job.generation = generation;
        this.finish(job);
      },
      (err: unknown) => {
        job.state = 'failed';
        job.error = err instanceof Error ? err.message : String(err);
        this.finish(job);
      },
    );
    return job;
  }

  /** Resolves with the job once it has finished, or as it is after `timeoutMs`. */
  wait(id: string, timeoutMs: number): Promise<Job> {
    const job = this.get(id);
    if (job.finishedAt !== null || timeoutMs <= 0) return Promise.resolve(job);
    return new Promise((resolve) => {
      const done = (j: Job): void => {
        clearTimeout(timer);
        resolve(j);
      };
      const timer = setTimeout(() => {
        const list = this.waiting.get(id) ?? [];
        const at = list.indexOf(done);
        if (at >= 0) list.splice(at, 1);
        resolve(job);
      }, timeoutMs);
      const list = this.waiting.get(id) ?? [];
      list.push(done);
      this.waiting.set(id, list);
    });
  }

  private finish(job: Job): void {
    job.finishedAt = new Date().toISOString();
    delete job.progress;
    this.active.delete(job.vocabulary);
    for (const f of this.waiting.get(job.id) ?? []) f(job);
    this.waiting.delete(job.id);
    this.log(job.state === 'failed' ? 'error' : 'info', `job ${job.state}`, { job: job.id, type: job.type, vocabulary: job.vocabulary, ...(job.error ? { error: job.error } : {}) });
  }

  /** Runs a build task on a new worker thread, reporting its progress into the job. */
  runTask(job: Job, task: BuildTask): Promise<{ concepts: number; terms: number }> {
    const w = startWorker(import.meta.url, 'build-worker', { ...this.data, task });
    this.threads.add(w);
    return new Promise((resolve, reject) => {
      let settled = false;
      w.on('message', (m: BuildMessage) => {
        if ('progress' in m) job.progress = { ...m.progress };
        else if ('done' in m) {
          settled = true;
          resolve(m.done);
        } else {
          settled = true;
          if (m.detail && m.error.status >= 500) this.log('error', 'job task failed', { job: job.id, detail: m.detail });
          reject(fromWire(m.error));
        }
      });
      w.on('error', (err) => {
        settled = true;
        reject(err);
      });
      w.on('exit', (code) => {
        this.threads.delete(w);
        if (!settled) reject(new Error(`the job's thread stopped (exit code ${code})`));
      });
    });
  }

  /** Answers every long-poll at once (with the jobs as they are): the server is stopping. */
  releaseWaiters(): void {
    for (const [id, list] of this.waiting) for (const f of list) f(this.jobs.get(id)!);
    this.waiting.clear();
  }

  /** Stops every job's thread (an import in progress is rolled back by the store). */
  async close(): Promise<void> {
    this.releaseWaiters();
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }
}
