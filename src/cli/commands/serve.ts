/** `normkit serve`: runs the HTTP API until SIGTERM or SIGINT, then drains the requests in flight. */
import { UsageError } from '../../core/errors.js';
import { presetNames } from '../../pipeline/presets.js';
import { startServer } from '../../server/serve.js';
import { loadServeConfig } from '../../server/settings.js';
import { dataDirOf, port, positiveInt, type Program } from '../options.js';

/** `--vocab name=preset` → the served vocabulary (the server checks the preset name). */
function servedVocabulary(v: string): { name: string; preset: string } {
  const [name, p] = v.split('=');
  if (!name || !p) throw new UsageError(`--vocab ${v}: give name=preset (presets: ${presetNames().join(', ')})`);
  return { name, preset: p };
}

export function addServeCommand(program: Program): void {
  program
    .command('serve')
    .description('run the HTTP API (docs at /docs, OpenAPI at /openapi.json); with no settings it serves the demo vocabularies, building what is missing first')
    .option('--config <file>', 'settings file (YAML or JSON; docs/api.md lists the settings)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <n>', 'port (default 8080; 0 picks a free one)', port)
    .option('--workers <n>', 'search worker threads (default: the number of cores)', positiveInt)
    .option('--vocab <name=preset...>', 'serve these vocabularies with these presets (e.g. esco=jobs mesh=medical)')
    .option('--require-api-key', 'require an API key on every /v1 route (admin routes always need an admin key)')
    .option('--read-only', 'a replica on a shared data dir built by another instance: load its indexes, never build, refuse admin changes')
    .option('--import-root <dir...>', 'folders admin imports (path) and rule packs (extends) may read files from (default: the data dir)')
    .action(async (opts, cmd) => {
      const dataDir = dataDirOf(cmd);
      const vocabularies = opts.vocab?.map(servedVocabulary);
      const config = loadServeConfig({
        file: opts.config,
        env: process.env,
        flags: {
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.workers ? { workers: opts.workers } : {}),
          ...(vocabularies ? { vocabularies } : {}),
          ...(opts.requireApiKey ? { auth: { required: true } } : {}),
          ...(opts.readOnly ? { readOnly: true } : {}),
          ...(opts.importRoot ? { importRoots: opts.importRoot } : {}),
        },
      });
      const server = await startServer(config, dataDir);
      process.stderr.write(`normkit: serving on ${server.url} (docs: ${server.url}/docs); data dir ${dataDir}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          server.app.log.info({ signal, shutdownMs: config.limits.shutdownMs }, 'shutting down: draining requests');
          // A worker that never returns would hold the drain, and the process, for good.
          const deadline = setTimeout(() => {
            server.app.log.error({ shutdownMs: config.limits.shutdownMs }, 'shutdown deadline passed (limits.shutdownMs): exiting with work still running');
            process.exit(1);
          }, config.limits.shutdownMs);
          void server.stop().then(() => {
            clearTimeout(deadline);
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
