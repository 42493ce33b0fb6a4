/**
 * The normkit program: the commander program built from the command groups
 * (src/cli/commands/), and `main`, which runs it and maps what it throws to an exit code.
 * Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 not found, 5 network, 6 I/O
 * (a full disk, a read-only or forbidden path: the message names it).
 */
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ExitCode, ioErrorOf, NormkitError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { addApiKeyCommands } from './commands/apikey.js';
import { addBuildCommand, addGcCommand } from './commands/build.js';
import { addDemoCommand } from './commands/demo.js';
import { addEvalCommand } from './commands/eval.js';
import { addLexiconCommands } from './commands/lexicon.js';
import { addLinkCommand } from './commands/link.js';
import { addMapCommand } from './commands/map.js';
import { addModelCommands } from './commands/model.js';
import { addNormalizeCommand } from './commands/normalize.js';
import { addServeCommand } from './commands/serve.js';
import { addCalibrateCommand, addTrainEncoderCommand, addTrainRerankerCommand } from './commands/train.js';
import { addIndexCommands } from './commands/vectors.js';
import { addVocabCommands } from './commands/vocab.js';
import { dataDirOption, type Program } from './options.js';

/** The program with every command. Its settings come first: subcommands copy them when created. */
export function createProgram(): Program {
  const program = new Command('normkit')
    .description('Normalize job titles and medical terms to the concepts of a vocabulary')
    .version(VERSION)
    .addOption(dataDirOption())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // The order of the top-level help.
  addVocabCommands(program);
  addLexiconCommands(program);
  addModelCommands(program);
  addBuildCommand(program);
  addGcCommand(program);
  addLinkCommand(program);
  addEvalCommand(program);
  addTrainEncoderCommand(program);
  addIndexCommands(program);
  addMapCommand(program);
  addTrainRerankerCommand(program);
  addCalibrateCommand(program);
  addNormalizeCommand(program);
  addDemoCommand(program);
  addServeCommand(program);
  addApiKeyCommands(program);
  exitOverrideAll(program);
  return program;
}

/** Every command throws instead of calling process.exit: main maps the errors to exit codes. */
function exitOverrideAll(cmd: CommandUnknownOpts): void {
  for (const c of cmd.commands) {
    c.exitOverride();
    exitOverrideAll(c);
  }
}

/** A thrown value's stack trace, or the value itself. */
function stackOf(err: unknown): string {
  const stack = typeof err === 'object' && err !== null && 'stack' in err ? err.stack : undefined;
  return stack === undefined || stack === null ? String(err) : String(stack);
}

/** Runs the program on `argv` (as process.argv); the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // `normkit … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.ok);
    throw err;
  });
  try {
    await createProgram().parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
      if (err.code === 'commander.help' && err.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage; // commander already printed the message (or the help, for a missing subcommand)
    }
    const known = err instanceof NormkitError ? err : ioErrorOf(err);
    if (known) {
      process.stderr.write(`normkit: ${known.message}\n`);
      return known.exitCode;
    }
    process.stderr.write(`normkit: internal error: ${stackOf(err)}\n`);
    return ExitCode.internal;
  }
}
