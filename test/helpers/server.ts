import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServeConfig, type ServeConfig } from '../../src/server/settings.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';

type Flags = NonNullable<Parameters<typeof loadServeConfig>[0]>['flags'];

/** A real server on a loopback port (port 0), in this process, ready when returned. `stop` also removes its data dir unless one was given. */
export async function startTestServer(options: { dataDir?: string; config?: Flags } = {}): Promise<RunningServer & { dataDir: string; config: ServeConfig }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'normkit-serve-'));
  const config = loadServeConfig({ flags: { port: 0, logLevel: 'silent', workers: 1, ...options.config } });
  const server = await startServer(config, dataDir);
  await server.service.whenReady();
  return {
    ...server,
    dataDir,
    config,
    async stop() {
      await server.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the API with a JSON body (or raw text when `body` is a string and `raw` is set). */
export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, raw = false): Promise<ApiResponse<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: raw ? (body as string) : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}
