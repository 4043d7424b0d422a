// `s3-bucket` with local code: the zip goes to S3 and Lambda reads it from there; the same
// zip is not uploaded twice; a zip over 50 MB without `s3-bucket` is refused before any change.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultS3Key } from '../../src/aws/s3.ts';
import { zipDirectory } from '../../src/release/zip.ts';
import type { Emulator } from '../emulator/index.ts';
import { emulatorForFile } from './emulator.ts';
import { codeDir, FN, mutating, runRelease, seed } from './harness.ts';

const emu = await emulatorForFile();

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();
const s3Ops = (calls: Emulator['calls']) =>
  calls.filter((c) => c.service === 's3').map((c) => `${c.operation} ${c.status}`);

describe('code through S3', () => {
  it('uploads the zip to the default key, and the version carries exactly that code', async () => {
    seed(emu);
    emu.createBucket('artifacts');
    const dir = codeDir('v2');
    const zip = await zipDirectory(dir);
    const run = await runRelease(emu, {
      'code-dir': dir,
      's3-bucket': 'artifacts',
      strategy: 'AllAtOnce',
    });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(run.outputs['code-sha256']).toBe(sha(zip).toString('base64'));
    const key = defaultS3Key(sha(zip).toString('hex'), FN);
    expect(emu.s3Object('artifacts', key)).toMatchObject({
      size: zip.length,
      sha256: sha(zip).toString('base64'),
      metadata: { 'code-sha256': sha(zip).toString('base64') },
    });
    expect(s3Ops(run.calls)).toEqual(['HeadObject 404', 'PutObject 200']);
    const update = run.calls.findIndex((c) => c.operation === 'UpdateFunctionCode');
    const put = run.calls.findIndex((c) => c.operation === 'PutObject');
    expect(put).toBeLessThan(update);
  });

  it('does not upload the same zip again; the code still goes to Lambda when $LATEST differs', async () => {
    seed(emu);
    emu.createBucket('artifacts', { versioning: true });
    const dir = codeDir('v2');
    const inputs = { 'code-dir': dir, 's3-bucket': 'artifacts', 's3-key': 'orders/app.zip' };
    await runRelease(emu, { ...inputs, strategy: 'AllAtOnce' });
    emu.updateCodeOutOfBand(FN, 'someone else');
    const again = await runRelease(emu, { ...inputs, strategy: 'AllAtOnce' });
    expect(again.result.status).toBe('succeeded');
    expect(s3Ops(again.calls)).toEqual(['HeadObject 200']);
    expect(mutating(again.calls)).toContain('UpdateFunctionCode');
    expect(again.outputs['code-sha256']).toBe(sha(await zipDirectory(dir)).toString('base64'));
    expect(emu.s3Object('artifacts', 'orders/app.zip')?.versions).toBe(1);
  });

  it('different content at the key is replaced', async () => {
    seed(emu);
    emu.createBucket('artifacts');
    const inputs = { 's3-bucket': 'artifacts', 's3-key': 'app.zip', strategy: 'AllAtOnce' };
    await runRelease(emu, { ...inputs, 'code-dir': codeDir('v2') });
    const dir = codeDir('v3');
    const run = await runRelease(emu, { ...inputs, 'code-dir': dir });
    expect(s3Ops(run.calls)).toEqual(['HeadObject 200', 'PutObject 200']);
    expect(emu.s3Object('artifacts', 'app.zip')?.sha256).toBe(
      sha(await zipDirectory(dir)).toString('base64'),
    );
  });

  it('a missing bucket fails the upload with the fix, and Lambda is not touched', async () => {
    seed(emu);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), 's3-bucket': 'nowhere' });
    expect(run.result.cause?.code).toBe('S3_UPLOAD_FAILED');
    expect(run.result.cause?.message).toMatch(
      /^S3 PutObject failed while putting the new code at s3:\/\/nowhere\/lambda-gated-release\/orders\/[0-9a-f]{64}\.zip \(NoSuchBucket: .*\)\. Bucket `nowhere` does not exist: create it in us-east-1, or fix `s3-bucket`\./,
    );
    expect(mutating(run.calls)).toEqual(['PutObject']);
  });

  it("a bucket in another region: S3's refusal is the cause with the fix, nothing changed", async () => {
    seed(emu);
    emu.createBucket('far-away', { region: 'eu-west-1' });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), 's3-bucket': 'far-away' });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause?.code).toBe('S3_UPLOAD_FAILED');
    expect(run.result.cause?.message).toMatch(
      /^S3 HeadObject failed while putting the new code at s3:\/\/far-away\/.* Lambda reads code only from a bucket in the function's region \(us-east-1\): give `s3-bucket` a bucket there\. Nothing was changed in Lambda\.$/,
    );
    expect(mutating(run.calls)).toEqual([]);
  });

  it('a code-dir whose zip is over 50 MB, without s3-bucket, is refused before any change', async () => {
    seed(emu);
    const dir = codeDir('big');
    writeFileSync(join(dir, 'blob.bin'), randomBytes(51 * 1024 * 1024));
    const run = await runRelease(emu, { 'code-dir': dir });
    expect(run.result.cause?.code).toBe('CODE_TOO_LARGE');
    expect(run.result.cause?.message).toMatch(
      /^`code-dir` .* is 51\.0 MB zipped, over Lambda's 50 MB limit for direct upload\. Add `s3-bucket`/,
    );
    expect(mutating(run.calls)).toEqual([]);
  });
});
