// Input bytes to text: UTF-8 only, refused (never repaired) when malformed, so the text that
// is checked, stored and served back is exactly the bytes the user sent.

import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors.ts';

/**
 * Decodes UTF-8 input. A byte order mark is kept (the YAML and JSON readers skip it), so
 * encoding the text again gives back the same bytes. Throws InputError BNK_ERR_ENCODING at
 * the first malformed sequence, with its byte offset, line and column.
 */
export function decodeInput(bytes: Uint8Array, file: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return buffer.toString('utf8');
  const offset = firstInvalidByte(buffer);
  const before = buffer.subarray(0, offset).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = countNewlines(before) + 1;
  const column = [...before.slice(lineStart)].length + 1;
  const shown = Array.from(buffer.subarray(offset, offset + 4), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  throw new InputError([
    {
      code: 'BNK_ERR_ENCODING',
      message: `not valid UTF-8 at byte ${offset} (bytes ${shown}): save the file as UTF-8 (Shift_JIS, EUC-JP and other encodings are not read)`,
      loc: { file, line, column },
    },
  ]);
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Offset of the first byte that starts no well-formed UTF-8 sequence (Unicode 15, table 3-7). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => k < n && bytes[k]! >= lo && bytes[k]! <= hi;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      if (!cont(i + 1)) return i;
      i += 2;
      continue;
    }
    if (b >= 0xe0 && b <= 0xef) {
      const lo = b === 0xe0 ? 0xa0 : 0x80;
      const hi = b === 0xed ? 0x9f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2)) return i;
      i += 3;
      continue;
    }
    if (b >= 0xf0 && b <= 0xf4) {
      const lo = b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xf4 ? 0x8f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return i;
      i += 4;
      continue;
    }
    return i;
  }
  return n;
}
