// STS over the AWS query protocol: POST / with a form-encoded body
// `Action=<Op>&Version=2011-06-15&...`, XML answers `<OpResponse><OpResult>...`.
import type { IncomingHttpHeaders } from 'node:http';
import type { AwsRequest, HttpResult, ServiceApi, ServiceCall } from '../service.ts';
import { ApiError, uuid } from '../util.ts';
import { isoSeconds, XML_DECLARATION, type XmlFields, xmlElement } from '../xml.ts';
import {
  credentialRefusalResponse,
  type HttpAnswer,
  StsError,
  stsErrorResponse,
} from './errors.ts';
import { assumedRoleArn, type StsModel } from './model.ts';
import { requestCredentials } from './signature.ts';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

/** Whether a request is an STS query call (the server routes on this). */
export function isStsRequest(
  method: string,
  contentType: string | undefined,
  body: Buffer,
): boolean {
  return (
    method === 'POST' &&
    (contentType ?? '').startsWith('application/x-www-form-urlencoded') &&
    /(^|&)Action=/.test(body.subarray(0, 4096).toString('utf8'))
  );
}

/** The operation a query body names (for the call log). */
export function stsOperation(body: Buffer): string {
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
}

/**
 * `wireTime` maps an emulated instant to the one sent (default: as it is). On a scaled clock
 * the server sends the real instant of a session's expiry, so a client judging it by its own
 * clock refreshes in time (README.md, "Credentials and the scaled clock").
 */
export function handleSts(
  model: StsModel,
  headers: IncomingHttpHeaders,
  body: Buffer,
  wireTime: (emulatedMs: number) => number = (ms) => ms,
): HttpAnswer {
  const params = new URLSearchParams(body.toString('utf8'));
  const action = params.get('Action') ?? '';
  try {
    if (params.get('Version') !== STS_VERSION) {
      throw new StsError(
        400,
        'InvalidAction',
        `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
      );
    }
    switch (action) {
      case 'AssumeRoleWithWebIdentity':
        return assumeRoleWithWebIdentity(model, params, wireTime);
      case 'GetCallerIdentity':
        return getCallerIdentity(model, headers);
      default:
        throw new StsError(
          400,
          'InvalidAction',
          `Could not find operation ${action} for version ${STS_VERSION}`,
        );
    }
  } catch (e) {
    if (e instanceof StsError) return stsErrorResponse(e);
    throw e;
  }
}

function assumeRoleWithWebIdentity(
  model: StsModel,
  params: URLSearchParams,
  wireTime: (emulatedMs: number) => number,
): HttpAnswer {
  const get = (k: string) => params.get(k) ?? undefined;
  const s = model.assumeRoleWithWebIdentity({
    RoleArn: get('RoleArn'),
    RoleSessionName: get('RoleSessionName'),
    WebIdentityToken: get('WebIdentityToken'),
    DurationSeconds: get('DurationSeconds'),
  });
  const user = assumedRoleArn(s);
  return result('AssumeRoleWithWebIdentity', [
    [
      'Credentials',
      [
        ['AccessKeyId', s.accessKeyId],
        ['SecretAccessKey', s.secretAccessKey],
        ['SessionToken', s.sessionToken],
        ['Expiration', isoSeconds(wireTime(s.expiration))],
      ],
    ],
    ['SubjectFromWebIdentityToken', s.subject],
    [
      'AssumedRoleUser',
      [
        ['AssumedRoleId', `${user.roleId}:${s.sessionName}`],
        ['Arn', user.arn],
      ],
    ],
    ['Provider', s.issuer],
    ['Audience', s.audience],
  ]);
}

function getCallerIdentity(model: StsModel, headers: IncomingHttpHeaders): HttpAnswer {
  const creds = requestCredentials(headers);
  if (!creds)
    throw new StsError(
      403,
      'MissingAuthenticationToken',
      'Request is missing Authentication Token',
    );
  const check = model.checkCredentials(creds.accessKeyId, creds.sessionToken);
  if (!check.ok) return credentialRefusalResponse('sts', check);
  if (!check.session) {
    // A static key the model did not issue: an IAM user of the default account.
    return result('GetCallerIdentity', [
      ['Arn', 'arn:aws:iam::123456789012:user/emulator'],
      ['UserId', 'AIDAEMULATOREMULATOR'],
      ['Account', '123456789012'],
    ]);
  }
  const user = assumedRoleArn(check.session);
  return result('GetCallerIdentity', [
    ['Arn', user.arn],
    ['UserId', `${user.roleId}:${check.session.sessionName}`],
    ['Account', user.account],
  ]);
}

function result(operation: string, fields: XmlFields): HttpAnswer {
  const requestId = uuid();
  const body = `${XML_DECLARATION}${xmlElement(
    `${operation}Response`,
    [
      [`${operation}Result`, fields],
      ['ResponseMetadata', [['RequestId', requestId]]],
    ],
    `xmlns="${NAMESPACE}"`,
  )}`;
  return {
    status: 200,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
    body,
  };
}

/** STS as one of the server's services (query protocol, claimed by its form-encoded Action). */
export class StsApi implements ServiceApi {
  readonly #m: StsModel;
  readonly #wireTime: (emulatedMs: number) => number;

  constructor(model: StsModel, wireTime: (emulatedMs: number) => number) {
    this.#m = model;
    this.#wireTime = wireTime;
  }

  claims(req: AwsRequest): boolean {
    const type = req.headers['content-type'];
    return isStsRequest(req.method, Array.isArray(type) ? type[0] : type, req.body);
  }

  route(req: AwsRequest): ServiceCall {
    const operation = stsOperation(req.body);
    return {
      operation,
      mutating: operation === 'AssumeRoleWithWebIdentity',
      // AssumeRoleWithWebIdentity is the one call STS takes unsigned: the token is the proof.
      unsigned: operation === 'AssumeRoleWithWebIdentity',
      run: () => handleSts(this.#m, req.headers, req.body, this.#wireTime),
    };
  }

  errorResponse(e: ApiError): HttpResult {
    return stsErrorResponse(
      new StsError(e.status, e.code, e.message, e.status >= 500 ? 'Receiver' : 'Sender'),
    );
  }

  unauthenticated(): ApiError {
    return new ApiError(
      403,
      'MissingAuthenticationToken',
      'Request is missing Authentication Token',
    );
  }

  readonly faults = {
    throttle: () => new ApiError(400, 'Throttling', 'Rate exceeded'),
    error500: () =>
      new ApiError(
        500,
        'InternalFailure',
        'An internal error occurred (injected by the emulator).',
      ),
  };
}
