/**
 * A data dir that cannot be written (the replica deployment of docs/api.md): the commands
 * that only read work on it, opening the store read-only (immutable, no `-shm` file) and
 * using the built indexes as they are; the commands that write fail with exit 6 and a
 * message naming the path, no stack trace; `serve --read-only` serves.
 *
 * The folder is made really read-only. As root (for whom permission bits do not stop a
 * write) each command runs in its own mount namespace where the data dir is bind-mounted
 * read-only (`unshare -m` + `mount --bind -o ro`: EROFS for every write, nothing leaks out
 * of the namespace); as root without that right, the commands run as `nobody` (setpriv)
 * over a tree made 0555/0444; as another user, chmod 0555/0444 does it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli, type CliResult } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const root = process.getuid?.() === 0;

/** How the data dir is made read-only for the commands: a read-only bind mount, or permission bits (as `nobody` when root). */
type ReadOnlyWay = 'namespace' | 'nobody' | 'chmod';

/** True when this process may bind-mount a folder read-only in a new mount namespace. */
function canUnshare(dir: string): boolean {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && ! touch "$1/probe" 2>/dev/null', 'sh', dir], { encoding: 'utf8' });
  return r.status === 0;
}

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

function readOnlyWay(dir: string): ReadOnlyWay {
  if (!root) return 'chmod';
  if (canUnshare(dir)) return 'namespace';
  const r = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'true']);
  assert.equal(r.status, 0, 'running as root, neither a read-only bind mount (unshare -m) nor dropping to nobody (setpriv) works: no way to make a folder read-only');
  return 'nobody';
}

/** The command line that runs `argv` with `dir` read-only. */
function readOnlyArgv(way: ReadOnlyWay, dir: string, argv: string[]): [string, string[]] {
  if (way === 'chmod') return [argv[0]!, argv.slice(1)];
  if (way === 'nobody') return [NOBODY[0]!, [...NOBODY.slice(1), ...argv]];
  return ['unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && shift && exec "$@"', 'sh', dir, ...argv]];
}

function cliArgv(dataDir: string, args: string[]): string[] {
  return [process.execPath, '--import', 'tsx', join(ROOT, 'cli.ts'), '--data-dir', dataDir, ...args];
}

function runReadOnly(way: ReadOnlyWay, dataDir: string, args: string[]): CliResult {
  const [cmd, argv] = readOnlyArgv(way, dataDir, cliArgv(dataDir, args));
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NORMKIT_HOME: '' }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** chmod a-w over a tree (files 0444, folders 0555). */
function chmodTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) chmodTree(p);
    else chmodSync(p, 0o444);
  }
  chmodSync(dir, 0o555);
}

test('a read-only data dir: reading commands work, writing ones fail naming the path, serve --read-only serves', async (t) => {
  const dir = tempDir(t);
  // Its own folder: made writable again before it is removed.
  const data = mkdtempSync(join(tmpdir(), 'normkit-ro-'));
  t.after(() => {
    spawnSync('chmod', ['-R', 'u+w', data]);
    rmSync(data, { recursive: true, force: true });
  });
  const way = readOnlyWay(data);
  const vocab = join(dir, 'cond.jsonl');
  writeFileSync(vocab, Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `C${i + 1}`, name: `condition number ${i + 1}`, synonyms: [`cond ${i + 1}`] })).join('\n') + '\n');
  assert.equal(runCli(['vocab', 'import', vocab, '--format', 'jsonl', '--name', 'cond'], data).status, 0);
  assert.equal(runCli(['build', '--vocab', 'cond', '--preset', 'lexical'], data).status, 0);
  if (way !== 'namespace') chmodTree(data);
  const before = readdirSync(data).sort();

  const noTrace = (r: CliResult): void => assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, r.stderr);
  for (const args of [['vocab', 'list', '--json'], ['vocab', 'stats', 'cond'], ['vocab', 'show', 'cond', 'C3'], ['apikey', 'list']]) {
    const r = runReadOnly(way, data, args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.match(runReadOnly(way, data, ['vocab', 'list', '--json']).stdout, /"concepts": 8/);
  // The lexical index built above is read; the medical preset's is not built: it is built in memory.
  for (const preset of ['lexical', 'medical']) {
    const link = runReadOnly(way, data, ['link', 'cond', 'condition number 3', '--preset', preset, '--json']);
    assert.equal(link.status, 0, link.stderr);
    assert.equal(JSON.parse(link.stdout).candidates[0].conceptId, 'C3');
  }

  const store = join(data, 'normkit.db');
  for (const args of [['vocab', 'import', vocab, '--name', 'cond'], ['vocab', 'remove', 'cond'], ['apikey', 'create', '--name', 'x']]) {
    const r = runReadOnly(way, data, args);
    assert.equal(r.status, 6, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`cannot write the store ${store}`), r.stderr);
    noTrace(r);
  }
  const build = runReadOnly(way, data, ['build', '--vocab', 'cond', '--preset', 'medical']);
  assert.equal(build.status, 6, build.stderr);
  assert.ok(build.stderr.includes(`cannot write the build cache ${join(data, 'indexes')}`), build.stderr);
  noTrace(build);

  // The replica: serves the indexes built on the data dir.
  const [cmd, argv] = readOnlyArgv(way, data, cliArgv(data, ['serve', '--read-only', '--vocab', 'cond=lexical', '--port', '0', '--workers', '1']));
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, NORMKIT_HOME: '', NORMKIT_LOG_LEVEL: 'silent' } });
  t.after(() => child.kill('SIGKILL'));
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 90_000);
    const seen = (d: Buffer): void => {
      log += d.toString();
      const m = /serving on (http:\/\/\S+) /.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${log}`)));
  });
  let ready = 0;
  for (let i = 0; i < 300 && ready !== 200; i++) {
    ready = (await fetch(`${url}/readyz`)).status;
    if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(ready, 200, log);
  const res = await fetch(`${url}/v1/link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'cond 5', vocabulary: 'cond' }) });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { mentions: Array<{ concepts: Array<{ id: string }> }> }).mentions[0]!.concepts[0]!.id, 'C5');
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  // Nothing was written: no -shm, -wal or temporary file appeared.
  assert.deepEqual(readdirSync(data).sort(), before);
});
