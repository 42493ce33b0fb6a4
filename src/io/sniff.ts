import { open } from 'node:fs/promises';

/** The first bytes of a file, and what kind of file they reveal when it is plainly not text. */
export interface FileHead {
  path: string;
  /** The first bytes as text (UTF-8, lossy), for format detection. */
  text: string;
  /** Set when the bytes show a binary or non-UTF-8 container (gzip, zip, PDF, UTF-16…). */
  binaryKind?: string;
}

const MAGIC: Array<[number[], string]> = [
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (or an .xlsx/.docx file)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'a legacy Microsoft Office file (.xls/.doc)'],
  [[0xff, 0xfe], 'UTF-16 text (save it as UTF-8)'],
  [[0xfe, 0xff], 'UTF-16 text (save it as UTF-8)'],
  [[0x42, 0x5a, 0x68], 'a bzip2 archive'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'an xz archive'],
];

export async function readHead(path: string, bytes = 4096): Promise<FileHead> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    const head = buf.subarray(0, bytesRead);
    const found = MAGIC.find(([magic]) => magic.every((b, i) => head[i] === b));
    let binaryKind = found?.[1];
    if (!binaryKind && head.includes(0)) binaryKind = 'a binary file';
    return { path, text: head.toString('utf8').replace(/^\uFEFF/, ''), ...(binaryKind ? { binaryKind } : {}) };
  } finally {
    await fh.close();
  }
}
