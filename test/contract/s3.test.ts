// S3 PutObject / HeadObject / GetObject through the real SDK client and the action's adapter:
// large bodies, aws-chunked streams with trailing checksums, versioning, errors.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Api, defaultS3Key, type S3Api } from '../../src/aws/s3.ts';
import { expectAwsError, lcgBytes } from './helpers.ts';
import { startFront, type TestFront } from './sts-s3-server.ts';

const region = 'us-east-1';
let front: TestFront;
let s3: S3Client;
let api: S3Api & { destroy(): void };

beforeAll(async () => {
  front = await startFront();
  const config = { region, endpoint: front.url, maxAttempts: 1 };
  s3 = new S3Client(config);
  api = await createS3Api(config);
});
afterAll(async () => {
  s3.destroy();
  api.destroy();
  await front.close();
});
beforeEach(() => {
  front.s3.reset();
  front.calls.length = 0;
  front.s3.createBucket({ name: 'artifacts-versioned', versioning: true });
  front.s3.createBucket({ name: 'artifacts-plain' });
});

/** Bytes that differ throughout (a repeated pattern would hide an offset bug). */
const body = lcgBytes;
const md5 = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const MB = 1024 * 1024;

describe('the adapter', () => {
  it('uploads a 60 MB zip, finds it with HeadObject, and Lambda can read that exact version', async () => {
    const zip = body(60 * MB);
    const key = defaultS3Key(sha256(zip).toString('hex'), 'orders');
    expect(await api.headObject('artifacts-versioned', key)).toBeUndefined();
    const put = await api.putObject(
      'artifacts-versioned',
      key,
      zip,
      sha256(zip).toString('base64'),
    );
    expect(put.etag).toBe(md5(zip));
    expect(put.versionId).toBeDefined();
    const head = await api.headObject('artifacts-versioned', key);
    expect(head).toEqual({
      size: zip.length,
      etag: md5(zip),
      versionId: put.versionId,
      metadata: { 'code-sha256': sha256(zip).toString('base64') },
      // HeadObject asks for the checksum S3 stored (ChecksumMode ENABLED).
      checksumSha256: sha256(zip).toString('base64'),
    });
    expect(front.s3.getObject('artifacts-versioned', key, put.versionId)?.equals(zip)).toBe(true);
    const putCall = front.calls.find((c) => c.operation === 'PUT');
    // Path-style: the SDK puts the bucket in the path for an IP endpoint.
    expect(putCall?.path).toBe(`/artifacts-versioned/${key}`);
    expect(putCall?.headers['x-amz-checksum-sha256']).toBe(sha256(zip).toString('base64'));
  });

  it('keeps every version in a versioned bucket and none in a plain one', async () => {
    const first = await api.putObject(
      'artifacts-versioned',
      'k.zip',
      body(10, 1),
      sha256(body(10, 1)).toString('base64'),
    );
    const second = await api.putObject(
      'artifacts-versioned',
      'k.zip',
      body(10, 2),
      sha256(body(10, 2)).toString('base64'),
    );
    expect(first.versionId).not.toBe(second.versionId);
    expect(
      front.s3.getObject('artifacts-versioned', 'k.zip', first.versionId)?.equals(body(10, 1)),
    ).toBe(true);
    expect(front.s3.getObject('artifacts-versioned', 'k.zip')?.equals(body(10, 2))).toBe(true);
    const plain = await api.putObject(
      'artifacts-plain',
      'k.zip',
      body(10),
      sha256(body(10)).toString('base64'),
    );
    expect(plain.versionId).toBeUndefined();
  });

  it('refuses bytes that do not match the SHA-256 it was given (BadDigest)', async () => {
    const call = api.putObject(
      'artifacts-plain',
      'k.zip',
      body(100),
      sha256(body(99)).toString('base64'),
    );
    await expectAwsError(call, 'BadDigest', 400, /SHA256 you specified did not match/);
    expect(front.s3.getObject('artifacts-plain', 'k.zip')).toBeUndefined();
  });

  it('says NoSuchBucket for a bucket that does not exist', async () => {
    const call = api.putObject(
      'missing-bucket',
      'k.zip',
      body(8),
      sha256(body(8)).toString('base64'),
    );
    await expectAwsError(call, 'NoSuchBucket', 404, 'The specified bucket does not exist');
    expect(await api.headObject('missing-bucket', 'k.zip')).toBeUndefined();
  });
});

describe('the SDK client', () => {
  it('streams a 60 MB body with aws-chunked and a trailing CRC32, and reads it back checked', async () => {
    const data = body(60 * MB, 7);
    const chunks = Array.from({ length: 60 }, (_, i) => data.subarray(i * MB, (i + 1) * MB));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'artifacts-plain',
        Key: 'big.zip',
        Body: Readable.from(chunks),
        ContentLength: data.length,
      }),
    );
    expect(put.ETag).toBe(md5(data));
    const putCall = front.calls.find((c) => c.operation === 'PUT');
    expect(putCall?.headers['content-encoding']).toContain('aws-chunked');
    expect(putCall?.headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    expect(front.s3.getObject('artifacts-plain', 'big.zip')?.equals(data)).toBe(true);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'artifacts-plain', Key: 'big.zip' }));
    // The SDK asks for the checksum and verifies the bytes against it while reading.
    expect(got.ChecksumCRC32).toBeDefined();
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(data)).toBe(true);
  });

  it('puts a Buffer with a CRC32 header by default', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'artifacts-plain', Key: 'small', Body: body(1000) }),
    );
    const putCall = front.calls.find((c) => c.operation === 'PUT');
    expect(putCall?.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(putCall?.headers['content-encoding']).toBeUndefined();
  });

  it('answers NoSuchKey and NoSuchVersion for what is not there', async () => {
    await expectAwsError(
      s3.send(new GetObjectCommand({ Bucket: 'artifacts-plain', Key: 'nope' })),
      'NoSuchKey',
      404,
      'The specified key does not exist.',
    );
    await api.putObject('artifacts-versioned', 'k', body(4), sha256(body(4)).toString('base64'));
    await expectAwsError(
      s3.send(
        new GetObjectCommand({ Bucket: 'artifacts-versioned', Key: 'k', VersionId: 'v-nope' }),
      ),
      'NoSuchVersion',
      404,
    );
  });
});

describe('defaultS3Key', () => {
  const hex = 'ab'.repeat(32);
  it('is the same for the same code and function, whatever form names the function', () => {
    expect(defaultS3Key(hex, 'orders')).toBe(`lambda-gated-release/orders/${hex}.zip`);
    expect(
      defaultS3Key(hex.toUpperCase(), 'arn:aws:lambda:us-east-1:123456789012:function:orders:live'),
    ).toBe(`lambda-gated-release/orders/${hex}.zip`);
    expect(defaultS3Key(hex, '123456789012:function:orders')).toBe(
      `lambda-gated-release/orders/${hex}.zip`,
    );
  });
  it('refuses what is not a SHA-256 digest', () => {
    expect(() => defaultS3Key('abc', 'orders')).toThrow(/not a SHA-256/);
  });
});
