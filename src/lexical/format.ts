/**
 * The lexical index's binary format (`LexicalIndex.toBuffer` / `fromBuffer`), for caching
 * an index beside its vocabulary: a little-endian u32 header length (in an 8-byte slot), a
 * JSON header (format tag, options, terms, concept ids, feature strings, array sizes), zero
 * padding to a multiple of 8, then the typed arrays' raw bytes in a fixed order. The padding
 * keeps every Float64Array 8-byte aligned within the buffer.
 */
import type { IndexedTerm, IndexParts, LexicalOptions } from './types.js';

const FORMAT = 'normkit-lexical-3';

/** The header as written: terms as [text, norm, lang], their concepts given by `conceptStart`. */
interface Header {
  format: string;
  options: Required<LexicalOptions>;
  mainLang: string;
  avgdl: number;
  conceptIds: string[];
  terms: Array<[string, string, string]>;
  charFeatures: string[];
  wordFeatures: string[];
  sizes: number[];
}

/** Bytes of padding after an 8-byte length slot and a header of `headLen` bytes. */
const padding = (headLen: number): number => (8 - ((8 + headLen) % 8)) % 8;

/** An index's parts as bytes (read back by `readIndex`). */
export function writeIndex(parts: IndexParts): Buffer {
  const { char, word } = parts;
  const arrays = [char.idf, char.offsets, char.docs, char.weights, word.idf, word.offsets, word.docs, word.weights, parts.conceptStart];
  const header = Buffer.from(
    JSON.stringify({
      format: FORMAT,
      options: parts.options,
      mainLang: parts.mainLang,
      avgdl: parts.avgdl,
      conceptIds: parts.conceptIds,
      terms: parts.terms.map((t) => [t.text, t.norm, t.lang]),
      charFeatures: char.features,
      wordFeatures: word.features,
      sizes: arrays.map((a) => a.length),
    } satisfies Header),
    'utf8',
  );
  const len = Buffer.alloc(8);
  len.writeUInt32LE(header.length, 0);
  const pad = Buffer.alloc(padding(header.length));
  return Buffer.concat([len, header, pad, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
}

/** The parts of an index written by `writeIndex`. Throws if the bytes are not one. */
export function readIndex(buf: Buffer): IndexParts {
  const headLen = buf.readUInt32LE(0);
  const h = JSON.parse(buf.subarray(8, 8 + headLen).toString('utf8')) as Header;
  if (h.format !== FORMAT) throw new Error(`not a ${FORMAT} index (found ${String(h.format)})`);
  let at = 8 + headLen + padding(headLen);
  let next = 0;
  // Each array copied out of `buf`: its own ArrayBuffer, aligned, and not pinning the file's bytes.
  const take = <T extends Float64Array | Int32Array | Float32Array>(C: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T => {
    const bytes = h.sizes[next++]! * C.BYTES_PER_ELEMENT;
    const copy = new Uint8Array(bytes);
    copy.set(buf.subarray(at, at + bytes));
    at += bytes;
    return new C(copy.buffer);
  };
  const char = { features: h.charFeatures, idf: take(Float64Array), offsets: take(Int32Array), docs: take(Int32Array), weights: take(Float32Array) };
  const word = { features: h.wordFeatures, idf: take(Float64Array), offsets: take(Int32Array), docs: take(Int32Array), weights: take(Float32Array) };
  const conceptStart = take(Int32Array);
  const terms: IndexedTerm[] = [];
  h.conceptIds.forEach((conceptId, c) => {
    for (let d = conceptStart[c]!; d < conceptStart[c + 1]!; d++) {
      const [text, norm, lang] = h.terms[d]!;
      terms.push({ conceptId, text, norm, lang });
    }
  });
  return { options: h.options, terms, conceptIds: h.conceptIds, conceptStart, mainLang: h.mainLang, avgdl: h.avgdl, char, word };
}
