// Lambda reading a package from S3 (UpdateFunctionCode / CreateFunction with S3Bucket and
// S3Key): it does a GetObject in the function's region, and any S3 error comes back as
// InvalidParameterValueException quoting S3's code and message (docs/aws-semantics.md#code-from-s3-lambda-reading-the-object).
import { S3Error } from '../s3/errors.ts';
import type { S3Model } from '../s3/model.ts';
import { invalidParam } from './errors.ts';

/** The object's bytes; the S3 error, in Lambda's words, when Lambda could not read it. */
export function readS3Code(
  s3: S3Model,
  region: string,
  bucket: string,
  key: string,
  objectVersion?: string,
): Buffer {
  const bucketRegion = s3.bucketRegion(bucket);
  if (bucketRegion !== undefined && bucketRegion !== region) {
    throw getObjectError(
      'PermanentRedirect',
      `The bucket is in this region: ${bucketRegion}. Please use this region to retry the request`,
    );
  }
  try {
    return s3.head(bucket, key, objectVersion).data;
  } catch (e) {
    if (e instanceof S3Error) throw getObjectError(e.code, e.message);
    throw e;
  }
}

function getObjectError(code: string, message: string) {
  return invalidParam(
    `Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`,
  );
}
