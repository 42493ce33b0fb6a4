import { createReadStream } from 'node:fs';

/** One line of a text file, or the reason it could not be read. `lineNo` is 1-based. */
export type LineResult =
  | { lineNo: number; text: string }
  | { lineNo: number; error: 'oversized-line' | 'invalid-utf8'; message: string };

export interface ReadLinesOptions {
  /** Lines longer than this many bytes are reported, never buffered whole. Default 1 MiB. */
  maxLineBytes?: number;
  /** Called with the number of bytes read so far (for progress bars). */
  onBytes?: (bytesRead: number) => void;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Streams the lines of a UTF-8 file without ever holding more than one line (capped
 * at `maxLineBytes`) in memory. Strips a BOM and CRLF endings. Invalid UTF-8 and
 * oversized lines are yielded as errors, so the caller can fail or skip them.
 */
export async function* readLines(path: string | NodeJS.ReadableStream, options: ReadLinesOptions = {}): AsyncGenerator<LineResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversized = false;
  let lineNo = 0;
  let bytesRead = 0;

  const finishLine = (last: Buffer): LineResult => {
    lineNo++;
    if (oversized) {
      const bytes = pendingBytes + last.length;
      pending = [];
      pendingBytes = 0;
      oversized = false;
      return {
        lineNo,
        error: 'oversized-line',
        message: `line is ${bytes} bytes, over the limit of ${maxLineBytes} bytes (raise it with --max-line-bytes)`,
      };
    }
    let buf = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    if (buf.length > 0 && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    try {
      let text = decoder.decode(buf);
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { lineNo, text };
    } catch {
      const at = firstInvalidUtf8(buf);
      return { lineNo, error: 'invalid-utf8', message: `invalid UTF-8 at byte ${at} of the line` };
    }
  };

  const stream = typeof path === 'string' ? createReadStream(path, { highWaterMark: 1 << 16 }) : path;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (oversized || pendingBytes + piece.length > maxLineBytes) {
        oversized = true;
        pendingBytes += piece.length;
        yield finishLine(Buffer.alloc(0));
      } else {
        yield finishLine(piece);
      }
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      if (oversized || pendingBytes + rest.length > maxLineBytes) {
        // Count the bytes but stop buffering: the line is reported, not kept.
        oversized = true;
        pendingBytes += rest.length;
        pending = [];
      } else {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    options.onBytes?.(bytesRead);
  }
  if (pendingBytes > 0 || oversized) yield finishLine(Buffer.alloc(0));
}

/** Byte offset (0-based) of the first byte that breaks UTF-8 in `buf`. */
function firstInvalidUtf8(buf: Buffer): number {
  const d = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = buf.length;
  // Longest valid prefix by bisection (decode is linear, so this is O(n log n) on an error path only).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      d.decode(buf.subarray(0, mid), { stream: true });
      d.decode();
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
