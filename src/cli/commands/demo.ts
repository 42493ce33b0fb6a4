/** `normkit demo`: imports the built-in demo vocabularies and links a few raw job titles and medical terms. */
import { join } from 'node:path';
import { terminalProgress } from '../../core/progress.js';
import { runDemo } from '../../modes/demo.js';
import { dataDirOf, jsonOption, withStore, type Program } from '../options.js';
import { print } from '../output.js';
import { renderDemo } from '../render/demo.js';

export function addDemoCommand(program: Program): void {
  program
    .command('demo')
    .description('import the built-in demo vocabularies and normalize a few raw job titles and medical terms')
    .addOption(jsonOption('print the results as JSON'))
    .action(async (opts, cmd) => {
      await withStore(cmd, async (store) => {
        const result = await runDemo(store, { cacheDir: join(dataDirOf(cmd), 'indexes'), ...(opts.json ? {} : { progress: terminalProgress() }) });
        print(opts.json, result.rows, () => renderDemo(result));
      });
    });
}
