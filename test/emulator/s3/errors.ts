// S3's REST-XML error form: `<Error><Code/><Message/>...<RequestId/></Error>`; HEAD answers
// carry no body, so a client sees only the status there (404 → NotFound).
import type { HttpAnswer } from '../sts/errors.ts';
import { uuid } from '../util.ts';
import { XML_DECLARATION, type XmlFields, xmlElement } from '../xml.ts';

export class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  /** Extra elements S3 adds to the error (Key, BucketName, ...). */
  readonly fields: XmlFields;
  /** Extra headers of the answer (x-amz-bucket-region). */
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    fields: XmlFields = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.headers = headers;
  }
}

export function s3ErrorResponse(e: S3Error, method: string): HttpAnswer {
  const requestId = uuid().replace(/-/g, '').slice(0, 16).toUpperCase();
  const headers = {
    'Content-Type': 'application/xml',
    'x-amz-request-id': requestId,
    ...e.headers,
  };
  if (method === 'HEAD') return { status: e.status, headers };
  const body = `${XML_DECLARATION}${xmlElement('Error', [
    ['Code', e.code],
    ['Message', e.message],
    ...e.fields,
    ['RequestId', requestId],
    ['HostId', Buffer.from(requestId).toString('base64')],
  ])}`;
  return { status: e.status, headers, body };
}

export const noSuchBucket = (bucket: string) =>
  new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', [['BucketName', bucket]]);

export const noSuchKey = (key: string) =>
  new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', [['Key', key]]);

export const noSuchVersion = (key: string, versionId: string) =>
  new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.', [
    ['Key', key],
    ['VersionId', versionId],
  ]);

/**
 * A request signed for another region than the bucket's: S3 answers 301 and names the
 * bucket's region (docs/aws-semantics.md#regions); a HEAD gets the status and header only.
 */
export const permanentRedirect = (bucket: string, region: string) =>
  new S3Error(
    301,
    'PermanentRedirect',
    'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
    [
      ['Endpoint', `s3.${region}.amazonaws.com`],
      ['Bucket', bucket],
    ],
    { 'x-amz-bucket-region': region },
  );
