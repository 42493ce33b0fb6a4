/**
 * Starting and stopping the HTTP service: the Service (pool, jobs, served vocabularies)
 * and the Fastify app over it. `stop` drains: the listener closes, requests in flight
 * finish (new ones get 503), then jobs and workers stop.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ServeConfig } from './settings.js';
import { Service } from './service.js';

export interface RunningServer {
  app: FastifyInstance;
  service: Service;
  /** http://host:port */
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: ServeConfig, dataDir: string): Promise<RunningServer> {
  let log: (level: 'info' | 'error', message: string, fields: Record<string, unknown>) => void = () => {};
  const service = await Service.start({
    dataDir,
    ...(config.vocabularies ? { vocabularies: config.vocabularies } : {}),
    ...(config.workers ? { workers: config.workers } : {}),
    deadlineMs: config.limits.deadlineMs,
    readOnly: config.readOnly,
    importRoots: config.importRoots,
    log: (level, message, fields) => log(level, message, fields),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, service });
    log = (level, message, fields) => app.log[level](fields, message);
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await service.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopping: Promise<void> | undefined;
  return {
    app,
    service,
    url: `http://${host}:${port}`,
    stop() {
      stopping ??= (async () => {
        // Long-polls would hold the drain for up to their wait.
        service.jobs.releaseWaiters();
        await app.close();
        await service.close();
      })();
      return stopping;
    },
  };
}
