/**
 * Load test of the HTTP API (npm run bench:api): starts `normkit serve` as its own process
 * on loopback, waits until it is ready, then runs autocannon for 30 s against
 * POST /v1/normalize with single job titles at 50 concurrent connections, each request a
 * different title (no cache can help). Prints throughput, p50/p99 latency and the errors.
 *
 * Targets (issue 9): ≥ 800 requests/s, p99 < 50 ms, 0 errors, jobs preset on ESCO.
 * With ../shared/data: ESCO English occupations served with the `jobs` preset, the
 * JobBERT validation titles as requests. Without it: the demo occupations and titles.
 * The first run builds the indexes (and trains ESCO's encoder, a few minutes) into
 * $NORMKIT_BENCH_DIR (default .normkit-eval/api); later runs reuse them.
 *
 * BENCH_API_SECONDS (default 30, at most 30), BENCH_API_CONNECTIONS (default 50),
 * BENCH_API_LOG (server log level, default warn: per-request info logs are measured
 * separately by setting it to info), BENCH_API_NODE_ARGS (node flags for the server, e.g.
 * "--cpu-prof --cpu-prof-dir=prof" to profile it under load).
 *
 * Besides the targets it prints the latency percentiles and the CPU time per request of the
 * server (all its threads, from /proc) and of the load generator: with both cores busy,
 * throughput is about cores ÷ CPU per request, and at a fixed number of connections the
 * mean latency is connections ÷ throughput.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BENCH_DATA_DIR, benchTitles } from './bench-titles.js';
import { ROOT, sharedDataDir } from './shared.js';

const SECONDS = Math.min(30, Number(process.env['BENCH_API_SECONDS'] ?? 30));
const CONNECTIONS = Number(process.env['BENCH_API_CONNECTIONS'] ?? 50);
const dataDir = BENCH_DATA_DIR;
const { vocabulary, titles, source } = await benchTitles(dataDir);
if (!sharedDataDir()) process.stderr.write(`bench:api: ${source}\n`);

const server = spawn(process.execPath, [...(process.env['BENCH_API_NODE_ARGS']?.split(' ') ?? []), '--import', 'tsx', join(ROOT, 'cli.ts'), '--data-dir', dataDir, 'serve', '--port', '0', '--vocab', `${vocabulary}=jobs`], {
  env: { ...process.env, NORMKIT_RATE_LIMIT: '0', NORMKIT_LOG_LEVEL: process.env['BENCH_API_LOG'] ?? 'warn' },
  stdio: ['ignore', 'inherit', 'pipe'],
});
const stopServer = (): void => {
  if (server.exitCode === null) server.kill('SIGTERM');
};
process.on('exit', stopServer);

const url = await new Promise<string>((resolve, reject) => {
  let seen = '';
  server.stderr!.on('data', (b: Buffer) => {
    seen += b.toString();
    process.stderr.write(b);
    const m = /serving on (http:\/\/\S+) /.exec(seen);
    if (m) resolve(m[1]!);
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
});

// Ready once the indexes are built and loaded (the first run builds them).
const started = Date.now();
for (;;) {
  const r = await fetch(`${url}/readyz`).catch(() => undefined);
  if (r?.ok) break;
  await new Promise<void>((resolve) => setTimeout(resolve, 1000));
  if ((Date.now() - started) % 30_000 < 1000) process.stderr.write(`bench:api: waiting for ${vocabulary}'s indexes (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
const vocab = ((await (await fetch(`${url}/v1/vocabularies`)).json()) as { vocabularies: Array<{ name: string; concepts: number; terms: number }> }).vocabularies.find((v) => v.name === vocabulary)!;

function load(seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/normalize',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ text: titles[next++ % titles.length], vocabulary, k: 5 }) }),
      },
    ],
  });
}

/** CPU seconds (user + system) the server process has used so far, from /proc (Linux). */
function serverCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

await load(3); // warm-up: JIT, worker caches
const serverCpu0 = serverCpuSeconds();
const benchCpu0 = process.cpuUsage();
const r = await load(SECONDS);
const serverCpu1 = serverCpuSeconds();
const benchCpu = process.cpuUsage(benchCpu0);
stopServer();

const errors = r.errors + r.timeouts + r.non2xx;
const rows = [
  ['vocabulary', `${vocabulary} (${vocab.concepts} concepts, ${vocab.terms} terms), preset jobs`],
  ['load', `${CONNECTIONS} connections, ${SECONDS} s, POST /v1/normalize, one title per request (${titles.length} distinct)`],
  ['requests', String(r.requests.total)],
  ['throughput', `${r.requests.average.toFixed(0)} requests/s (target ≥ 800)`],
  ['latency p50', `${r.latency.p50} ms`],
  ['latency p99', `${r.latency.p99} ms (target < 50)`],
  ['latency', `p75 ${r.latency.p75}, p90 ${r.latency.p90}, p97.5 ${r.latency.p97_5}, max ${r.latency.max} ms`],
  [
    'CPU/request',
    `${serverCpu0 !== undefined && serverCpu1 !== undefined ? `server ${(((serverCpu1 - serverCpu0) * 1000) / r.requests.total).toFixed(2)} ms, ` : ''}load generator ${((benchCpu.user + benchCpu.system) / 1000 / r.requests.total).toFixed(2)} ms (${availableParallelism()} cores)`,
  ],
  ['errors', `${errors} (errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}; target 0)`],
];
process.stdout.write(`\nbench:api\n${rows.map(([k, v]) => `  ${k!.padEnd(12)} ${v}`).join('\n')}\n`);
process.exitCode = errors > 0 ? 1 : 0;
