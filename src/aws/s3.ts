// S3, for code too large to upload to Lambda directly (50 MB zipped): one PutObject of the
// zip (S3 takes up to 5 GB in one request), HeadObject to skip an upload already made.
// The client is loaded only when a release needs it.
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { isAwsError } from './errors.ts';

export interface S3ObjectInfo {
  size: number;
  etag: string;
  versionId?: string;
  metadata: Record<string, string>;
  /** base64 SHA-256 S3 stored from the upload's checksum, when it was given one. */
  checksumSha256?: string;
}

export interface S3PutResult {
  etag: string;
  /** Set when the bucket has versioning on: pass it to Lambda as S3ObjectVersion. */
  versionId?: string;
}

export interface S3Api {
  /**
   * undefined when the object does not exist, or when S3 will not say: without
   * s3:ListBucket, HEAD of a missing key answers 403 instead of 404.
   */
  headObject(bucket: string, key: string): Promise<S3ObjectInfo | undefined>;
  /** Uploads the zip; `sha256Base64` is Lambda's CodeSha256 of it, which S3 checks the bytes against. */
  putObject(
    bucket: string,
    key: string,
    body: Uint8Array,
    sha256Base64: string,
  ): Promise<S3PutResult>;
}

/** The metadata key that records the code's SHA-256 on the object. */
export const CODE_SHA256_METADATA = 'code-sha256';

/** `signal` abandons the calls in flight when the run is cancelled. */
export async function createS3Api(
  config: S3ClientConfig,
  signal?: AbortSignal,
): Promise<S3Api & { destroy(): void }> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client(config);
  const opts = { abortSignal: signal };
  return {
    async headObject(bucket, key) {
      try {
        const out = await client.send(
          new s3.HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
          opts,
        );
        return {
          size: out.ContentLength ?? 0,
          etag: out.ETag ?? '',
          ...(out.VersionId ? { versionId: out.VersionId } : {}),
          metadata: out.Metadata ?? {},
          ...(out.ChecksumSHA256 ? { checksumSha256: out.ChecksumSHA256 } : {}),
        };
      } catch (e) {
        // HEAD answers carry no body: a missing object or bucket is a bare 404 (403 when the
        // caller may not list the bucket); either way the upload goes ahead.
        if (isAwsError(e, 'NotFound', 'NoSuchKey', 'Forbidden', 'AccessDenied')) return undefined;
        throw e;
      }
    },
    async putObject(bucket, key, body, sha256Base64) {
      const out = await client.send(
        new s3.PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/zip',
          ChecksumSHA256: sha256Base64,
          Metadata: { [CODE_SHA256_METADATA]: sha256Base64 },
        }),
        opts,
      );
      return { etag: out.ETag ?? '', ...(out.VersionId ? { versionId: out.VersionId } : {}) };
    },
    destroy: () => client.destroy(),
  };
}

/**
 * Where the zip goes when s3-key is not given: the same code always lands on the same key,
 * so a re-run finds it (HeadObject) instead of uploading again.
 */
export function defaultS3Key(sha256Hex: string, functionName: string): string {
  if (!/^[0-9a-f]{64}$/i.test(sha256Hex)) throw new Error(`not a SHA-256 hex digest: ${sha256Hex}`);
  // A function given by ARN or partial ARN is named by its last part (qualifier dropped).
  const name = functionName.replace(/^.*:function:/, '').split(':')[0] ?? functionName;
  return `lambda-gated-release/${name}/${sha256Hex.toLowerCase()}.zip`;
}
