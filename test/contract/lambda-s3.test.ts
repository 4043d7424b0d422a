// S3 in the emulator's server, and Lambda reading code from it: the real SDK v3 clients,
// path-style requests, UpdateFunctionCode with S3Bucket/S3Key/S3ObjectVersion.
import { createHash } from 'node:crypto';
import {
  GetFunctionCommand,
  type LambdaClient,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.ts';
import {
  credentials,
  expectAwsError,
  lcgBytes,
  sha256Base64,
  until,
  useEmulator,
} from './helpers.ts';

let emu: Emulator;
let lambda: LambdaClient;
let s3: S3Client;

useEmulator(600, (env) => {
  ({ emu, lambda } = env);
});
beforeAll(() => {
  s3 = new S3Client({
    endpoint: emu.url,
    region: emu.region,
    credentials,
    forcePathStyle: true,
    maxAttempts: 3,
    // A bucket in another region (`far-away`) answers 301 naming its region; the SDK follows.
    followRegionRedirects: true,
  });
});
afterAll(() => s3.destroy());

/** A zip-shaped body: the end-of-central-directory record, then `size` bytes of comment. */
function zip(size: number, seed = 1): Buffer {
  const head = Buffer.alloc(22);
  head.writeUInt32LE(0x06054b50, 0);
  return Buffer.concat([head, lcgBytes(size, seed)]);
}

async function put(bucket: string, key: string, body: Buffer): Promise<string | undefined> {
  const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return out.VersionId;
}

async function updateFromS3(bucket: string, key: string, version?: string) {
  const r = await lambda.send(
    new UpdateFunctionCodeCommand({
      FunctionName: 'orders',
      S3Bucket: bucket,
      S3Key: key,
      ...(version ? { S3ObjectVersion: version } : {}),
    }),
  );
  await until(emu, async () => {
    const { Configuration: c } = await lambda.send(
      new GetFunctionCommand({ FunctionName: 'orders' }),
    );
    return c?.LastUpdateStatus === 'InProgress' ? undefined : c;
  });
  return r;
}

const getObjectError = (code: string, message: string) =>
  `Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`;

describe('S3 in the emulator server', () => {
  it('takes a 60 MB PutObject path-style, logs it as S3, and HeadObject finds it', async () => {
    emu.createBucket('artifacts');
    const body = zip(60 * 1024 * 1024);
    await put('artifacts', 'big/app.zip', body);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'big/app.zip' }));
    expect(head.ContentLength).toBe(body.length);
    expect(emu.s3Object('artifacts', 'big/app.zip')).toMatchObject({
      size: body.length,
      sha256: sha256Base64(body),
    });
    const s3Calls = emu.calls.filter((c) => c.service === 's3');
    expect(s3Calls.map((c) => [c.operation, c.status, c.mutating])).toEqual([
      ['PutObject', 200, true],
      ['HeadObject', 200, false],
    ]);
  });

  it('answers HeadObject on a missing key with a bare 404, and retries a throttled PutObject', async () => {
    emu.createBucket('artifacts');
    await expectAwsError(
      s3.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'nope.zip' })),
      'NotFound',
      404,
    );
    emu.injectFault({ service: 's3', operation: 'PutObject', kind: 'throttle', count: 1 });
    await put('artifacts', 'a.zip', zip(10));
    const puts = emu.calls.filter((c) => c.operation === 'PutObject').map((c) => c.status);
    expect(puts).toEqual([503, 200]);
  });
});

describe('Lambda code from S3', () => {
  it("CodeSha256 is the SHA-256 of the object's bytes; S3ObjectVersion picks an older one", async () => {
    emu.createFunction({ name: 'orders' });
    emu.createBucket('artifacts', { versioning: true });
    const first = zip(1000, 1);
    const second = zip(1000, 2);
    const v1 = await put('artifacts', 'app.zip', first);
    await put('artifacts', 'app.zip', second);
    expect(v1).toBeDefined();

    const latest = await updateFromS3('artifacts', 'app.zip');
    expect(latest.CodeSha256).toBe(createHash('sha256').update(second).digest('base64'));
    expect(latest.CodeSize).toBe(second.length);
    const older = await updateFromS3('artifacts', 'app.zip', v1);
    expect(older.CodeSha256).toBe(sha256Base64(first));
  });

  it("refuses a missing key, a missing bucket, a bucket in another region and a non-zip, in Lambda's words", async () => {
    emu.createFunction({ name: 'orders' });
    emu.createBucket('artifacts');
    emu.createBucket('far-away', { region: 'eu-west-1' });
    await put('far-away', 'app.zip', zip(10));
    await put('artifacts', 'notes.txt', Buffer.from('not a zip'));
    const cases: [string, string, string][] = [
      [
        'artifacts',
        'missing.zip',
        getObjectError('NoSuchKey', 'The specified key does not exist.'),
      ],
      [
        'no-such-bucket',
        'app.zip',
        getObjectError('NoSuchBucket', 'The specified bucket does not exist'),
      ],
      [
        'far-away',
        'app.zip',
        getObjectError(
          'PermanentRedirect',
          'The bucket is in this region: eu-west-1. Please use this region to retry the request',
        ),
      ],
      [
        'artifacts',
        'notes.txt',
        'Could not unzip uploaded file. Please check your file, then try to upload again.',
      ],
    ];
    for (const [bucket, key, message] of cases)
      await expectAwsError(
        updateFromS3(bucket, key),
        'InvalidParameterValueException',
        400,
        message,
      );
    const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    expect(Configuration?.CodeSha256).toBe(
      sha256Base64("exports.handler = async () => 'hello from orders';\n"),
    );
  });
});
