/**
 * Long command lines. onnxruntime reads /proc/self/cmdline when it starts (on the first
 * session of a process) with a parser that recurses once per character: a command line of
 * about 25,000 characters (`normkit link occ "<a long text>"`) overflows the main thread's
 * stack, a SIGSEGV (exit 139), whatever the model. A process started with a command line
 * longer than LONG_COMMAND_LINE runs the command in a child process instead, whose own
 * command line is short: the arguments go to it over a pipe (fd 3).
 */
import { spawn } from 'node:child_process';
import { closeSync, readFileSync } from 'node:fs';

/** Bytes of command line above which the command runs in a child (onnxruntime's parser needs about 200 bytes of stack a character). */
export const LONG_COMMAND_LINE = 8192;

/** Set in the child: the file descriptor its arguments come on. */
const ARGV_FD_ENV = 'NORMKIT_ARGV_FD';

/** The command line's length as /proc/self/cmdline holds it. */
function commandLineBytes(argv: readonly string[]): number {
  return [...process.execArgv, ...argv].reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
}

/**
 * The program's arguments: in the child, those the parent sent on the pipe; otherwise
 * `argv` itself. Undefined when the command line is too long to keep: the caller then
 * runs `relaunch` instead of the command.
 */
export function programArgv(argv: readonly string[]): string[] | undefined {
  const fd = process.env[ARGV_FD_ENV];
  if (fd !== undefined) {
    delete process.env[ARGV_FD_ENV];
    const sent = JSON.parse(readFileSync(Number(fd), 'utf8')) as string[];
    closeSync(Number(fd));
    return [...argv.slice(0, 2), ...sent];
  }
  return commandLineBytes(argv) > LONG_COMMAND_LINE ? undefined : [...argv];
}

/** Runs the same program in a child with `argv`'s arguments sent over fd 3; resolves with its exit code. */
export function relaunch(argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, argv[1]!], {
      stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
      env: { ...process.env, [ARGV_FD_ENV]: '3' },
    });
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
    const pipe = child.stdio[3];
    if (pipe && 'end' in pipe) pipe.end(JSON.stringify(argv.slice(2)));
  });
}
