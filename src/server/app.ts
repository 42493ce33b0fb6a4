/**
 * The HTTP API (Fastify): routes validated by zod schemas, which also make the OpenAPI 3
 * document (/openapi.json, browsable at /docs); API keys; limits (body size, batch size,
 * per-request timeout, per-key rate limit), each answered with a JSON error; CORS;
 * Prometheus metrics; request ids in every log line and response.
 */
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { hashApiKey, presentedKey } from './api-keys.js';
import type { ServeConfig } from './settings.js';
import { HttpError, type ErrorCode } from './http-error.js';
import { VERSION } from '../core/version.js';
import type { Operation, OperationName, ResultOf } from './operations.js';
import * as S from './schemas.js';
import type { Service } from './service.js';
import type { ApiKeyInfo } from './state.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKeyInfo;
  }
  interface FastifyContextConfig {
    /** Who may call the route: anyone (public), any key when keys are required (read), admin keys only (admin). */
    access?: 'public' | 'read' | 'admin';
  }
}


function errorReply(reply: FastifyReply, request: FastifyRequest, status: number, code: string, message: string, field?: string): FastifyReply {
  return reply.status(status).type('application/json').send({ error: { code, message, ...(field ? { field } : {}), requestId: request.id } });
}

/** Fastify's own errors (parsing, limits) by code: status and our error code. */
const FASTIFY_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'bad_request'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_request'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request'],
};

/** Longest path parameter (a vocabulary name, a concept id, a job id). */
const MAX_PARAM_CHARS = 200;

/** Fastify's router errors, before any route runs: a URL that is not valid percent-encoding, a path parameter over MAX_PARAM_CHARS. */
const FRAMEWORK_ERRORS: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_BAD_URL: [400, 'bad_request', 'the URL path is not valid percent-encoding'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long', `a path parameter is longer than the ${MAX_PARAM_CHARS} characters allowed`],
};

/**
 * Node's own answers to a request it could not parse (headers over its size limit, a
 * request not sent in time, malformed HTTP), in the API's error body. There is no request
 * yet, so the id is a fresh one.
 */
function clientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'timeout', 'the request was not sent in time (limits.requestTimeoutMs)']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request line and headers are larger than the server accepts (16 KiB)']
        : [400, 'bad_request', 'the request is not valid HTTP'];
  if (socket.writable) {
    const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

/** Route paths ("/v1/concepts/:vocabulary/:id") as patterns, with their methods: a wrong method on an existing path gets 405. */
class RouteMethods {
  private readonly routes: Array<{ re: RegExp; method: string }> = [];
  add(url: string, methods: string | string[]): void {
    const re = new RegExp(`^${url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
    for (const method of [methods].flat()) this.routes.push({ re, method });
  }
  /** The methods some route answers on `path`, sorted. */
  allowed(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.re.test(path)).map((r) => r.method))].sort();
  }
}

/** What tells Fastify's own errors apart (code, statusCode, message), from whatever was thrown. */
function fastifyErrorFields(err: unknown): { code?: string; statusCode?: number; message?: string } {
  if (typeof err !== 'object' || err === null) return {};
  return {
    ...('code' in err && typeof err.code === 'string' ? { code: err.code } : {}),
    ...('statusCode' in err && typeof err.statusCode === 'number' ? { statusCode: err.statusCode } : {}),
    ...('message' in err && typeof err.message === 'string' ? { message: err.message } : {}),
  };
}

export interface AppOptions {
  config: ServeConfig;
  service: Service;
}

export async function buildApp({ config, service }: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = config.limits.requestTimeoutMs;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.limits.bodyBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_CHARS },
    frameworkErrors: (err, request, reply) => {
      const [status, code, message] = FRAMEWORK_ERRORS[err.code] ?? [400, 'bad_request', 'bad request'];
      reply.header('x-request-id', request.id);
      return errorReply(reply, request, status, code, message);
    },
    clientErrorHandler: clientError,
    // Node answers 408 to a client that has not sent its whole request in time; the check
    // runs often enough for the limit to hold.
    serverFactory: (handler) => createServer({ requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, Math.max(50, requestTimeout / 4)) }, handler),
  }).withTypeProvider<ZodTypeProvider>();
  // JSON only: other bodies get 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Metrics.
  const registry = new Registry();
  const requests = new Counter({ name: 'normkit_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({ name: 'normkit_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['route', 'method'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [registry] });
  const sizes = new Gauge({ name: 'normkit_index_terms', help: 'terms in the index in service, by vocabulary', labelNames: ['vocabulary'], registers: [registry] });
  const concepts = new Gauge({ name: 'normkit_index_concepts', help: 'concepts in the index in service, by vocabulary', labelNames: ['vocabulary'], registers: [registry] });
  const generation = new Gauge({ name: 'normkit_index_generation', help: 'index generation in service (rises at each hot swap)', labelNames: ['vocabulary'], registers: [registry] });
  new Gauge({ name: 'normkit_pool_in_flight', help: 'searches sent to the worker pool and not yet answered', registers: [registry], collect() { this.set(service.poolQueued); } });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });

  // Keys: admin routes always need an admin key; the others need a key when auth.required.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const key = presentedKey(request.headers);
    if (key === undefined) {
      if (access === 'admin' || config.auth.required) throw new HttpError(401, 'unauthorized', 'an API key is required (Authorization: Bearer <key>, or X-API-Key); create one with normkit apikey create');
      return;
    }
    const info = service.state.apiKeyByHash(hashApiKey(key));
    if (!info) throw new HttpError(401, 'unauthorized', 'the API key is unknown or revoked');
    if (access === 'admin' && info.scope !== 'admin') throw new HttpError(403, 'forbidden', `the API key "${info.name}" is not an admin key`);
    request.apiKey = info;
  });

  if (config.limits.rateLimit.max > 0) {
    await app.register(fastifyRateLimit, {
      max: config.limits.rateLimit.max,
      timeWindow: config.limits.rateLimit.windowMs,
      hook: 'preHandler',
      keyGenerator: (req) => (req.apiKey ? `key:${req.apiKey.id}` : `ip:${req.ip}`),
      allowList: (req) => (req.routeOptions.config.access ?? 'public') === 'public',
      errorResponseBuilder: (_req, ctx) => new HttpError(429, 'rate_limited', `rate limit exceeded: at most ${ctx.max} requests per ${config.limits.rateLimit.windowMs} ms (limits.rateLimit); retry after ${ctx.after}`),
    });
  }
  await app.register(fastifyCors, { origin: config.cors.origins === '*' ? true : config.cors.origins.length ? config.cors.origins : false });

  app.setErrorHandler((err: unknown, request, reply) => {
    if (err instanceof HttpError) return errorReply(reply, request, err.status, err.code, err.message, err.field);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const v = err.validation[0]!;
      const where = err.validationContext ?? 'body';
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      // An unknown key's name (zod's unrecognized_keys) when the path is the object itself.
      const keys = v.params['keys'];
      const key: unknown = Array.isArray(keys) ? keys[0] : undefined;
      const field = path || (typeof key === 'string' ? key : undefined) || undefined;
      return errorReply(reply, request, 400, 'bad_request', `${where}${path ? `.${path}` : ''}: ${v.message}`, field);
    }
    const e = fastifyErrorFields(err);
    const known = e.code ? FASTIFY_ERRORS[e.code] : undefined;
    if (known) return errorReply(reply, request, known[0], known[1], e.message ?? known[1]);
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return errorReply(reply, request, e.statusCode, 'bad_request', e.message ?? 'bad request');
    request.log.error({ err }, 'request failed');
    return errorReply(reply, request, 500, 'internal', 'internal error (the server log has the details, under this request id)');
  });
  const routeMethods = new RouteMethods();
  app.addHook('onRoute', (route) => routeMethods.add(route.url, route.method));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routeMethods.allowed(path);
    if (allowed.length > 0) return errorReply(reply.header('allow', allowed.join(', ')), request, 405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
    return errorReply(reply, request, 404, 'not_found', `no route ${request.method} ${path}`);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'normkit API', description: 'Job-title normalization, medical term linking and taxonomy mapping to the concepts of a vocabulary, with explanations.', version: VERSION },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'normkit apikey create' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  /** Runs an operation in the pool, failing with 408 after the per-request timeout. */
  const run = async <N extends OperationName>(vocabulary: string, operation: Operation<N>): Promise<ResultOf<N>> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HttpError(408, 'timeout', `the search took longer than ${config.limits.timeoutMs} ms (limits.timeoutMs)`)), config.limits.timeoutMs);
    });
    try {
      return await Promise.race([service.run(vocabulary, operation), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const checkBatch = (n: number, field: string): void => {
    if (n > config.limits.maxBatch) throw new HttpError(413, 'payload_too_large', `${field} has ${n} items; at most ${config.limits.maxBatch} per request (limits.maxBatch)`, field);
  };
  const errors = { 400: S.errorBody, 401: S.errorBody, 404: S.errorBody, 408: S.errorBody, 413: S.errorBody, 429: S.errorBody, 503: S.errorBody };
  const security = config.auth.required ? [{ apiKey: [] }] : [];
  const read = { access: 'read' as const };
  const admin = { access: 'admin' as const };

  app.get('/healthz', { schema: { tags: ['operations'], summary: 'the process is up', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'ready once every served vocabulary has its indexes loaded, and while no stuck worker is being replaced', response: { 200: z.object({ status: z.literal('ready') }), 503: S.errorBody } } }, async (request, reply) => {
    if (!service.ready) return errorReply(reply, request, 503, 'not_ready', 'indexes are still loading');
    if (!service.workersHealthy) return errorReply(reply, request, 503, 'not_ready', 'a linker worker that ran past its deadline (limits.deadlineMs) is being replaced');
    return { status: 'ready' as const };
  });
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics: requests, latency histograms, index sizes' } }, async (_request, reply) => {
    for (const s of service.servedSizes()) {
      sizes.set({ vocabulary: s.vocabulary }, s.terms);
      concepts.set({ vocabulary: s.vocabulary }, s.concepts);
      generation.set({ vocabulary: s.vocabulary }, s.generation);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.post('/v1/normalize', { config: read, schema: { tags: ['search'], summary: 'normalize job titles: attributes and the top-k occupations', security, body: S.normalizeBody, response: { 200: S.normalizeResponse, ...errors } } }, async (request) => {
    const b = request.body;
    const texts = b.texts ?? [b.text!];
    checkBatch(texts.length, 'texts');
    const vocabulary = service.resolve(b.vocabulary, 'jobs');
    const results = await run(vocabulary, { op: 'normalize', texts, k: b.k, lang: b.lang, explain: b.explain });
    return { vocabulary, results };
  });

  app.post('/v1/link', { config: read, schema: { tags: ['search'], summary: 'link the mentions of a text (given, or found by the dictionary matcher) to concepts', security, body: S.linkBody, response: { 200: S.linkResponse, ...errors } } }, async (request) => {
    const b = request.body;
    const vocabulary = service.resolve(b.vocabulary, 'medical');
    b.mentions?.forEach((m, i) => {
      if (m.end <= m.start || m.end > b.text.length) throw new HttpError(400, 'bad_request', `mentions.${i}: start ${m.start}, end ${m.end} is not a span of the ${b.text.length}-character text`, `mentions.${i}`);
    });
    const doc = await run(vocabulary, { op: 'link', text: b.text, mentions: b.mentions, k: b.k, lang: b.lang, threshold: b.threshold, explain: b.explain });
    return { vocabulary, ...doc };
  });

  app.post('/v1/map', { config: read, schema: { tags: ['search'], summary: 'map phrases or codes of a source system to nodes of a target taxonomy, falling back to the closest ancestor', security, body: S.mapBody, response: { 200: S.mapResponse, ...errors } } }, async (request) => {
    const b = request.body;
    checkBatch(b.items.length, 'items');
    const vocabulary = service.resolve(b.vocabulary, 'medical');
    const results = await run(vocabulary, { op: 'map', items: b.items, k: b.k, minSimilarity: b.minSimilarity });
    return { vocabulary, results };
  });

  app.get('/v1/search', { config: read, schema: { tags: ['search'], summary: 'search a vocabulary\'s concepts by text', security, querystring: S.searchQuery, response: { 200: S.searchResponse, ...errors } } }, async (request) => {
    const q = request.query;
    const vocabulary = service.resolve(q.vocabulary, 'jobs');
    const concepts = await run(vocabulary, { op: 'search', q: q.q, k: q.k, lang: q.lang });
    return { vocabulary, concepts };
  });

  app.get('/v1/vocabularies', { config: read, schema: { tags: ['vocabularies'], summary: 'imported vocabularies, and how each is served', security, response: { 200: S.vocabulariesResponse, ...errors } } }, async () => ({
    vocabularies: service.store.listVocabularies().map((v) => ({ name: v.name, version: v.version ?? null, format: v.format, concepts: v.concepts, terms: v.terms, checksum: v.checksum, importedAt: v.importedAt, served: service.servedState(v.name) })),
  }));

  app.get('/v1/concepts/:vocabulary/:id', { config: read, schema: { tags: ['vocabularies'], summary: 'a concept: labels, synonyms, parents, children', security, params: S.conceptParams, response: { 200: S.conceptResponse, ...errors } } }, async (request) => {
    const { vocabulary, id } = request.params;
    if (!service.store.hasVocabulary(vocabulary)) throw new HttpError(404, 'not_found', `no vocabulary "${vocabulary}"`, 'vocabulary');
    let c;
    try {
      c = service.store.concept(vocabulary, id);
    } catch {
      throw new HttpError(404, 'not_found', `no concept "${id}" in "${vocabulary}"`, 'id');
    }
    return {
      vocabulary,
      id: c.id,
      label: c.name,
      lang: c.lang,
      ...(c.description ? { description: c.description } : {}),
      obsolete: c.obsolete,
      types: c.types,
      synonyms: c.terms.map((t) => ({ text: t.text, lang: t.lang, kind: t.kind })),
      parents: c.parents.map((p) => ({ id: p.id, label: p.name })),
      children: c.children.map((p) => ({ id: p.id, label: p.name })),
      xrefs: c.xrefs,
    };
  });

  const adminSecurity = [{ apiKey: [] }];
  const accepted = { 202: S.jobAccepted, ...errors, 403: S.errorBody, 409: S.errorBody };
  app.post('/v1/admin/vocabularies/:vocabulary/import', { config: admin, schema: { tags: ['admin'], summary: 'import or refresh a vocabulary (a file on the server, or JSONL content), then build and serve it', security: adminSecurity, params: S.vocabParams, body: S.importBody, response: accepted } }, async (request, reply) => {
    const b = request.body;
    const job = service.importVocabulary(request.params.vocabulary, { path: b.path, content: b.content, format: b.format, version: b.version, allowEmpty: b.allowEmpty, maxLoss: b.maxLoss, force: b.force }, b.preset);
    return reply.status(202).send({ job });
  });
  app.post('/v1/admin/vocabularies/:vocabulary/rebuild', { config: admin, schema: { tags: ['admin'], summary: 'rebuild a served vocabulary\'s indexes in the background, then swap them in', security: adminSecurity, params: S.vocabParams, response: accepted } }, async (request, reply) => reply.status(202).send({ job: service.rebuild(request.params.vocabulary) }));
  app.post('/v1/admin/vocabularies/:vocabulary/synonyms', { config: admin, schema: { tags: ['admin'], summary: 'add custom synonyms; they are in service once the rebuild job they start succeeds', security: adminSecurity, params: S.vocabParams, body: S.synonymsBody, response: accepted } }, async (request, reply) => {
    const r = service.addSynonyms(request.params.vocabulary, request.body.synonyms);
    return reply.status(202).send(r);
  });
  app.put('/v1/admin/vocabularies/:vocabulary/rules', { config: admin, schema: { tags: ['admin'], summary: 'set a custom rule pack for a vocabulary; in service once the rebuild job it starts succeeds', security: adminSecurity, params: S.vocabParams, body: S.rulesBody, response: accepted } }, async (request, reply) => reply.status(202).send({ job: service.setRules(request.params.vocabulary, request.body.pack) }));
  app.delete('/v1/admin/vocabularies/:vocabulary/rules', { config: admin, schema: { tags: ['admin'], summary: 'remove the custom rule pack', security: adminSecurity, params: S.vocabParams, response: accepted } }, async (request, reply) => reply.status(202).send({ job: service.setRules(request.params.vocabulary, null) }));
  app.get('/v1/admin/jobs', { config: admin, schema: { tags: ['admin'], summary: 'background jobs, newest first', security: adminSecurity, response: { 200: S.jobsResponse, ...errors, 403: S.errorBody } } }, async () => ({ jobs: service.jobs.list() }));
  app.get('/v1/admin/jobs/:id', { config: admin, schema: { tags: ['admin'], summary: 'a background job\'s state and progress', security: adminSecurity, params: S.jobParams, querystring: S.jobQuery, response: { 200: S.job, ...errors, 403: S.errorBody } } }, async (request) => service.jobs.wait(request.params.id, request.query.wait));

  return app;
}
