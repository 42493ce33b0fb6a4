/**
 * `normkit serve` settings: defaults, then a config file (YAML or JSON), then environment
 * variables, then command-line flags, each overriding the one before. Errors name the file,
 * line and field (or the variable) at fault.
 */
import { delimiter } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { readInputText } from '../io/read-input.js';
import { describeIssue, parseLocated } from '../io/validate.js';

export const serveConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Pool workers (searches); default: the machine's cores. */
  workers: z.number().int().min(1).max(256).optional(),
  /** Vocabularies to serve with their presets; default: the demo vocabularies. */
  vocabularies: z.array(z.strictObject({ name: z.string().min(1), preset: z.string().min(1) })).min(1).optional(),
  auth: z.strictObject({ required: z.boolean().default(false) }).prefault({}),
  /** Folders an admin import's `path` and a custom rule pack's `extends` may name files in; empty (the default): the data dir only. */
  importRoots: z.array(z.string().min(1)).default([]),
  /** A replica on a shared read-only data dir: loads the built indexes, never builds, refuses admin changes. */
  readOnly: z.boolean().default(false),
  limits: z
    .strictObject({
      /** Largest request body, in bytes. */
      bodyBytes: z.number().int().min(1024).default(1_048_576),
      /** Most texts in one /v1/normalize or items in one /v1/map request. */
      maxBatch: z.number().int().min(1).max(100_000).default(1000),
      /** Longest a search may take before the request gets 503 timeout. */
      timeoutMs: z.number().int().min(1).default(10_000),
      /** Longest an operation may run on a worker: past it the worker is terminated and replaced (its requests get 503, /readyz answers 503 meanwhile). */
      deadlineMs: z.number().int().min(100).default(30_000),
      /** Longest SIGTERM's drain may take: then the process exits (code 1) whatever still runs. */
      shutdownMs: z.number().int().min(100).default(30_000),
      /** Longest a client may take to send its whole request (slow clients get 408). */
      requestTimeoutMs: z.number().int().min(100).default(30_000),
      /** Requests per key (or per client address without a key) and window; 0 turns it off. */
      rateLimit: z.strictObject({ max: z.number().int().min(0).default(100_000), windowMs: z.number().int().min(1).default(60_000) }).prefault({}),
    })
    .prefault({}),
  /** Origins allowed by CORS: a list, or "*"; none by default. */
  cors: z.strictObject({ origins: z.union([z.literal('*'), z.array(z.string().min(1))]).default([]) }).prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServeConfig = z.infer<typeof serveConfigSchema>;
type ServeInput = z.input<typeof serveConfigSchema>;

/** Environment variables and the setting each one sets. */
export const SERVE_ENV: Record<string, { path: string[]; parse: (v: string) => unknown }> = {
  NORMKIT_HOST: { path: ['host'], parse: (v) => v },
  NORMKIT_PORT: { path: ['port'], parse: Number },
  NORMKIT_WORKERS: { path: ['workers'], parse: Number },
  NORMKIT_REQUIRE_API_KEY: { path: ['auth', 'required'], parse: (v) => ['1', 'true', 'yes'].includes(v.toLowerCase()) },
  NORMKIT_BODY_LIMIT: { path: ['limits', 'bodyBytes'], parse: Number },
  NORMKIT_MAX_BATCH: { path: ['limits', 'maxBatch'], parse: Number },
  NORMKIT_TIMEOUT_MS: { path: ['limits', 'timeoutMs'], parse: Number },
  NORMKIT_DEADLINE_MS: { path: ['limits', 'deadlineMs'], parse: Number },
  NORMKIT_SHUTDOWN_MS: { path: ['limits', 'shutdownMs'], parse: Number },
  NORMKIT_RATE_LIMIT: { path: ['limits', 'rateLimit', 'max'], parse: Number },
  NORMKIT_CORS_ORIGINS: { path: ['cors', 'origins'], parse: (v) => (v === '*' ? '*' : v.split(',').map((s) => s.trim()).filter(Boolean)) },
  NORMKIT_LOG_LEVEL: { path: ['logLevel'], parse: (v) => v },
  NORMKIT_IMPORT_ROOTS: { path: ['importRoots'], parse: (v) => v.split(delimiter).map((s) => s.trim()).filter(Boolean) },
  NORMKIT_READ_ONLY: { path: ['readOnly'], parse: (v) => ['1', 'true', 'yes'].includes(v.toLowerCase()) },
};

/** Whether `v` is an object whose keys can be read and set (arrays included). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A mapping of settings: an object, not an array. */
function isMapping(v: unknown): v is Record<string, unknown> {
  return isObject(v) && !Array.isArray(v);
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const p of path.slice(0, -1)) {
    const child = node[p];
    if (isObject(child)) node = child;
    else {
      const created: Record<string, unknown> = {};
      node[p] = created;
      node = created;
    }
  }
  node[path[path.length - 1]!] = value;
}

/** Settings from defaults < file < environment < flags (flags as a partial settings object). */
export function loadServeConfig(options: { file?: string | undefined; env?: NodeJS.ProcessEnv; flags?: ServeInput } = {}): ServeConfig {
  let value: Record<string, unknown> = {};
  let at: ReturnType<typeof parseLocated>['at'] | undefined;
  const file = options.file;
  if (file) {
    const parsed = parseLocated(readInputText(file, 'the server configuration'), file, 'malformed-config');
    // An empty file is no settings.
    const settings = parsed.value === null ? {} : parsed.value;
    if (!isMapping(settings)) throw new InputError([{ file, reason: 'malformed-config', message: 'the configuration must be a mapping of settings' }]);
    value = settings;
    at = parsed.at;
  }
  const fromFile = serveConfigSchema.safeParse(value);
  if (!fromFile.success) {
    const { reason, field, message } = describeIssue(fromFile.error);
    const issue = fromFile.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // An unknown key's line is its own, not its parent's.
    const line = at?.lineOf(issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path);
    throw new InputError([{ file: file ?? '(defaults)', ...(line ? { line } : {}), field, reason, message }]);
  }
  const env = options.env ?? {};
  for (const [name, spec] of Object.entries(SERVE_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setIn(value, spec.path, spec.parse(raw));
    const check = serveConfigSchema.safeParse(value);
    if (!check.success) {
      const { message } = describeIssue(check.error);
      throw new InputError([{ file: `$${name}`, field: spec.path.join('.'), reason: 'invalid-field', message: `${JSON.stringify(raw)}: ${message}` }]);
    }
  }
  const merged = mergeDeep(value, options.flags ?? {});
  const final = serveConfigSchema.safeParse(merged);
  if (!final.success) {
    const { reason, field, message } = describeIssue(final.error);
    throw new InputError([{ file: '(command line)', field, reason, message }]);
  }
  return final.data;
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isMapping(v) && isMapping(prev) ? mergeDeep(prev, v) : v;
  }
  return out;
}
