// STS errors in the query protocol's XML form, and how each service refuses a call signed
// with expired or unknown session credentials (docs/aws-semantics.md).
import { uuid } from '../util.ts';
import { XML_DECLARATION, xmlElement } from '../xml.ts';

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export class StsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: 'Sender' | 'Receiver';
  constructor(
    status: number,
    code: string,
    message: string,
    type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
    this.status = status;
    this.code = code;
    this.type = type;
  }
}

export const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
export const EXPIRED_MESSAGE = 'The security token included in the request is expired';
export const INVALID_MESSAGE = 'The security token included in the request is invalid';

export function stsErrorResponse(e: StsError, requestId = uuid()): HttpAnswer {
  const error = xmlElement('Error', [
    ['Type', e.type],
    ['Code', e.code],
    ['Message', e.message],
  ]);
  const body = `${XML_DECLARATION}<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">${error}${xmlElement('RequestId', requestId)}</ErrorResponse>`;
  return {
    status: e.status,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
    body,
  };
}

/** Why the model refuses a caller's credentials. */
export type CredentialRefusal =
  | { code: 'ExpiredTokenException'; message: typeof EXPIRED_MESSAGE }
  | { code: 'InvalidClientTokenId'; message: typeof INVALID_MESSAGE };

export type SignedService = 'lambda' | 'codedeploy' | 's3' | 'cloudwatch' | 'sts';

/**
 * The answer each service gives a call refused for its credentials. Lambda and CodeDeploy
 * (ExpiredTokenException) follow AWS's documents; the S3, CloudWatch and STS forms are
 * modelled on AWS's common errors (unverified: see docs/aws-semantics.md).
 */
export function credentialRefusalResponse(
  service: SignedService,
  r: CredentialRefusal,
): HttpAnswer {
  const expired = r.code === 'ExpiredTokenException';
  switch (service) {
    case 'lambda': {
      const code = expired ? 'ExpiredTokenException' : 'UnrecognizedClientException';
      return jsonAnswer(
        403,
        'application/json',
        { 'X-Amzn-ErrorType': code },
        {
          Type: 'User',
          message: r.message,
        },
      );
    }
    case 'codedeploy': {
      const code = expired ? 'ExpiredTokenException' : 'UnrecognizedClientException';
      return jsonAnswer(
        400,
        'application/x-amz-json-1.1',
        {},
        { __type: code, message: r.message },
      );
    }
    case 'cloudwatch': {
      const code = expired ? 'ExpiredToken' : 'InvalidClientTokenId';
      return jsonAnswer(
        403,
        'application/x-amz-json-1.0',
        { 'x-amzn-query-error': `${code};Sender` },
        { __type: code, message: r.message },
      );
    }
    case 's3': {
      const [code, message] = expired
        ? ['ExpiredToken', 'The provided token has expired.']
        : ['InvalidToken', 'The provided token is malformed or otherwise invalid.'];
      const body = `${XML_DECLARATION}${xmlElement('Error', [
        ['Code', code],
        ['Message', message],
        ['RequestId', uuid()],
      ])}`;
      return { status: 400, headers: { 'Content-Type': 'application/xml' }, body };
    }
    case 'sts':
      return stsErrorResponse(
        new StsError(403, expired ? 'ExpiredToken' : 'InvalidClientTokenId', r.message),
      );
  }
}

function jsonAnswer(
  status: number,
  contentType: string,
  headers: Record<string, string>,
  body: object,
): HttpAnswer {
  return {
    status,
    headers: { 'Content-Type': contentType, ...headers },
    body: JSON.stringify(body),
  };
}
