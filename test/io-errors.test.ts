/**
 * I/O errors (a full disk, a read-only or forbidden path, a path through a file) are an
 * IoError: exit 6, a message naming the path, no stack trace. A failed atomic write leaves
 * no temporary file; the temporaries of killed processes are removed by the next build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExitCode, InputError, IoError, ioErrorOf } from '../src/core/errors.js';
import { isWritable, removeStaleTemporaries, writeAtomic, writeAtomicWith } from '../src/io/atomic.js';
import { BuildCache } from '../src/pipeline/cache.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

/** A system error as Node makes them. */
function sysError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, ...(path ? { path } : {}) });
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

test('ioErrorOf: ENOSPC, EACCES, EROFS and SQLite full/read-only errors become an IoError naming the path', () => {
  const full = ioErrorOf(sysError('ENOSPC', 'write'), '/data/indexes/x.bin');
  assert.ok(full instanceof IoError);
  assert.equal(full.exitCode, ExitCode.io);
  assert.equal(full.exitCode, 6);
  assert.equal(full.message, 'cannot write /data/indexes/x.bin: no space left on the device (ENOSPC)');
  assert.equal(full.path, '/data/indexes/x.bin');
  // The error's own path comes first.
  assert.equal(ioErrorOf(sysError('EACCES', 'open', '/etc/normkit.db'), '/other')?.message, 'cannot open /etc/normkit.db: permission denied (EACCES)');
  assert.equal(ioErrorOf(sysError('EROFS', 'mkdir', '/mnt/ro/indexes'))?.message, 'cannot create the folder /mnt/ro/indexes: read-only file system (EROFS)');
  const rename = Object.assign(sysError('EXDEV', 'rename', '/a'), { dest: '/b' });
  assert.equal(ioErrorOf(rename), undefined);
  assert.match(ioErrorOf(Object.assign(sysError('EACCES', 'rename', '/a'), { dest: '/b' }))?.message ?? '', /^cannot rename \/a to \/b: permission denied/);
  const sqlite = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  assert.equal(ioErrorOf(sqlite, '/data/normkit.db')?.message, 'cannot use the store /data/normkit.db: database or disk is full (SQLITE_FULL)');
  assert.match(ioErrorOf(Object.assign(new Error('x'), { code: 'SQLITE_READONLY_DBMOVED' }), '/d/n.db')?.message ?? '', /read-only \(SQLITE_READONLY_DBMOVED\)/);
  // Not I/O errors: left as they are.
  assert.equal(ioErrorOf(sysError('ENOENT', 'open', '/x')), undefined);
  assert.equal(ioErrorOf(new TypeError('bug')), undefined);
  assert.equal(ioErrorOf(new InputError([{ file: 'f', reason: 'r', message: 'm' }])), undefined);
  assert.equal(ioErrorOf('a string'), undefined);
});

test('a failed atomic write is an IoError naming the path and leaves no temporary file', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  // A path through a file: ENOTDIR.
  assert.throws(() => writeAtomic(join(file, 'index.bin'), 'data'), (err: unknown) => {
    assert.ok(err instanceof IoError, String(err));
    assert.equal(err.code, 'ENOTDIR');
    assert.ok(err.message.includes(join(file, 'index.bin')), err.message);
    return true;
  });
  // A full disk (/dev/full answers every write with ENOSPC) mid-write.
  const target = join(dir, 'target.bin');
  writeFileSync(target, 'old');
  assert.throws(
    () =>
      writeAtomicWith(target, (tmp) => {
        writeFileSync(tmp, 'half');
        writeFileSync('/dev/full', 'the rest');
      }),
    (err: unknown) => err instanceof IoError && err.code === 'ENOSPC' && err.message === `cannot write ${target}: no space left on the device (ENOSPC)`,
  );
  assert.equal(readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir).sort(), ['a-file', 'target.bin']);
  assert.equal(isWritable(join(dir, 'missing', 'deeper')), true);
  assert.equal(isWritable(join(file, 'x', 'y')), false);
});

test('stale temporaries (pid no longer running) are removed; live ones are kept', (t) => {
  const dir = tempDir(t);
  const dead = deadPid();
  mkdirSync(join(dir, 'cond'));
  mkdirSync(join(dir, 'encoders', `abc.tmp-${dead}`), { recursive: true });
  const stale = [join(dir, 'cond', `lexical-1.bin.${dead}.tmp`), join(dir, 'encoders', `abc.tmp-${dead}`)];
  const live = [join(dir, 'cond', `lexical-2.bin.${process.pid}.tmp`), join(dir, 'cond', 'lexical-3.bin'), join(dir, 'cond', 'notes.tmp')];
  for (const f of [stale[0]!, ...live]) writeFileSync(f, 'x');
  assert.deepEqual(removeStaleTemporaries(dir).sort(), [...stale].sort());
  for (const f of stale) assert.equal(existsSync(f), false, f);
  for (const f of live) assert.equal(existsSync(f), true, f);
  // Opening a build cache sweeps it.
  writeFileSync(stale[0]!, 'x');
  new BuildCache(dir);
  assert.equal(existsSync(stale[0]!), false);
  assert.equal(new BuildCache(undefined).writable, false);
});

test('CLI: a data dir through a file, and a cache file that cannot be replaced, exit 6 naming the path; build leaves no .tmp', (t) => {
  const dir = tempDir(t);
  const vocab = join(dir, 'cond.jsonl');
  writeFileSync(vocab, Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `C${i + 1}`, name: `condition number ${i + 1}` })).join('\n') + '\n');
  const blocker = join(dir, 'not-a-folder');
  writeFileSync(blocker, '');
  const bad = runCli(['vocab', 'import', vocab, '--format', 'jsonl', '--name', 'cond'], join(blocker, 'data'));
  assert.equal(bad.status, 6, bad.stderr);
  assert.match(bad.stderr, new RegExp(`^normkit: cannot create the folder ${blocker}.*: a part of the path is not a folder \\(ENOTDIR\\)\\n$`));

  const data = join(dir, 'data');
  assert.equal(runCli(['vocab', 'import', vocab, '--format', 'jsonl', '--name', 'cond'], data).status, 0);
  assert.equal(runCli(['build', '--vocab', 'cond', '--preset', 'lexical'], data).status, 0);
  const cached = join(data, 'indexes', 'cond');
  const [index] = readdirSync(cached);
  assert.match(index!, /^lexical-.*\.bin$/);
  // The index file replaced by a folder: the build reads it as damaged, builds it again and cannot rename over it.
  rmSync(join(cached, index!));
  mkdirSync(join(cached, index!, 'inside'), { recursive: true });
  const stale = join(cached, `old.bin.${deadPid()}.tmp`);
  writeFileSync(stale, 'left by a killed build');
  const failed = runCli(['build', '--vocab', 'cond', '--preset', 'lexical'], data);
  assert.equal(failed.status, 6, failed.stderr);
  assert.ok(failed.stderr.includes(join(cached, index!)), failed.stderr);
  assert.doesNotMatch(failed.stderr, /internal error|\n\s+at /);
  assert.deepEqual(readdirSync(cached).filter((f) => f.includes('.tmp')), []);
});
