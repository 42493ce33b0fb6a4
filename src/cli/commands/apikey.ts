/** `normkit apikey …`: the API keys of `normkit serve` (stored hashed in the store, as server state: src/server/state.ts). */
import { NotFoundError } from '../../core/errors.js';
import { createApiKey } from '../../server/api-keys.js';
import { ServerState } from '../../server/state.js';
import { jsonOption, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderApiKeyCreated, renderApiKeys } from '../render/apikey.js';

export function addApiKeyCommands(program: Program): void {
  const apikey = program.command('apikey').description('API keys for normkit serve (stored hashed in the store)').exitOverride();

  apikey
    .command('create')
    .description('create a key and print it (it is shown once)')
    .requiredOption('--name <name>', 'who or what uses it')
    .option('--admin', 'allow the admin routes (import, rebuild, synonyms, rules, jobs)')
    .addOption(jsonOption())
    .action(async (opts, cmd) => {
      await withStore(cmd, (store) => {
        const { key, info } = createApiKey(new ServerState(store), opts.name, opts.admin ? 'admin' : 'read');
        print(opts.json, { key, ...info }, () => renderApiKeyCreated(key, info));
      });
    });

  apikey
    .command('list')
    .description('list keys (prefix, scope, created, revoked)')
    .addOption(jsonOption())
    .action(async (opts, cmd) => {
      await withStore(cmd, (store) => {
        const keys = new ServerState(store).listApiKeys();
        print(opts.json, keys, () => renderApiKeys(keys));
      }, { read: true });
    });

  apikey
    .command('revoke')
    .description('revoke a key by id or name (takes effect at once, also on a running server)')
    .argument('<key>', "the key's id or name")
    .action(async (idOrName, _opts, cmd) => {
      await withStore(cmd, (store) => {
        const n = new ServerState(store).revokeApiKey(idOrName);
        if (n === 0) throw new NotFoundError(`no live API key with id or name "${idOrName}"`);
        process.stdout.write(`revoked ${n} key${n === 1 ? '' : 's'}\n`);
      });
    });
}
