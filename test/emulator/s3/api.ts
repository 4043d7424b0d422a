// S3 REST-XML: path-style `/<bucket>/<key>` (what the SDK sends to an IP endpoint) or
// virtual-hosted `<bucket>.<host>/<key>`. PutObject, HeadObject, GetObject and HeadBucket.
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpAnswer } from '../sts/errors.ts';
import { CHECKSUM_ALGORITHMS, type Checksums, verifyUpload } from './checksums.ts';
import { decodeAwsChunked, isAwsChunked } from './chunked.ts';
import { S3Error, s3ErrorResponse } from './errors.ts';
import type { S3Model, StoredObject } from './model.ts';

export interface S3Route {
  operation: 'PutObject' | 'HeadObject' | 'GetObject' | 'HeadBucket' | 'Unsupported';
  bucket: string;
  key: string;
}

/** 5 GiB: the most one PutObject takes. */
const MAX_PUT = 5 * 1024 ** 3;

export function routeS3(
  method: string,
  url: URL,
  host: string | undefined,
  model: S3Model,
): S3Route {
  const path = url.pathname.slice(1);
  const hostBucket = (host ?? '').split(':')[0]?.split('.')[0] ?? '';
  const slash = path.indexOf('/');
  const pathBucket = slash < 0 ? path : path.slice(0, slash);
  // Virtual-hosted style only when the host names a bucket and the path does not.
  const virtual =
    host?.includes('.') && model.hasBucket(hostBucket) && !model.hasBucket(pathBucket);
  const bucket = virtual ? hostBucket : decodeURIComponent(pathBucket);
  const key = decodeURIComponent(virtual ? path : slash < 0 ? '' : path.slice(slash + 1));
  return { operation: operationOf(method, key, url.searchParams), bucket, key };
}

function operationOf(method: string, key: string, query: URLSearchParams): S3Route['operation'] {
  if (key === '') return method === 'HEAD' ? 'HeadBucket' : 'Unsupported';
  // Multipart uploads, ACLs, tagging and the like are sub-resources the emulator does not serve.
  const plain = [...query.keys()].every(
    (k) => k === 'versionId' || k.startsWith('x-id') || k.startsWith('X-Amz-'),
  );
  if (!plain) return 'Unsupported';
  if (method === 'PUT') return 'PutObject';
  if (method === 'HEAD') return 'HeadObject';
  return method === 'GET' ? 'GetObject' : 'Unsupported';
}

export function handleS3(
  model: S3Model,
  route: S3Route,
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
): HttpAnswer {
  try {
    switch (route.operation) {
      case 'PutObject':
        return putObject(model, route, headers, body);
      case 'HeadObject':
      case 'GetObject': {
        const versionId = url.searchParams.get('versionId') ?? undefined;
        const object = model.head(route.bucket, route.key, versionId);
        const withChecksum = headers['x-amz-checksum-mode'] === 'ENABLED';
        return objectAnswer(object, route.operation === 'GetObject', withChecksum);
      }
      case 'HeadBucket':
        if (!model.hasBucket(route.bucket)) throw new S3Error(404, 'NotFound', 'Not Found');
        return {
          status: 200,
          headers: { 'x-amz-bucket-region': model.bucketRegion(route.bucket) ?? '' },
        };
      case 'Unsupported':
        throw new S3Error(
          501,
          'NotImplemented',
          `The emulator does not implement ${method} ${url.pathname}${url.search}`,
        );
    }
  } catch (e) {
    if (e instanceof S3Error) return s3ErrorResponse(e, method);
    throw e;
  }
}

function putObject(
  model: S3Model,
  route: S3Route,
  headers: IncomingHttpHeaders,
  raw: Buffer,
): HttpAnswer {
  if (!model.hasBucket(route.bucket)) model.head(route.bucket, route.key); // NoSuchBucket first
  const chunked = isAwsChunked(headers);
  const { data, trailers } = chunked ? decodeAwsChunked(raw) : { data: raw, trailers: {} };
  const declared = headers['x-amz-decoded-content-length'];
  if (chunked && declared !== undefined && Number(declared) !== data.length) {
    throw new S3Error(
      400,
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    );
  }
  if (data.length > MAX_PUT) {
    throw new S3Error(
      400,
      'EntityTooLarge',
      'Your proposed upload exceeds the maximum allowed size',
    );
  }
  const checksums = verifyUpload(data, headers, trailers);
  const object = model.put(route.bucket, route.key, {
    data,
    ...(typeof headers['content-type'] === 'string'
      ? { contentType: headers['content-type'] }
      : {}),
    metadata: userMetadata(headers),
    checksums,
  });
  return {
    status: 200,
    headers: {
      ETag: object.etag,
      'x-amz-server-side-encryption': 'AES256',
      ...(object.versionId !== undefined ? { 'x-amz-version-id': object.versionId } : {}),
      ...checksumHeaders(checksums),
    },
  };
}

function objectAnswer(o: StoredObject, withBody: boolean, withChecksum: boolean): HttpAnswer {
  const headers: Record<string, string> = {
    'Content-Type': o.contentType,
    'Content-Length': String(o.data.length),
    ETag: o.etag,
    'Last-Modified': new Date(o.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...(o.versionId !== undefined ? { 'x-amz-version-id': o.versionId } : {}),
    ...(withChecksum ? checksumHeaders(o.checksums) : {}),
  };
  for (const [k, v] of Object.entries(o.metadata)) headers[`x-amz-meta-${k}`] = v;
  return withBody ? { status: 200, headers, body: o.data } : { status: 200, headers };
}

function checksumHeaders(c: Checksums): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = c[a];
    if (v !== undefined) out[`x-amz-checksum-${a}`] = v;
  }
  if (Object.keys(out).length > 0) out['x-amz-checksum-type'] = 'FULL_OBJECT';
  return out;
}

function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-amz-meta-') && typeof v === 'string')
      out[k.slice('x-amz-meta-'.length)] = v;
  }
  return out;
}
