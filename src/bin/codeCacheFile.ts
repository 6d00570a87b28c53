import { crc32 } from 'node:zlib';

/*
 * The code cache file: a header, then V8's cache data as is.
 *
 * V8 checks a cache against its source by length only, and in release builds
 * does not checksum the data: a cache from another bundle of the same length,
 * or a damaged file, would crash the process or run the wrong code. So the
 * header names the bundle it was made from and the data it carries, by CRC-32
 * (about a millisecond for both; this guards against accidents, not attackers,
 * who could change the bundle itself).
 */

const MAGIC = 0x52574343; // "RWCC"
const HEADER_BYTES = 12;

export function encodeCodeCache(bundle: Buffer, cachedData: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(crc32(bundle), 4);
  header.writeUInt32BE(crc32(cachedData), 8);
  return Buffer.concat([header, cachedData]);
}

/** V8's cache data in `file`, or undefined when the file was not made from `bundle` or is damaged. */
export function decodeCodeCache(file: Buffer, bundle: Buffer): Buffer | undefined {
  if (file.length <= HEADER_BYTES || file.readUInt32BE(0) !== MAGIC) return undefined;
  if (file.readUInt32BE(4) !== crc32(bundle)) return undefined;
  const cachedData = file.subarray(HEADER_BYTES);
  return file.readUInt32BE(8) === crc32(cachedData) ? cachedData : undefined;
}
