// STS over the AWS query protocol: POST / with a form-encoded body
// `Action=<Op>&Version=2011-06-15&...`, XML answers `<OpResponse><OpResult>...`.
import type { IncomingHttpHeaders } from 'node:http';
import { uuid } from '../util.ts';
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

export function handleSts(model: StsModel, headers: IncomingHttpHeaders, body: Buffer): HttpAnswer {
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
        return assumeRoleWithWebIdentity(model, params);
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

function assumeRoleWithWebIdentity(model: StsModel, params: URLSearchParams): HttpAnswer {
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
        ['Expiration', isoSeconds(s.expiration)],
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
