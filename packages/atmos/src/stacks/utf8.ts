/** Manifest bytes -> text. */
import { isUtf8 } from 'node:buffer';
import { AtmosUserError } from '../errors/user-error';

/**
 * A manifest is UTF-8 text (Go's yaml.v3, Atmos's parser, rejects anything else): an invalid
 * byte is an error at its line and column, never a replacement character that changes a value.
 */
export function decodeUtf8(bytes: Buffer, file: string): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Find the first bad byte: the longest prefix that decodes, narrowed by halves.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid));
      good = mid;
    } catch {
      bad = mid;
    }
  }
  // A prefix may end inside a valid multi-byte sequence: step back to the start of the character.
  let offset = good;
  while (offset > 0 && (bytes[offset] & 0xc0) === 0x80) offset--;
  const before = bytes.subarray(0, offset).toString('utf8');
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  throw new AtmosUserError('YAML_SYNTAX', `invalid UTF-8 (byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset}): a manifest must be UTF-8 text`,
    { file, line, column }, 're-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)');
}
