// Code too large for Lambda's direct upload goes through S3: PutObject of the zip, then
// UpdateFunctionCode names the object. The same zip already at the key (same size and
// SHA-256, from the metadata or the checksum S3 stored) is not uploaded again.
import type { AwsErrorLike } from '../aws/errors.ts';
import type { NewCode } from '../aws/lambda.ts';
import { CODE_SHA256_METADATA, type S3ObjectInfo } from '../aws/s3.ts';
import type { ReleaseDeps } from './deps.ts';
import { explainFailure } from './errors.ts';
import type { CodeBundle, S3Upload } from './plan.ts';

/** Puts the zip at `target` unless it is there already; returns what Lambda is to read. */
export async function stageInS3(
  code: CodeBundle,
  target: S3Upload,
  region: string,
  deps: Pick<ReleaseDeps, 's3' | 'progress'>,
): Promise<NewCode> {
  if (!deps.s3) throw new Error('the release needs S3 (s3-bucket) but was given no S3 client');
  const s3 = await deps.s3();
  const where = `s3://${target.bucket}/${target.key}`;
  const call = <T>(operation: string, fn: () => Promise<T>) =>
    s3Call(operation, where, target.bucket, region, fn);
  const found = await call('HeadObject', () => s3.headObject(target.bucket, target.key));
  let versionId = found?.versionId;
  if (found && holdsCode(found, code)) {
    deps.progress({
      kind: 'info',
      message: `The same zip is already at ${where}: not uploaded again.`,
    });
  } else {
    deps.progress({
      kind: 'info',
      message: `Uploading the zip (${(code.byteLength / 1024 / 1024).toFixed(1)} MB) to ${where}.`,
    });
    const put = await call('PutObject', () =>
      s3.putObject(target.bucket, target.key, code.zip(), code.sha256),
    );
    versionId = put.versionId;
  }
  // A versioned bucket: pin the exact version, so a later upload to the key changes nothing here.
  return {
    s3Bucket: target.bucket,
    s3Key: target.key,
    ...(versionId ? { s3ObjectVersion: versionId } : {}),
  };
}

function holdsCode(found: S3ObjectInfo, code: CodeBundle): boolean {
  if (found.size !== code.byteLength) return false;
  return (
    found.metadata[CODE_SHA256_METADATA] === code.sha256 || found.checksumSha256 === code.sha256
  );
}

function s3Call<T>(
  operation: string,
  where: string,
  bucket: string,
  region: string,
  fn: () => Promise<T>,
): Promise<T> {
  return explainFailure(
    'S3_UPLOAD_FAILED',
    (e) =>
      `S3 ${operation} failed while putting the new code at ${where} (${e.name}: ${e.message}). ${s3Fix(e, bucket, region)} Nothing was changed in Lambda.`,
    fn,
  );
}

function s3Fix({ name, status }: AwsErrorLike, bucket: string, region: string): string {
  if (name === 'NoSuchBucket')
    return `Bucket \`${bucket}\` does not exist: create it in ${region}, or fix \`s3-bucket\`.`;
  if (
    [
      'PermanentRedirect',
      'AuthorizationHeaderMalformed',
      'IllegalLocationConstraintException',
    ].includes(name) ||
    // A bucket in another region answers a HEAD with a bare 301 (docs/aws-semantics.md#regions).
    status === 301
  )
    return `Lambda reads code only from a bucket in the function's region (${region}): give \`s3-bucket\` a bucket there.`;
  if (name === 'AccessDenied' || name === 'Forbidden')
    return `The role the action runs as needs s3:PutObject and s3:GetObject on arn:aws:s3:::${bucket}/<key>.`;
  return 'Run it again; if it persists, check the bucket and the role the action runs as.';
}
