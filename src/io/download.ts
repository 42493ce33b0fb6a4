/**
 * Resumable, verified, atomic downloads.
 *
 * Bytes go to `<dest>.part`; an interrupted download resumes from there with an HTTP
 * Range request. The finished file is hashed, checked against the expected sha256 (if
 * any) and only then renamed to `dest`, so `dest` is always complete and verified. The
 * sha256 is kept in `<dest>.sha256` so a later call can tell the file is already there.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NetworkError, NormkitError } from '../core/errors.js';
import { silentProgress, type Progress } from '../core/progress.js';
import { writeAtomic } from './atomic.js';

export interface DownloadOptions {
  /** Expected lowercase hex sha256; the download fails (and is removed) if it differs. */
  sha256?: string;
  progress?: Progress;
  /** Abort when no bytes arrive for this long. Default 60 s. */
  idleTimeoutMs?: number;
  /** Text for errors that suggests what to do when offline. */
  offlineHint?: string;
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
}

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
  /** False when a verified copy was already in place. */
  downloaded: boolean;
  /** True when an earlier partial download was continued. */
  resumed: boolean;
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** The sha256 recorded beside an already-downloaded file, when the file is still intact. */
export async function verifiedCopy(dest: string, expected?: string): Promise<string | undefined> {
  const size = await sizeOf(dest);
  if (size === undefined) return undefined;
  let recorded: string | undefined;
  try {
    recorded = (await readFile(`${dest}.sha256`, 'utf8')).trim();
  } catch {
    return undefined;
  }
  if (expected && recorded !== expected) return undefined;
  return (await sha256File(dest)) === recorded ? recorded : undefined;
}

export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const progress = options.progress ?? silentProgress;
  const existing = await verifiedCopy(dest, options.sha256);
  if (existing) return { path: dest, sha256: existing, bytes: (await stat(dest)).size, downloaded: false, resumed: false };

  await mkdir(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const have = (await sizeOf(part)) ?? 0;
  const controller = new AbortController();
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => controller.abort(), idleMs);
  const poke = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), idleMs);
  };

  let resumed = false;
  try {
    let res: Response;
    try {
      res = await fetch(url, { headers: { ...options.headers, ...(have > 0 ? { Range: `bytes=${have}-` } : {}) }, signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw networkError(url, err, options.offlineHint);
    }
    if (res.status === 416 && have > 0) {
      // The part file already holds every byte (or more): verify it as it is.
      await res.body?.cancel();
    } else {
      if (!res.ok) {
        await res.body?.cancel();
        throw new NetworkError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
      }
      resumed = res.status === 206 && have > 0;
      const length = Number(res.headers.get('content-length') ?? 0);
      progress.start(`downloading ${url.split('/').pop() ?? url}`, (resumed ? have : 0) + length, 'B');
      if (resumed) progress.advance(have);
      const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
      try {
        if (res.body) {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            poke();
            if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
            progress.advance(chunk.length);
          }
        }
      } catch (err) {
        throw networkError(url, err, `${options.offlineHint ?? ''}\nThe partial download is kept in ${part}; run the command again to resume.`.trim());
      } finally {
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
        progress.stop();
      }
    }
  } finally {
    clearTimeout(idle);
  }

  const sha256 = await sha256File(part);
  if (options.sha256 && sha256 !== options.sha256) {
    await rm(part, { force: true });
    throw new NormkitError(
      `checksum mismatch for ${url}: expected sha256 ${options.sha256}, got ${sha256}. The download was deleted; run the command again, and if it keeps failing the file on the server has changed.`,
      3,
    );
  }
  await rename(part, dest);
  writeAtomic(`${dest}.sha256`, `${sha256}\n`);
  return { path: dest, sha256, bytes: (await stat(dest)).size, downloaded: true, resumed };
}

function networkError(url: string, err: unknown, hint?: string): NetworkError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code;
  const aborted = e.name === 'AbortError';
  const offline = aborted || (code !== undefined && OFFLINE_CODES.has(code));
  const what = aborted ? 'no data received before the idle timeout' : code ?? e.cause?.message ?? e.message ?? String(err);
  const lead = offline ? 'cannot reach the server (offline, or the host is unreachable)' : 'download failed';
  return new NetworkError(`${lead}: ${url} (${what})${hint ? `\n${hint}` : ''}`);
}
