// The integrity checks S3 makes on an upload: Content-MD5 and the flexible checksums
// (x-amz-checksum-<algorithm>, in a header or an aws-chunked trailer).
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from './errors.ts';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;

/** base64 of the checksum; undefined for the algorithms the emulator cannot compute. */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): string | undefined {
  switch (algorithm) {
    case 'crc32': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(data) >>> 0);
      return b.toString('base64');
    }
    case 'sha1':
    case 'sha256':
      return createHash(algorithm).update(data).digest('base64');
    default:
      return undefined; // crc32c and crc64nvme are stored as sent, unverified
  }
}

/** The checksums a request claims, from its headers and trailers; BadDigest when one is wrong. */
export function verifyUpload(
  data: Buffer,
  headers: Record<string, string | string[] | undefined>,
  trailers: Record<string, string>,
): Checksums {
  const md5 = headers['content-md5'];
  if (typeof md5 === 'string' && md5 !== createHash('md5').update(data).digest('base64')) {
    throw new S3Error(
      400,
      'BadDigest',
      'The Content-MD5 you specified did not match what we received.',
    );
  }
  const claimed: Checksums = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${algorithm}`;
    const value = trailers[name] ?? headers[name];
    if (typeof value !== 'string') continue;
    const actual = computeChecksum(algorithm, data);
    if (actual !== undefined && actual !== value) {
      throw new S3Error(
        400,
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
    claimed[algorithm] = value;
  }
  return claimed;
}
