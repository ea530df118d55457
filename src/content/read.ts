import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { report } from '../diagnostics/report.js';

/** Larger files are refused before parsing: a guide is a few kB, and parsers are not free. */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface SourceFile {
  file: VFile;
  /** The decoded text, or undefined when the file cannot be read as text (errors are on `file`). */
  text: string | undefined;
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column of a byte offset, counting only the valid prefix. */
function pointAtByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lines = before.split('\n');
  // UTF-16 units, as remark, yaml and every other position in careprint count columns.
  return { line: lines.length, column: (lines.at(-1) ?? '').length + 1 };
}

/**
 * Read one content file into a VFile whose path is relative to `cwd` (as reports print it).
 * Size, encoding and emptiness are checked here, before any parser sees the text.
 */
export async function readSourceFile(absolutePath: string, cwd: string): Promise<SourceFile> {
  const file = new VFile({ path: path.relative(cwd, absolutePath) || absolutePath, cwd });
  file.data.absolutePath = absolutePath;
  const info = await stat(absolutePath);
  if (info.size > MAX_FILE_BYTES) {
    report(file, 'file-too-large', `File is ${info.size} bytes; careprint reads files up to ${MAX_FILE_BYTES} bytes`, undefined);
    file.value = '';
    return { file, text: undefined };
  }
  const bytes = new Uint8Array(await readFile(absolutePath));
  const invalid = firstInvalidUtf8(bytes);
  if (invalid >= 0) {
    report(file, 'file-encoding', `Invalid UTF-8 byte 0x${bytes[invalid]!.toString(16).padStart(2, '0')}: save the file as UTF-8`, {
      start: pointAtByte(bytes, invalid),
    });
    file.value = '';
    return { file, text: undefined };
  }
  // A byte-order mark is not content; dropping it keeps line 1's columns true.
  let text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  text = text.replace(/\r\n?/g, '\n');
  file.value = text;
  if (text.trim() === '') {
    report(file, 'file-empty', 'File is empty', undefined);
    return { file, text: undefined };
  }
  return { file, text };
}

declare module 'vfile' {
  interface DataMap {
    absolutePath: string;
  }
}
