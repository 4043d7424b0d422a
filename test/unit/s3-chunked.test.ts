// The emulator's aws-chunked decoding and upload checksums (what S3 refuses as BadDigest).
import { describe, expect, it } from 'vitest';
import { computeChecksum, verifyUpload } from '../emulator/s3/checksums.ts';
import { decodeAwsChunked } from '../emulator/s3/chunked.ts';

function encode(parts: string[], trailer: string, signed = false): Buffer {
  const ext = (sig: string) => (signed ? `;chunk-signature=${sig}` : '');
  const chunks = parts.map((p) => `${Buffer.byteLength(p).toString(16)}${ext('ab')}\r\n${p}\r\n`);
  return Buffer.from(`${chunks.join('')}0${ext('cd')}\r\n${trailer}\r\n`);
}

describe('decodeAwsChunked', () => {
  it('joins the chunks and reads the trailing checksum, signed or not', () => {
    for (const signed of [false, true]) {
      const crc = computeChecksum('crc32', Buffer.from('hello, world'));
      const out = decodeAwsChunked(
        encode(['hello', ', world'], `x-amz-checksum-crc32:${crc}\r\n`, signed),
      );
      expect(out.data.toString()).toBe('hello, world');
      expect(out.trailers['x-amz-checksum-crc32']).toBe(crc);
    }
  });

  it('refuses a body cut short as IncompleteBody', () => {
    const whole = encode(['hello'], '');
    expect(() => decodeAwsChunked(whole.subarray(0, 6))).toThrow(/number of bytes specified/);
  });
});

describe('verifyUpload', () => {
  it('refuses a trailing checksum that does not match the bytes', () => {
    const wrong = computeChecksum('crc32', Buffer.from('other'));
    expect(() =>
      verifyUpload(Buffer.from('data'), {}, { 'x-amz-checksum-crc32': wrong ?? '' }),
    ).toThrow('The CRC32 you specified did not match the calculated checksum.');
  });

  it('keeps the checksums that match, and Content-MD5 is checked too', () => {
    const data = Buffer.from('data');
    const sha256 = computeChecksum('sha256', data) ?? '';
    expect(verifyUpload(data, { 'x-amz-checksum-sha256': sha256 }, {})).toEqual({ sha256 });
    expect(() => verifyUpload(data, { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }, {})).toThrow(
      /Content-MD5/,
    );
  });
});
