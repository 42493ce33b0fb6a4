import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface FixtureServer {
  base: string;
  requests: Array<{ path: string; range?: string }>;
  /** Paths whose next response is cut off after this many bytes. */
  cutOnce: Map<string, number>;
}

/** A real HTTP server on loopback serving `files`, with Range support. */
export async function serve(t: TestContext, files: Record<string, Buffer>): Promise<FixtureServer> {
  const state: FixtureServer = { base: '', requests: [], cutOnce: new Map() };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    state.requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const body = files[path];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`, 'Accept-Ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes' });
    }
    const cut = state.cutOnce.get(path);
    if (cut !== undefined) {
      state.cutOnce.delete(path);
      res.write(body.subarray(start, start + cut), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return state;
}

